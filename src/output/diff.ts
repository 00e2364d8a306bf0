/**
 * `berth diff`: what a synth would change in dist/, per object and per field, for a person or a
 * pull-request comment. Pure: takes the old and new file contents, and where each file belongs.
 *
 * Objects are matched by their file and their identity (apiVersion, kind, namespace, name):
 * staging and prod hold objects of the same identity, and matching by identity alone let one
 * environment's copy hide the other's changes. The output is grouped by environment and service,
 * so a reviewer sees every environment, and warns where a removal leaves data in the cluster.
 */
import * as yaml from 'js-yaml';
import { DELETE_FALSE, parseSyncOptions, PRUNE_FALSE, RESOURCES_FINALIZER, SYNC_OPTIONS_ANNOTATION } from '../util/sync-options';
import { isPlainKey } from '../util/field-path';

/** One changed field: a dotted path with the old and new values (undefined = absent). */
export interface FieldChange {
  readonly path: string;
  readonly before: unknown;
  readonly after: unknown;
}

/** One object that is added, removed, changed, or moved to another file of the same environment. */
export interface ObjectChange {
  readonly change: 'added' | 'removed' | 'changed' | 'moved';
  /** The file that holds the object after the synth (before it, for a removed object). */
  readonly file: string;
  /** Where a moved object was. @default - none: the object did not move */
  readonly from?: string;
  /** `Kind namespace/name`. */
  readonly object: string;
  readonly fields: readonly FieldChange[];
}

/** A removal that leaves something in the cluster, or deletes data: said next to the change. */
export interface RemovalWarning {
  /** A file of the group the warning belongs to. */
  readonly file: string;
  readonly message: string;
}

/** Everything a synth would change, and what to know before merging it. */
export interface TreeDiff {
  readonly changes: readonly ObjectChange[];
  readonly warnings: readonly RemovalWarning[];
}

/** Where an output file belongs (see `placeOf` in app.ts, the inverse of the dist/ layout). */
export interface FilePlace {
  readonly env: string;
  /** @default - none: the file holds Argo CD Applications */
  readonly service?: string;
}

/** Maps an output file to its environment and service; undefined for a file berth does not write. */
export type PlaceOf = (file: string) => FilePlace | undefined;

interface Located {
  readonly file: string;
  readonly identity: string;
  readonly object: any;
}

function keyOf(o: any): string {
  const md = o?.metadata ?? {};
  return `${o?.kind ?? '?'} ${md.namespace ? `${md.namespace}/` : ''}${md.name ?? '?'}`;
}

/** The objects of each file, by file and identity; files `skip` says are unchanged are left unparsed. */
function parse(files: ReadonlyMap<string, string>, skip: (file: string) => boolean = () => false): Map<string, Located> {
  const out = new Map<string, Located>();
  for (const [file, text] of files) {
    if (skip(file)) continue;
    for (const object of yaml.loadAll(text)) {
      if (!object || typeof object !== 'object') continue;
      const identity = `${(object as any).apiVersion} ${keyOf(object)}`;
      out.set(`${file}\0${identity}`, { file, identity, object });
    }
  }
  return out;
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The key of an item in a list that is matched by key rather than by position: a `name`
 * (containers, ports, env, volumes), or a Prometheus rule's `alert` with the labels that tell two
 * rules of one alert apart (`severity` aside, which a tuned threshold may change).
 */
function itemKey(x: unknown): string | undefined {
  if (!isObj(x)) return undefined;
  if (typeof x.name === 'string') return x.name;
  if (typeof x.alert !== 'string') return undefined;
  const labels = isObj(x.labels) ? Object.entries(x.labels).filter(([k]) => k !== 'severity').map(([k, v]) => `${k}=${String(v)}`) : [];
  return [x.alert, ...labels.sort()].join(' ');
}

/** Items by key, when every item has one and no two share it. */
function keyed(xs: readonly unknown[]): Map<string, unknown> | undefined {
  const out = new Map<string, unknown>();
  for (const x of xs) {
    const k = itemKey(x);
    if (k === undefined || out.has(k)) return undefined;
    out.set(k, x);
  }
  return out;
}

/** Field-level differences; lists of named items (containers, ports, env, alert rules) are matched by key. */
export function diffValues(before: unknown, after: unknown, path = ''): FieldChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (isObj(before) && isObj(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    // A key as the checks write it (util/field-path.ts): `metadata.annotations["berth.dev/security-exception"]`.
    return keys.flatMap((k) => diffValues(before[k], after[k], isPlainKey(k) ? (path ? `${path}.${k}` : k) : `${path}[${JSON.stringify(k)}]`));
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const b = keyed(before);
    const a = keyed(after);
    if (b && a) {
      const names = [...new Set([...b.keys(), ...a.keys()])];
      return names.flatMap((n) => diffValues(b.get(n), a.get(n), `${path}[${n}]`));
    }
    if (before.length === after.length) return before.flatMap((x, i) => diffValues(x, after[i], `${path}[${i}]`));
  }
  return [{ path, before, after }];
}

const byFileThenObject = (a: ObjectChange, b: ObjectChange) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.object < b.object ? -1 : a.object > b.object ? 1 : 0);

/** Compares the files in dist/ with the files a synth would write. */
export function diffTrees(before: ReadonlyMap<string, string>, after: ReadonlyMap<string, string>, placeOf: PlaceOf): TreeDiff {
  // A file with the same text on both sides holds the same objects on both sides: nothing in it
  // is added, removed, changed or moved, so it is not parsed (most files, in most diffs).
  const unchanged = (file: string) => before.get(file) === after.get(file);
  const old = parse(before, unchanged);
  const fresh = parse(after, unchanged);
  const changes: ObjectChange[] = [];
  const added: Located[] = [];
  for (const [k, n] of fresh) {
    const o = old.get(k);
    if (!o) added.push(n);
    else {
      const fields = diffValues(o.object, n.object);
      if (fields.length) changes.push({ change: 'changed', file: n.file, object: keyOf(n.object), fields });
    }
  }
  const removed = [...old].filter(([k]) => !fresh.has(k)).map(([, o]) => o);
  // The same object in another file of the same environment (the same cluster) moved: it is
  // neither new nor gone, and saying "added" here and "removed" there would hide that. Across
  // environments it is two objects in two clusters.
  const envOf = (file: string) => placeOf(file)?.env ?? '';
  for (const n of added) {
    const i = removed.findIndex((o) => o.identity === n.identity && envOf(o.file) === envOf(n.file));
    if (i < 0) {
      changes.push({ change: 'added', file: n.file, object: keyOf(n.object), fields: [] });
      continue;
    }
    const [o] = removed.splice(i, 1);
    changes.push({ change: 'moved', file: n.file, from: o.file, object: keyOf(n.object), fields: diffValues(o.object, n.object) });
  }
  for (const o of removed) changes.push({ change: 'removed', file: o.file, object: keyOf(o.object), fields: [] });
  return { changes: changes.sort(byFileThenObject), warnings: removalWarnings(removed, old, () => parse(before), after, placeOf) };
}

const DOCS = 'docs/operations.md#removing-or-renaming-a-service';

/** The sync options an object of dist/ carries. */
function syncOptions(o: any): string[] {
  const raw = o?.metadata?.annotations?.[SYNC_OPTIONS_ANNOTATION];
  return parseSyncOptions(typeof raw === 'string' ? raw : undefined);
}

const isPvc = (o: Located) => o.object.kind === 'PersistentVolumeClaim' && o.object.apiVersion === 'v1';
const isNamespace = (o: Located) => o.object.kind === 'Namespace' && o.object.apiVersion === 'v1';
const deleteCommand = (o: Located) =>
  isPvc(o) ? `kubectl delete pvc ${o.object.metadata.name} -n ${o.object.metadata.namespace}` : `kubectl delete namespace ${o.object.metadata.name}`;
const label = (o: Located) => (isPvc(o) ? `PersistentVolumeClaim ${o.object.metadata.namespace}/${o.object.metadata.name}` : `Namespace ${o.object.metadata.name}`);

function andList(xs: readonly string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}

/**
 * What Argo CD does with data when dist/ loses it. A PVC or Namespace that leaves a service's
 * folder is pruned on the next sync unless it carries `Prune=false`. A whole folder gone (a
 * service removed from charts/, or an environment removed) makes the root Application delete the
 * service's Application, and its resources finalizer deletes every object it tracks unless the
 * object carries `Delete=false`. Each warning says what stays and how to delete it on purpose.
 */
function removalWarnings(
  removed: readonly Located[],
  old: ReadonlyMap<string, Located>,
  allOld: () => ReadonlyMap<string, Located>,
  after: ReadonlyMap<string, string>,
  placeOf: PlaceOf,
): RemovalWarning[] {
  const warnings: RemovalWarning[] = [];
  const folderOf = (file: string) => file.slice(0, file.lastIndexOf('/'));
  const remaining = new Set([...after.keys()].filter((f) => placeOf(f)?.service !== undefined).map(folderOf));
  const stateful = removed.filter((o) => placeOf(o.file)?.service !== undefined && (isPvc(o) || isNamespace(o)));
  const gone = new Map<string, Located[]>();
  for (const o of old.values()) {
    const place = placeOf(o.file);
    if (place?.service === undefined || remaining.has(folderOf(o.file))) continue;
    gone.set(folderOf(o.file), [...(gone.get(folderOf(o.file)) ?? []), o]);
  }
  // The Application of a removed folder may sit in a file that did not change: every old object, parsed only when a folder is gone.
  let every: ReadonlyMap<string, Located> | undefined;
  for (const [folder, objects] of gone) {
    const { env, service } = placeOf(objects[0].file)!;
    every ??= allOld();
    const app = [...every.values()].find((o) => o.object.kind === 'Application' && o.object.spec?.source?.path === folder)?.object;
    // Without the Application at hand, assume the worst: it cascades.
    const cascades = !app || (app.metadata?.finalizers ?? []).includes(RESOURCES_FINALIZER);
    const data = stateful.filter((o) => folderOf(o.file) === folder);
    const protectedNow = (o: Located) => !cascades || syncOptions(o.object).includes(DELETE_FALSE);
    // A deleted Namespace takes everything in it, whatever the objects' own annotations say.
    const lostNamespaces = new Set(data.filter((o) => isNamespace(o) && !protectedNow(o)).map((o) => o.object.metadata.name));
    const keep = data.filter((o) => protectedNow(o) && !(isPvc(o) && lostNamespaces.has(o.object.metadata.namespace)));
    const lose = data.filter((o) => !keep.includes(o));
    // A namespace Argo CD creates itself (CreateNamespace=true; no object of dist/) is never deleted by it.
    const created = objects.some(isNamespace) ? undefined : app?.spec?.destination?.namespace;
    const stays = [...keep.map(label), ...(typeof created === 'string' ? [`Namespace ${created} (Argo CD created it and never deletes it)`] : [])];
    const deliberate = [...keep.map((o) => `\`${deleteCommand(o)}\``), ...(typeof created === 'string' ? [`\`kubectl delete namespace ${created}\``] : [])];
    const appName = app?.metadata?.name ? `its Application ${app.metadata.name}` : 'its Application';
    const parts = [
      `⚠️ Service ${service} is removed from ${env}: the root Application deletes ${appName}, ${cascades ? 'which deletes its stateless objects (workloads, Services, ConfigMaps, NetworkPolicies, …) with it' : 'which has no resources finalizer: every object it synced stays in the cluster'}.`,
    ];
    if (stays.length) parts.push(`What stays in the cluster (Argo CD will not delete ${stays.length === 1 ? 'it' : 'them'}): ${andList(stays)}, with their data and any Secret made by hand.`);
    if (lose.length) parts.push(`**Deleted with it, data included** (no \`Delete=false\`): ${andList(lose.map(label))}. Back up the data before merging.`);
    if (deliberate.length) parts.push(`To delete what stays on purpose, back up the data, then run ${andList(deliberate)}.`);
    parts.push(`See ${DOCS}.`);
    warnings.push({ file: objects[0].file, message: parts.join(' ') });
  }
  for (const o of stateful) {
    if (gone.has(folderOf(o.file))) continue;
    const message = syncOptions(o.object).includes(PRUNE_FALSE)
      ? `⚠️ ${label(o)} stays in the cluster (Argo CD will not delete it)${isNamespace(o) ? ', with everything in it' : ', with its data'}. To delete it on purpose, back up the data, then run \`${deleteCommand(o)}\`. See ${DOCS}.`
      : `⚠️ **${label(o)} is deleted by Argo CD's next sync${isNamespace(o) ? ', with everything in it' : ', with its data'}** (no \`Prune=false\`). Back up the data before merging. See ${DOCS}.`;
    warnings.push({ file: o.file, message });
  }
  return warnings;
}

function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return '`' + (s.length > 120 ? `${s.slice(0, 117)}...` : s).replace(/`/g, "'") + '`';
}

const SIGN = { added: '+', removed: '-', changed: '~', moved: '→' } as const;
const ARGOCD = 'Argo CD objects';

/** Options of {@link formatDiff}. */
export interface FormatDiffOptions {
  /** The environments compared, named in the headline. @default - not named */
  readonly environments?: readonly string[];
}

/** The group of a file: `prod · rag`, the Argo CD objects, or the file's folder for anything else. */
function groupOf(file: string, placeOf: PlaceOf): string {
  const place = placeOf(file);
  if (!place) return file.slice(0, file.lastIndexOf('/'));
  return place.service === undefined ? ARGOCD : `${place.env} · ${place.service}`;
}

function counts(changes: readonly ObjectChange[]): string {
  const n = (c: ObjectChange['change']) => changes.filter((x) => x.change === c).length;
  return `${n('added')} added, ${n('changed')} changed, ${n('removed')} removed${n('moved') ? `, ${n('moved')} moved` : ''}`;
}

/**
 * Markdown, readable in a terminal and as a pull-request comment: a total, then one section per
 * environment and service (and one for the Argo CD objects) with its own counts, warnings
 * first. A moved object is listed in both sections it concerns, and counted once in the total.
 */
export function formatDiff(diff: TreeDiff, placeOf: PlaceOf, opts: FormatDiffOptions = {}): string {
  const envs = opts.environments;
  const scope = envs ? ` (${envs.length === 1 ? `environment ${envs[0]}, with its` : `environments ${envs.join(', ')}, with their`} Argo CD objects)` : '';
  if (diff.changes.length === 0) return `berth diff: no changes${scope}; dist/ is what a synth writes.\n`;
  // Each group: its changes (a moved object in both of its groups), its warnings.
  const groups = new Map<string, { changes: Array<{ file: string; change: ObjectChange; out: boolean }>; warnings: string[] }>();
  const group = (file: string) => {
    const key = groupOf(file, placeOf);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { changes: [], warnings: [] }));
    return g;
  };
  for (const c of diff.changes) {
    group(c.file).changes.push({ file: c.file, change: c, out: false });
    if (c.from && groupOf(c.from, placeOf) !== groupOf(c.file, placeOf)) group(c.from).changes.push({ file: c.from, change: c, out: true });
  }
  for (const w of diff.warnings) group(w.file).warnings.push(w.message);
  const order = (key: string) => (key === ARGOCD ? 1 : 0);
  const keys = [...groups.keys()].sort((a, b) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0));
  const warned = diff.warnings.length ? `; ⚠️ ${diff.warnings.length} warning${diff.warnings.length === 1 ? '' : 's'} below` : '';
  const out = [`### berth diff: ${counts(diff.changes)}${scope}${warned}`];
  for (const key of keys) {
    const g = groups.get(key)!;
    out.push('', `#### ${key}: ${counts(g.changes.map((x) => x.change))}`, '');
    for (const w of g.warnings) out.push(`> ${w}`, '');
    let file = '';
    for (const { file: f, change: c, out: leaving } of g.changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : byFileThenObject(a.change, b.change)))) {
      if (f !== file) {
        if (file) out.push('');
        file = f;
        out.push(`**${file}**`, '');
      }
      const where = c.change !== 'moved' ? '' : leaving ? ` moved to \`${c.file}\`` : ` moved here from \`${c.from}\``;
      out.push(`- ${SIGN[c.change]} ${c.object}${where}`);
      if (!leaving) for (const fc of c.fields) out.push(`  - \`${fc.path}\`: ${show(fc.before)} → ${show(fc.after)}`);
    }
  }
  return out.join('\n') + '\n';
}
