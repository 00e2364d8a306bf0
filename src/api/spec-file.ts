/**
 * Reads a service spec from YAML text, as `berth synth` reads `charts/<service>/service.yaml` and
 * an environment overlay: the same limits, secret-literal refusal, overlay merge and schema, with
 * problems at their file and line. The caller reads the files; nothing here touches the disk.
 */
import { z } from 'zod';
import { formatProblems, issuesToProblems, Problem } from '../spec/errors';
import { findSecretLiterals, mergeSpec, overlayTouches, parseYamlFile, withLines } from '../spec/load';
import { ServiceSpec } from '../spec/schema';

/** One YAML file's name (for messages) and text. */
export interface SpecSource {
  /** The file's name as messages should print it, e.g. `charts/rag/service.yaml`. */
  readonly path: string;
  /** The YAML text. */
  readonly text: string;
}

/**
 * The spec in `base` with `overlay` merged over it (objects merge, lists and scalars replace,
 * null removes), validated and with the schema's defaults applied. Throws a plain Error listing
 * every problem with its file, line, field and fix; secret values are never echoed.
 * @param overlay @default - no overlay
 */
export function parseServiceSpec(base: SpecSource, overlay?: SpecSource): ServiceSpec {
  const sources = overlay ? [base, overlay] : [base];
  const problems: Problem[] = [];
  const data: unknown[] = [];
  for (const source of sources) {
    const parsed = parseYamlFile(source);
    if ('problem' in parsed) problems.push(parsed.problem);
    else {
      problems.push(...findSecretLiterals(source.path, parsed.data));
      data.push(parsed.data);
    }
  }
  if (problems.length) throw new Error(formatProblems(withLines(problems, sources)));
  // As berth synth merges them: an overlay's patches come after the service's (spec/load.ts).
  const merged = overlay && data.length === 2 ? mergeSpec(data[0] as Record<string, unknown>, data[1], base, overlay).merged : data[0];
  const result = ServiceSpec.safeParse(merged);
  if (result.success) return result.data;
  // A field the overlay sets is reported in the overlay.
  const fileFor = (path: readonly PropertyKey[]) => (overlay && overlayTouches(data[1], path) ? overlay.path : base.path);
  throw new Error(formatProblems(withLines(issuesToProblems(ServiceSpec as unknown as z.core.$ZodType, result.error.issues, fileFor, merged), sources)));
}

