/**
 * Spec problems: collected, never thrown one at a time, and printed for a person the way
 * `z.prettifyError` does, with the file in front. No stack traces reach the user.
 */
import { z } from 'zod';
import { describeSecret, redact, secretKind } from '../util/redact';

/** One problem in one input file. */
export interface Problem {
  /** Repository-relative file, e.g. `charts/rag/prod.yaml`. */
  readonly file: string;
  /** Dotted field path inside the file; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  /** What to do about it: every problem says (a test walks the bad-input catalogue for it, too). */
  readonly fix: string;
  /** 1-based line in `file` of the field (or of its nearest ancestor when the field is missing). @default - none (the whole file) */
  readonly line?: number;
}

/** Thrown by the loaders and the chart when input is wrong; carries every problem found. */
export class SpecError extends Error {
  constructor(readonly problems: readonly Problem[]) {
    super(formatProblems(problems));
    this.name = 'SpecError';
  }
}

/**
 * Formats problems grouped by file, like `z.prettifyError`, with the line of each field. Secret
 * values are redacted here, whoever built the message (util/redact.ts).
 */
export function formatProblems(problems: readonly Problem[]): string {
  const byFile = new Map<string, Problem[]>();
  for (const p of problems) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  const out: string[] = [];
  for (const [file, list] of byFile) {
    out.push(file);
    // In the order a person reads the file; whole-file problems first.
    for (const p of [...list].sort((a, b) => (a.line ?? 0) - (b.line ?? 0))) {
      out.push(`  ✖ ${p.message}`);
      const line = p.line === undefined ? '' : ` (line ${p.line})`;
      if (p.path) out.push(`    → at ${p.path}${line}`);
      else if (line) out.push(`    → at${line}`);
      if (p.fix) out.push(`    → fix: ${p.fix}`);
    }
  }
  return redact(out.join('\n'));
}

/** Splits a formatted path (`web.api.paths[1]`) back into its keys and indexes. */
export function parsePath(path: string): Array<string | number> {
  const out: Array<string | number> = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
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
function levenshtein(a: string, b: string): number {
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
function knownKeysAt(schema: AnySchema, path: readonly PropertyKey[]): string[] {
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

/**
 * Turns zod issues into problems: each at the file that holds its field, with "did you mean"
 * on unknown keys, the received value shown (unless it is a secret: then its kind and length),
 * and a fix for every kind of issue.
 */
export function issuesToProblems(
  schema: AnySchema,
  issues: readonly z.core.$ZodIssue[],
  fileFor: (path: readonly PropertyKey[]) => string,
  input: unknown,
): Problem[] {
  const problems: Problem[] = [];
  // `parent.key` of every missing key an unknown key is a typo of: the typo is the one problem.
  const misspelt = new Set<string>();
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(schema, issue.path);
      for (const key of issue.keys) {
        const hint = suggest(key, known);
        if (hint) misspelt.add(formatPath([...issue.path, hint]));
        problems.push({
          file: fileFor([...issue.path, key]),
          path: formatPath([...issue.path, key]),
          message: `Unknown key ${showKey(key)}`,
          fix: hint ? `did you mean "${hint}"?` : `remove it; allowed here: ${known.sort().join(', ')}`,
        });
      }
      continue;
    }
    const file = fileFor(issue.path);
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
    if (issue.code === 'invalid_union' && received !== undefined && (received === null || typeof received !== 'object')) {
      // A scalar where text or a mapping may go (an env value): the scalar form's own issue says it best.
      const scalar = issue.errors.find((b) => b.length === 1 && b[0].code === 'invalid_type' && b[0].expected !== 'object');
      if (scalar) {
        problems.push(...issuesToProblems(schema, scalar.map((i) => ({ ...i, path: [...issue.path, ...i.path] })) as z.core.$ZodIssue[], fileFor, input));
        continue;
      }
    }
    if (issue.code === 'invalid_key' && issue.issues.length) {
      // A record key broke its rule: say which rule, about the key itself.
      const key = String(issue.path[issue.path.length - 1]);
      problems.push({ file, path: formatPath(issue.path), message: `${issue.issues[0].message} (got ${showKey(key)})`, fix: `rename the key: ${mustSay(issue.issues[0].message)}` });
      continue;
    }
    let message = issue.message;
    const missing = received === undefined && (issue.code === 'invalid_union' || issue.code === 'invalid_type');
    const expected = issue.code === 'invalid_union' ? `one of ${knownKeysAt(schema, issue.path).join(', ')}` : issue.code === 'invalid_type' ? issue.expected : '';
    if (missing) message = `Required: expected ${expected}`;
    else if (received !== undefined && typeof received !== 'object' && !message.includes(String(received))) {
      message += ` (got ${showValue(issue.path, received)})`;
    }
    problems.push({ file, path: formatPath(issue.path), message, fix: fixFor(issue, missing, expected) });
  }
  // A missing key that an unknown key is a typo of is the same mistake: report only the typo.
  return problems.filter((p) => !(p.message.startsWith('Required:') && misspelt.has(p.path)));
}

/** A received value for a message: itself, or what kind of secret it is and its length. */
function showValue(path: readonly PropertyKey[], value: unknown): string {
  const kind = typeof value === 'string' ? secretKind(path, value) : undefined;
  return kind ? describeSecret(String(value), kind) : JSON.stringify(value);
}

/** A key for a message: quoted, unless it is credential-shaped. */
function showKey(key: string): string {
  return secretKind([], key) ? describeSecret(key, 'a credential used as a key') : JSON.stringify(key);
}

/** A rule's message as the reason in a fix: "must be a DNS label" → "it must be a DNS label". */
function mustSay(message: string): string {
  return /^(must|is|lists|cannot|needs)\b/.test(message) ? `it ${message}` : message;
}

/** What to write for a value of a zod type, for a person: what it is, and how to write it. */
const EXAMPLE: Record<string, [string, string]> = {
  string: ['text', 'quote it when it looks like a number or a boolean: "8000", "true"'],
  number: ['a number', 'without quotes, such as 8000'],
  int: ['a whole number', 'without quotes, such as 8000'],
  boolean: ['true or false', 'without quotes'],
  object: ['a mapping', 'indented `key: value` lines'],
  record: ['a mapping', 'indented `name: value` lines'],
  array: ['a list', '`[a, b]`, or lines starting with `- `'],
};

/** `1 item`, `3 items`. */
const counted = (n: unknown, unit: string) => (unit ? `${String(n)} ${unit}${n === 1 ? '' : 's'}` : String(n));

/** The unit of a size limit, by what was measured. */
const unitOf = (origin: string) => (origin === 'string' ? 'character' : origin === 'array' || origin === 'set' ? 'item' : origin === 'object' || origin === 'record' ? 'entry' : '');

/** The fix for one zod issue: every kind of issue gets one. */
function fixFor(issue: z.core.$ZodIssue, missing: boolean, expected: string): string {
  const params = (issue as { params?: { fix?: unknown } }).params;
  if (typeof params?.fix === 'string') return params.fix;
  const key = String(issue.path[issue.path.length - 1] ?? 'it');
  const [noun, how] = EXAMPLE[expected] ?? [expected, ''];
  const example = how ? ` (${how})` : '';
  switch (issue.code) {
    case 'invalid_type':
      return missing ? `add ${key}: ${noun}${example}` : `write ${noun} here${example}`;
    case 'invalid_union':
      return missing ? `add ${key} with one of: ${expected.replace(/^one of /, '')}` : `write ${key} in one of its forms (schema/ holds the JSON Schema your editor can check it with)`;
    case 'invalid_value':
      return `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      return issue.inclusive === false ? `use more than ${counted(issue.minimum, unitOf(issue.origin))}` : `use at least ${counted(issue.minimum, unitOf(issue.origin))}`;
    case 'too_big':
      return issue.inclusive === false ? `use less than ${counted(issue.maximum, unitOf(issue.origin))}` : `use at most ${counted(issue.maximum, unitOf(issue.origin))}`;
    case 'not_multiple_of':
      return `use a multiple of ${String(issue.divisor)}`;
    case 'invalid_key':
      return 'rename the key';
    case 'invalid_element':
      return 'change the listed value';
    case 'unrecognized_keys':
      return 'remove the key';
    case 'invalid_format':
    case 'custom':
      // A cron schedule: say how one is written, not only what was wrong with this one.
      if (key === 'schedule') return 'write five fields, minute hour day-of-month month day-of-week, such as "0 3 * * *" (03:00 every day) or "*/15 * * * *" (every 15 minutes), or a macro such as @daily';
      return `change the value: ${mustSay(issue.message)}`;
    default:
      return 'change the value; schema/ holds the JSON Schema that says what is allowed here';
  }
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
