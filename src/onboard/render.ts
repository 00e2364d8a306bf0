/**
 * A small YAML writer for generated specs: block mappings, flow style for short leaf objects and
 * lists (the house style of charts/*), comments before keys and at line ends. Scalars are quoted
 * whenever a plain scalar could be read back as something else; `renderYaml` checks that the text
 * parses back to the same data before returning it.
 */
import { isDeepStrictEqual } from 'util';
import * as yaml from 'js-yaml';

/** Comments attached to a key path (`web.api.health`). */
export interface KeyComment {
  /** Lines written above the key, without the `# `. */
  readonly before?: readonly string[];
  /** Written at the end of the key's line. */
  readonly inline?: string;
}

/** What goes around the data: header, per-key comments, footer. */
export interface RenderOptions {
  /** Comment lines at the top of the file, without the `# ` (a `$schema` line goes first). */
  readonly header?: readonly string[];
  readonly comments?: ReadonlyMap<string, KeyComment>;
  /** Comment lines at the end of the file. */
  readonly footer?: readonly string[];
}

type Value = string | number | boolean | null | undefined | Value[] | { [key: string]: Value };

const MAX_FLOW = 110;
const MAX_FLOW_LIST = 240;

/** Renders data as YAML text with comments; throws if the text would not read back as the data. */
export function renderYaml(data: Record<string, unknown>, options: RenderOptions = {}): string {
  const out: string[] = [];
  for (const line of options.header ?? []) out.push(comment(line));
  emitMap(data as { [key: string]: Value }, 0, [], out, options.comments ?? new Map());
  for (const line of options.footer ?? []) out.push(comment(line));
  const text = `${out.join('\n')}\n`;
  const back = yaml.load(text);
  if (!isDeepStrictEqual(back, JSON.parse(JSON.stringify(data)))) throw new Error('internal error: the generated YAML does not read back as the spec');
  return text;
}

function comment(line: string): string {
  return line === '' ? '#' : `# ${line}`;
}

function emitMap(map: { [key: string]: Value }, indent: number, path: string[], out: string[], comments: ReadonlyMap<string, KeyComment>): void {
  const pad = ' '.repeat(indent);
  for (const [k, v] of Object.entries(map)) {
    if (v === undefined) continue;
    const here = [...path, k];
    const c = comments.get(here.join('.'));
    for (const line of c?.before ?? []) out.push(`${pad}${comment(line)}`);
    const inline = c?.inline ? `  # ${c.inline}` : '';
    const key = `${pad}${scalar(k, false)}:`;
    if (isScalar(v)) out.push(`${key} ${scalar(v, false)}${inline}`);
    else {
      // Lists of words (commands) stay on one line; objects only when short and below the top level.
      const flow = Array.isArray(v) || here.length > 1 ? flowForm(v, here) : undefined;
      const max = Array.isArray(v) && v.every(isScalar) ? MAX_FLOW_LIST : MAX_FLOW;
      if (flow !== undefined && key.length + flow.length < max) out.push(`${key} ${flow}${inline}`);
      else if (Array.isArray(v)) {
        out.push(`${key}${inline}`);
        for (const item of v) {
          if (isScalar(item)) out.push(`${pad}  - ${scalar(item, false)}`);
          else out.push(`${pad}  - ${flowForm(item, here) ?? JSON.stringify(item)}`);
        }
      } else {
        out.push(`${key}${inline}`);
        emitMap(v, indent + 2, here, out, comments);
      }
    }
  }
}

function isScalar(v: Value): v is string | number | boolean | null {
  return v === null || typeof v !== 'object';
}

/** Flow form for short leaf values; undefined when the value should be a block. */
function flowForm(v: Value, path: readonly string[]): string | undefined {
  if (v === undefined) return undefined;
  if (isScalar(v)) return scalar(v, true);
  if (Array.isArray(v)) {
    if (!v.every((x) => isScalar(x) || (typeof x === 'object' && flowForm(x, path) !== undefined))) return undefined;
    return `[${v.map((x) => flowForm(x, path)).join(', ')}]`;
  }
  const entries = Object.entries(v).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  // Env maps read best one variable per line.
  if (path[path.length - 1] === 'env' || path[path.length - 1] === 'items') return undefined;
  if (!entries.every(([, x]) => isScalar(x) || isScalarList(x))) return undefined;
  return `{ ${entries.map(([k, x]) => `${scalar(k, true)}: ${flowForm(x, [...path, k])}`).join(', ')} }`;
}

function isScalarList(v: Value): boolean {
  return Array.isArray(v) && v.every(isScalar);
}

/** A scalar as YAML: plain when that reads back as the same string, double-quoted otherwise. */
export function scalar(v: string | number | boolean | null, inFlow: boolean): string {
  if (v === null) return 'null';
  if (typeof v !== 'string') return String(v);
  const candidate = v !== '' && /^[A-Za-z0-9_./=$^+(-][^\n\r\t]*$/.test(v) && !/^-( |$)/.test(v) && !/\s$/.test(v) && !/: |:$/.test(v);
  return candidate && readsBackAs(v, inFlow) ? v : JSON.stringify(v);
}

/** Does the plain form read back as this string, for YAML 1.2 readers and YAML 1.1 ones (yes, no, 1:30)? */
function readsBackAs(v: string, inFlow: boolean): boolean {
  return [yaml.CORE_SCHEMA, yaml.YAML11_SCHEMA].every((schema) => {
    try {
      const back = yaml.load(inFlow ? `[${v}]` : `k: ${v}`, { schema });
      return inFlow ? Array.isArray(back) && back.length === 1 && back[0] === v : (back as { k?: unknown })?.k === v;
    } catch {
      return false;
    }
  });
}
