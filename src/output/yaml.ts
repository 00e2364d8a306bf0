/**
 * A small, fast, deterministic YAML emitter for Kubernetes objects (plain JSON-like data).
 *
 * Output is block style, two-space indentation, keys in insertion order, strings plain when
 * YAML 1.1 and 1.2 both read them back as the same string, otherwise double-quoted (JSON
 * escapes are valid YAML) or, for multi-line text such as scripts, a literal block. It is a
 * few times faster than a general dumper because it never builds an intermediate tree.
 * `test/output/yaml.test.ts` round-trips it through js-yaml.
 */

// Plain scalars: a conservative set that no YAML 1.1 or 1.2 resolver reads as anything but a string.
const PLAIN = /^(?:--?(?=[A-Za-z]))?[A-Za-z0-9_/.$][A-Za-z0-9_/.$@()+=,%-]*(?:[ :][A-Za-z0-9_/.$@()+=,%-]+)*$/;
const AMBIGUOUS = /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL|~|\.inf|\.Inf|\.INF|\.nan|\.NaN|\.NAN|[-+]?\.(?:inf|Inf|INF))$/;
// Numbers in any YAML 1.1 or 1.2 spelling (with `_`, sexagesimal `1:30`, hex/octal/binary) and
// timestamps must stay strings, so they are quoted.
const NUMBERISH = /^[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)(?:[eE][-+]?[0-9]+)?$|^[-+]?0[xob]|^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$|^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}/;

/** Renders a string as a YAML scalar on one line (plain or double-quoted). */
export function scalarString(s: string): string {
  if (s.length > 0 && s.length < 200 && PLAIN.test(s) && !AMBIGUOUS.test(s) && !NUMBERISH.test(s) && !s.includes(': ') && !s.endsWith(':') && !s.includes(' #')) {
    return s;
  }
  return JSON.stringify(s);
}

function blockLiteral(s: string, indent: string): string | undefined {
  if (!s.includes('\n') || /[\r\t\u0000-\u0008\u000b-\u001f\u007f\u0085\u2028\u2029\ufeff]/.test(s) || s.startsWith(' ') || s.startsWith('\n')) return undefined;
  let chomp = '-';
  let body = s;
  if (s.endsWith('\n')) {
    body = s.slice(0, -1);
    if (body.endsWith('\n')) return undefined;
    chomp = '';
  }
  const lines = body.split('\n');
  if (lines.some((l) => / $/.test(l))) return undefined;
  return `|${chomp}\n` + lines.map((l) => (l.length ? indent + l : '')).join('\n');
}

function scalar(v: unknown, indent: string): string {
  switch (typeof v) {
    case 'string':
      return blockLiteral(v, indent) ?? scalarString(v);
    case 'number':
      if (!Number.isFinite(v)) throw new Error(`cannot write non-finite number ${v}`);
      return String(v);
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      if (v === null) return 'null';
      throw new Error(`cannot write a value of type ${typeof v}`);
  }
}

function isEmpty(v: unknown): boolean {
  return Array.isArray(v) ? v.length === 0 : Object.keys(v as object).length === 0;
}

function writeMapping(obj: Record<string, unknown>, indent: string, out: string[], firstPrefix: string | undefined): void {
  let first = true;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === undefined) continue;
    const prefix = first && firstPrefix !== undefined ? firstPrefix : indent;
    first = false;
    const k = scalarString(key);
    if (v !== null && typeof v === 'object') {
      if (isEmpty(v)) out.push(`${prefix}${k}: ${Array.isArray(v) ? '[]' : '{}'}`);
      else {
        out.push(`${prefix}${k}:`);
        writeNode(v, indent + '  ', out);
      }
    } else {
      out.push(`${prefix}${k}: ${scalar(v, indent + '  ')}`);
    }
  }
  if (first && firstPrefix !== undefined) out.push(`${firstPrefix}{}`);
}

function writeSequence(arr: readonly unknown[], indent: string, out: string[]): void {
  for (const item of arr) {
    const prefix = `${indent}- `;
    if (item !== null && typeof item === 'object') {
      if (isEmpty(item)) out.push(`${prefix}${Array.isArray(item) ? '[]' : '{}'}`);
      else if (Array.isArray(item)) {
        out.push(`${indent}-`);
        writeSequence(item, indent + '  ', out);
      } else writeMapping(item as Record<string, unknown>, indent + '  ', out, prefix);
    } else {
      out.push(`${prefix}${scalar(item, indent + '  ')}`);
    }
  }
}

function writeNode(v: unknown, indent: string, out: string[]): void {
  if (Array.isArray(v)) writeSequence(v, indent, out);
  else writeMapping(v as Record<string, unknown>, indent, out, undefined);
}

/** One YAML document for one object (no leading `---`), ending in a newline. */
export function toYamlDocument(obj: Record<string, unknown>): string {
  const out: string[] = [];
  writeMapping(obj, '', out, undefined);
  return out.join('\n') + '\n';
}

/** A multi-document YAML stream. */
export function toYamlStream(objects: readonly Record<string, unknown>[]): string {
  return objects.map(toYamlDocument).join('---\n');
}
