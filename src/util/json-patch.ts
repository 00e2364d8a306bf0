/**
 * The two patch languages of `patches:` (docs/escape-hatches.md), small and pure: RFC 6902 JSON
 * Patch with RFC 6901 JSON Pointers, and a strategic-merge-style object merge. Both return a new
 * object and the paths they changed (so a check finding at one of them can be told at the
 * patch), and throw {@link PatchFailure} naming the operation that failed.
 *
 * Written here rather than taken from a library: the whole of RFC 6902 is six operations, and the
 * strategic merge berth wants (lists of named things merge by `name`) is not the one any JSON
 * merge library implements (RFC 7386 replaces every list).
 */
import { fieldPath } from './field-path';

/** One RFC 6902 operation. */
export type JsonPatchOp =
  | { readonly op: 'add'; readonly path: string; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: string }
  | { readonly op: 'replace'; readonly path: string; readonly value: unknown }
  | { readonly op: 'move'; readonly from: string; readonly path: string }
  | { readonly op: 'copy'; readonly from: string; readonly path: string }
  | { readonly op: 'test'; readonly path: string; readonly value: unknown };

/** A patch that cannot be applied: which operation (its index in the list, -1 for a merge) and why. */
export class PatchFailure extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
    this.name = 'PatchFailure';
  }
}

/** What applying a patch produced: the new object and the fields it changed, as `spec.template.spec.containers[0].image`. */
export interface PatchResult {
  readonly object: Record<string, unknown>;
  readonly changed: readonly string[];
}

type Json = unknown;
type Container = Record<string, Json> | Json[];

/** RFC 6901: `/a~1b/c~0d` → `['a/b', 'c~d']`; `''` is the whole document. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`${JSON.stringify(pointer)} is not a JSON Pointer (it must be empty or start with "/")`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~(?![01])/.test(token)) throw new Error(`${JSON.stringify(pointer)} has "~" not followed by 0 or 1 (write "~0" for "~" and "~1" for "/")`);
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

/** Where in the object a path leads, for messages. */
const placeOf = (at: readonly (string | number)[]) => (at.length ? fieldPath(at) : 'the top');

const isObject = (v: Json): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** RFC 6902 section 4: array indexes are decimal without leading zeros. */
function arrayIndex(token: string, length: number, forAdd: boolean): number {
  if (forAdd && token === '-') return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new Error(`"${token}" is not an array index`);
  const i = Number(token);
  if (i > length || (!forAdd && i === length)) throw new Error(`index ${i} is out of range (the list has ${length} item${length === 1 ? '' : 's'})`);
  return i;
}

/** The container holding the last segment of a pointer, and the segments as indexes resolved. */
function parentOf(doc: Json, tokens: readonly string[], pointer: string): { parent: Container; key: string; at: (string | number)[] } {
  let cur: Json = doc;
  const at: (string | number)[] = [];
  for (const token of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) {
      const i = arrayIndex(token, cur.length, false);
      at.push(i);
      cur = cur[i];
    } else if (isObject(cur) && Object.hasOwn(cur, token)) {
      at.push(token);
      cur = cur[token];
    } else throw new Error(`path ${pointer} does not exist (no "${token}" at ${placeOf(at)})`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw new Error(`path ${pointer} does not exist (${placeOf(at)} is not an object or a list)`);
  return { parent: cur, key: tokens[tokens.length - 1], at };
}

function getAt(doc: Json, pointer: string): { value: Json; at: (string | number)[] } {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return { value: doc, at: [] };
  const { parent, key, at } = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) {
    const i = arrayIndex(key, parent.length, false);
    return { value: parent[i], at: [...at, i] };
  }
  if (!Object.hasOwn(parent, key)) throw new Error(`path ${pointer} does not exist (no "${key}" at ${placeOf(at)})`);
  return { value: parent[key], at: [...at, key] };
}

function addAt(doc: Json, pointer: string, value: Json): (string | number)[] {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new Error('cannot replace the whole object (path "")');
  const { parent, key, at } = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) {
    const i = arrayIndex(key, parent.length, true);
    parent.splice(i, 0, value);
    return [...at, i];
  }
  parent[key] = value;
  return [...at, key];
}

function removeAt(doc: Json, pointer: string): { value: Json; at: (string | number)[] } {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new Error('cannot remove the whole object (path "")');
  const { parent, key, at } = parentOf(doc, tokens, pointer);
  if (Array.isArray(parent)) {
    const i = arrayIndex(key, parent.length, false);
    return { value: parent.splice(i, 1)[0], at: [...at, i] };
  }
  if (!Object.hasOwn(parent, key)) throw new Error(`path ${pointer} does not exist (no "${key}" at ${placeOf(at)})`);
  const value = parent[key];
  delete parent[key];
  return { value, at: [...at, key] };
}

/** Deep equality of JSON values (key order does not matter, list order does). */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((v, i) => jsonEqual(v, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** Applies RFC 6902 operations in order; the first that fails throws {@link PatchFailure} with its index. */
export function applyJsonPatch(object: Record<string, unknown>, ops: readonly JsonPatchOp[]): PatchResult {
  const doc = clone(object);
  const changed: string[] = [];
  ops.forEach((op, index) => {
    try {
      switch (op.op) {
        case 'add':
          changed.push(fieldPath(addAt(doc, op.path, clone(op.value))));
          break;
        case 'remove':
          changed.push(fieldPath(removeAt(doc, op.path).at));
          break;
        case 'replace':
          getAt(doc, op.path);
          removeAt(doc, op.path);
          changed.push(fieldPath(addAt(doc, op.path, clone(op.value))));
          break;
        case 'move': {
          if (op.path.startsWith(`${op.from}/`)) throw new Error(`cannot move ${op.from} into itself (${op.path})`);
          const { value, at } = removeAt(doc, op.from);
          changed.push(fieldPath(at), fieldPath(addAt(doc, op.path, value)));
          break;
        }
        case 'copy':
          changed.push(fieldPath(addAt(doc, op.path, clone(getAt(doc, op.from).value))));
          break;
        case 'test': {
          const { value } = getAt(doc, op.path);
          if (!jsonEqual(value, op.value)) throw new Error(`test failed: ${op.path} is ${JSON.stringify(value)}, not ${JSON.stringify(op.value)}`);
          break;
        }
      }
    } catch (e) {
      throw new PatchFailure(index, (e as Error).message);
    }
  });
  return { object: doc, changed };
}

/** A list whose items are all objects with a string `name`: merged item by item, by name. */
const isNamedList = (v: Json): v is Array<Record<string, Json>> => Array.isArray(v) && v.every((i) => isObject(i) && typeof i.name === 'string');

/** The directive that deletes a named list item: `{ name: x, $patch: delete }` (as kubectl's strategic merge writes it). */
const PATCH_DIRECTIVE = '$patch';

/**
 * A strategic-merge-style patch: objects merge key by key, `null` deletes a key, lists of named
 * things (containers, env, volumes, ports, volumeMounts) merge by `name` (an item `{ name, $patch:
 * delete }` removes one), and any other list or value replaces what was there.
 */
export function applyMergePatch(object: Record<string, unknown>, patch: Record<string, unknown>): PatchResult {
  const changed: string[] = [];
  const merge = (target: Json, over: Json, at: (string | number)[]): Json => {
    if (isObject(over) && isObject(target)) {
      const out: Record<string, Json> = { ...target };
      for (const [k, v] of Object.entries(over)) {
        if (v === null) {
          if (Object.hasOwn(out, k)) changed.push(fieldPath([...at, k]));
          delete out[k];
        } else if (Object.hasOwn(out, k)) out[k] = merge(out[k], v, [...at, k]);
        else out[k] = added(v, [...at, k]);
      }
      return out;
    }
    if (isNamedList(over) && isNamedList(target)) {
      const out = [...target];
      for (const item of over) {
        const i = out.findIndex((t) => t.name === item.name);
        const directive = item[PATCH_DIRECTIVE];
        if (directive !== undefined && directive !== 'delete') throw new PatchFailure(-1, `${fieldPath(at)}: item "${String(item.name)}" has ${PATCH_DIRECTIVE}: ${JSON.stringify(directive)}; the only directive is ${PATCH_DIRECTIVE}: delete`);
        if (directive === 'delete') {
          if (i < 0) throw new PatchFailure(-1, `${fieldPath(at)} has no item named "${String(item.name)}" to delete`);
          out.splice(i, 1);
          changed.push(fieldPath([...at, i]));
        } else if (i < 0) out.push(added(item, [...at, out.length]) as Record<string, Json>);
        else out[i] = merge(out[i], item, [...at, i]) as Record<string, Json>;
      }
      return out;
    }
    // The same value (a named item's own name) is no change.
    return jsonEqual(target, over) ? target : leaves(clone(over), at);
  };
  // What the patch adds whole (a new key, a new named item) is changed as a whole, so a finding on
  // a field it lacks (a container without readOnlyRootFilesystem) is the patch's too, like an
  // RFC 6902 add at that path.
  const added = (v: Json, at: (string | number)[]): Json => {
    changed.push(fieldPath(at));
    return clone(v);
  };
  // Every leaf a patch writes over an existing value is a changed field.
  const leaves = (v: Json, at: (string | number)[]): Json => {
    if (isObject(v) && Object.keys(v).length) Object.entries(v).forEach(([k, x]) => leaves(x, [...at, k]));
    else if (Array.isArray(v) && v.length) v.forEach((x, i) => leaves(x, [...at, i]));
    else changed.push(fieldPath(at));
    return v;
  };
  return { object: merge(object, patch, []) as Record<string, unknown>, changed };
}
