/**
 * A YAML stream as the checks read it: every document that is an object, each named by its
 * file. Pure: `berth check` (main.ts) reads the files, `checkManifests` (api/check.ts) gets text.
 */
import * as yaml from 'js-yaml';
import { SpecError } from '../spec/errors';
import { Manifest } from './types';

/** The objects of one YAML file; a file that does not parse is a problem of that file (SpecError). */
export function parseManifests(file: string, text: string): Manifest[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text, { filename: file, maxAliases: 64 });
  } catch (e) {
    throw new SpecError([{ file, path: '', message: `YAML syntax error: ${(e as { reason?: string }).reason ?? (e as Error).message.split('\n')[0]}`, fix: 'fix the YAML syntax (indentation, quoting, a missing colon), or move the file out of this folder' }]);
  }
  return manifestsOf(file, docs);
}

/** The documents that are objects, named by their file (an empty document, a scalar or a list is not a manifest). */
export function manifestsOf(file: string, docs: readonly unknown[]): Manifest[] {
  const out: Manifest[] = [];
  for (const object of docs) if (object && typeof object === 'object' && !Array.isArray(object)) out.push({ file, object: object as Record<string, unknown> });
  return out;
}
