/**
 * `berth diff`: what a synth would change in dist/, per object and per field, for a person or a
 * pull-request comment. Pure: takes the old and new file contents.
 */
import * as yaml from 'js-yaml';

/** One changed field: a dotted path with the old and new values (undefined = absent). */
export interface FieldChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** One object that is added, removed or changed. */
export interface ObjectChange {
  readonly change: 'added' | 'removed' | 'changed';
  readonly file: string;
  /** `Kind namespace/name`. */
  readonly object: string;
  readonly fields: readonly FieldChange[];
}

function keyOf(o: any): string {
  const md = o?.metadata ?? {};
  return `${o?.kind ?? '?'} ${md.namespace ? `${md.namespace}/` : ''}${md.name ?? '?'}`;
}

function parse(files: ReadonlyMap<string, string>): Map<string, { file: string; object: any }> {
  const out = new Map<string, { file: string; object: any }>();
  for (const [file, text] of files) {
    for (const object of yaml.loadAll(text)) {
      if (object && typeof object === 'object') out.set(`${(object as any).apiVersion} ${keyOf(object)}`, { file, object });
    }
  }
  return out;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Field-level differences; lists of named items (containers, ports, env) are matched by name. */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => diffValues(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const named = (xs: unknown[]) => xs.every((x) => isObj(x) && typeof x.name === 'string');
    if (named(before) && named(after)) {
      const b = new Map(before.map((x) => [(x as any).name as string, x]));
      const a = new Map(after.map((x) => [(x as any).name as string, x]));
      const names = [...new Set([...b.keys(), ...a.keys()])];
      return names.flatMap((n) => diffValues(b.get(n), a.get(n), `${path}[${n}]`));
    }
    if (before.length === after.length) return before.flatMap((x, i) => diffValues(x, after[i], `${path}[${i}]`));
  }
  return [{ path, before, after }];
}

/** Compares the files in dist/ with the files a synth would write. */
export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>): ObjectChange[] {
  const old = parse(before);
  const fresh = parse(after);
  const changes: ObjectChange[] = [];
  for (const [k, n] of fresh) {
    const o = old.get(k);
    if (!o) changes.push({ change: 'added', file: n.file, object: keyOf(n.object), fields: [] });
    else {
      const fields = diffValues(o.object, n.object);
      if (fields.length || o.file !== n.file) changes.push({ change: 'changed', file: n.file, object: keyOf(n.object), fields });
    }
  }
  for (const [k, o] of old) if (!fresh.has(k)) changes.push({ change: 'removed', file: o.file, object: keyOf(o.object), fields: [] });
  return changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.object < b.object ? -1 : a.object > b.object ? 1 : 0));
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return '`' + (s.length > 120 ? `${s.slice(0, 117)}...` : s).replace(/`/g, "'") + '`';
}

const SIGN = { added: '+', removed: '-', changed: '~' } as const;

/** Markdown, readable in a terminal and as a pull-request comment. */
export function formatDiff(changes: readonly ObjectChange[]): string {
  if (changes.length === 0) return 'berth diff: no changes; dist/ is what a synth writes.\n';
  const count = (c: ObjectChange['change']) => changes.filter((x) => x.change === c).length;
  const out = [`### berth diff: ${count('added')} added, ${count('changed')} changed, ${count('removed')} removed`, ''];
  let file = '';
  for (const c of changes) {
    if (c.file !== file) {
      if (file) out.push('');
      file = c.file;
      out.push(`**${file}**`, '');
    }
    out.push(`- ${SIGN[c.change]} ${c.object}`);
    for (const f of c.fields) out.push(`  - \`${f.path}\`: ${show(f.before)} → ${show(f.after)}`);
  }
  return out.join('\n') + '\n';
}
