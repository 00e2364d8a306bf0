/**
 * Spec problems: collected, never thrown one at a time, and printed for a person the way
 * `z.prettifyError` does, with the file in front. No stack traces reach the user.
 */
import { z } from 'zod';

/** One problem in one input file. */
export interface Problem {
  /** Repository-relative file, e.g. `charts/rag/prod.yaml`. */
  readonly file: string;
  /** Dotted field path inside the file; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  /** What to do about it, when there is something better to say than the message. */
  readonly fix?: string;
}

/** Thrown by the loaders and the chart when input is wrong; carries every problem found. */
export class SpecError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(formatProblems(problems));
    this.name = 'SpecError';
  }
}

/** Formats problems grouped by file, like `z.prettifyError`. */
export function formatProblems(problems: readonly Problem[]): string {
  const byFile = new Map<string, Problem[]>();
  for (const p of problems) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  const out: string[] = [];
  for (const [file, list] of byFile) {
    out.push(file);
    for (const p of list) {
      out.push(`  ✖ ${p.message}`);
      if (p.path) out.push(`    → at ${p.path}`);
      if (p.fix) out.push(`    → fix: ${p.fix}`);
    }
  }
  return out.join('\n');
}

/** Renders a zod issue path as `web.api.port` or `cron.retention.tables[1]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const seg of path) {
    if (typeof seg === 'number') s += `[${seg}]`;
    else s += s ? `.${String(seg)}` : String(seg);
  }
  return s;
}

/** Edit distance, for "did you mean" hints on misspelled keys. */
export function levenshtein(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest known key, if it is close enough to be a typo. */
export function suggest(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  // A misspelling that keeps the start of a short key ("enviroment" for "env") is still a typo of it.
  const prefixed = known.filter((k) => k.length >= 3 && lower.startsWith(k.toLowerCase())).sort((a, b) => b.length - a.length)[0];
  let best: string | undefined;
  let bestDist = Infinity;
  for (const k of known) {
    const d = levenshtein(key.toLowerCase(), k.toLowerCase());
    if (d < bestDist) [best, bestDist] = [k, d];
  }
  if (best !== undefined && bestDist <= Math.max(2, Math.floor(key.length / 3))) return best;
  return prefixed;
}

type AnySchema = z.core.$ZodType;

/** The keys an object schema accepts at `path`, walking through wrappers, records, arrays, unions. */
export function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
  const found = new Set<string>();
  const visit = (s: AnySchema, rest: readonly PropertyKey[]): void => {
    const def = s._zod.def as unknown as Record<string, unknown> & { type: string };
    switch (def.type) {
      case 'optional':
      case 'default':
      case 'prefault':
      case 'nullable':
      case 'readonly':
        return visit(def.innerType as AnySchema, rest);
      case 'pipe':
        return visit(def.in as AnySchema, rest);
      case 'union':
        for (const o of def.options as AnySchema[]) visit(o, rest);
        return;
      case 'object': {
        const shape = def.shape as Record<string, AnySchema>;
        if (rest.length === 0) {
          for (const k of Object.keys(shape)) found.add(k);
          return;
        }
        const next = shape[String(rest[0])];
        if (next) visit(next, rest.slice(1));
        return;
      }
      case 'record':
        if (rest.length > 0) visit(def.valueType as AnySchema, rest.slice(1));
        return;
      case 'array':
        if (rest.length > 0) visit(def.element as AnySchema, rest.slice(1));
        return;
      default:
        return;
    }
  };
  visit(schema, path);
  return [...found];
}

/** Turns zod issues into problems, with "did you mean" on unknown keys and received values shown. */
export function issuesToProblems(
  schema: AnySchema,
  issues: readonly z.core.$ZodIssue[],
  fileFor: (path: readonly PropertyKey[]) => string,
  input: unknown,
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const file = fileFor(issue.path);
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const hint = suggest(key, known);
        problems.push({
          file,
          path: formatPath([...issue.path, key]),
          message: `Unknown key "${key}"`,
          fix: hint ? `did you mean "${hint}"?` : `remove it; allowed here: ${known.sort().join(', ')}`,
        });
      }
      continue;
    }
    if (issue.code === 'invalid_union') {
      // Report the branch that got furthest: the one whose issues have the longest path.
      const branches = issue.errors.filter((b) => b.length > 0);
      const best = branches.sort((a, b) => maxDepth(b) - maxDepth(a))[0];
      if (best && maxDepth(best) > 0) {
        const nested = best.map((i) => ({ ...i, path: [...issue.path, ...i.path] })) as z.core.$ZodIssue[];
        problems.push(...issuesToProblems(schema, nested, fileFor, input));
        continue;
      }
    }
    const received = valueAt(input, issue.path);
    let message = issue.message;
    if (issue.code === 'invalid_key' && issue.issues.length) {
      // A record key broke its rule: say which rule, about the key itself.
      const key = issue.path[issue.path.length - 1];
      problems.push({ file, path: formatPath(issue.path), message: `${issue.issues[0].message} (got ${JSON.stringify(String(key))})` });
      continue;
    }
    if (issue.code === 'invalid_union' && received === undefined) message = `Required: expected one of ${knownKeysAt(schema, issue.path).join(', ')}`;
    else if (issue.code === 'invalid_type' && received === undefined) message = `Required: expected ${issue.expected}`;
    else if (received !== undefined && typeof received !== 'object' && !message.includes(String(received))) {
      message += ` (got ${JSON.stringify(received)})`;
    }
    problems.push({ file, path: formatPath(issue.path), message });
  }
  return problems;
}

function maxDepth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length + (i.code === 'unrecognized_keys' ? 1 : 0)));
}

/** Reads the value at a path of plain data, or undefined. */
export function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}
