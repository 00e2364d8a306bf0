/**
 * docs/typescript.md's API reference is hand-written, so it is held equal to the public API here:
 * every name src/index.ts exports has a row, and every row names something still exported. The
 * exports are read from the compiled module (what a user imports) and, for types, which vanish at
 * run time, from src/index.ts's `export type { … }` lists.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as api from '../../src/index';
import { REPO } from '../helpers';

const index = fs.readFileSync(path.join(REPO, 'src/index.ts'), 'utf8');
const doc = fs.readFileSync(path.join(REPO, 'docs/typescript.md'), 'utf8');

/** Names of the `export type { … } from` lists of src/index.ts. */
const typeNames = [...index.matchAll(/^export type \{([^}]*)\}/gm)].flatMap((m) => m[1].split(',').map((n) => n.trim()).filter(Boolean));
/** Names the module exports at run time. */
const valueNames = Object.keys(api);
/** The first cell of each row of the reference tables: `` | `Name` | kind | what | ``. */
const reference = doc.slice(doc.indexOf('\n## API reference')).split('\n').flatMap((l) => /^\| `(\w+)` \| (class|type|function|const) \|/.exec(l)?.[1] ?? []);

test('the scans find the public API and its reference (a scan of nothing would pass)', () => {
  expect(valueNames).toContain('WebService');
  expect(typeNames).toContain('WebServiceProps');
  expect(reference.length).toBeGreaterThan(90);
});

test('every exported name is in the reference of docs/typescript.md', () => {
  expect([...valueNames, ...typeNames].filter((n) => !reference.includes(n)).sort()).toEqual([]);
});

test('every name in the reference is still exported', () => {
  expect(reference.filter((n) => !valueNames.includes(n) && !typeNames.includes(n))).toEqual([]);
});

test('no name is listed twice', () => {
  expect(reference.filter((n, i) => reference.indexOf(n) !== i)).toEqual([]);
});
