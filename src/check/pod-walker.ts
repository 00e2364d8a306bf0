/**
 * The pod-template walker every check shares: where a pod template sits in each kind that has
 * one, its containers of all three lists, and the field paths that lead to them, so a finding can
 * name the exact field to change.
 */
import { isPlainKey } from '../util/field-path';
import { Manifest } from './types';

/** A Kubernetes object as read from YAML: open-ended JSON, so every read below is defensive. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

/** Where the pod template sits in each kind that has one; '' is a bare Pod. */
const TEMPLATE_PATHS: Readonly<Record<string, string>> = {
  Pod: '',
  Deployment: 'spec.template',
  StatefulSet: 'spec.template',
  DaemonSet: 'spec.template',
  ReplicaSet: 'spec.template',
  ReplicationController: 'spec.template',
  Job: 'spec.template',
  CronJob: 'spec.jobTemplate.spec.template',
};

/** A pod template found in a manifest, and the field paths that lead to it. */
export interface PodTemplate {
  readonly manifest: Manifest;
  readonly kind: string;
  /** Path of the template's `metadata`, e.g. `spec.template.metadata` (`metadata` for a Pod). */
  readonly metadataPath: string;
  /** Path of the pod spec, e.g. `spec.template.spec` (`spec` for a Pod). */
  readonly specPath: string;
  readonly metadata: Obj;
  readonly spec: Obj;
}

/** One container of a pod template, of any of the three container lists. */
export interface PodContainer {
  readonly container: Obj;
  readonly name: string;
  readonly list: 'initContainers' | 'containers' | 'ephemeralContainers';
  /** Path of the container, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
}

/** Joins path segments, skipping empty ones. */
export function joinPath(...parts: string[]): string {
  return parts.filter((p) => p !== '').join('.');
}

/** `.name` for a plain key, `["na.me"]` for one that is not an identifier (annotation keys, file names). */
export function keyPath(path: string, key: string): string {
  return isPlainKey(key) ? joinPath(path, key) : `${path}[${JSON.stringify(key)}]`;
}

/** A JSON object (not an array, not null). */
export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The value at a dotted path of plain data, or undefined. */
export function dig(o: unknown, path: string): unknown {
  let cur: unknown = o;
  for (const k of path.split('.')) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** The objects of a list field (anything else: none). */
export function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** Every pod template in the manifests: workloads, Jobs, CronJobs and bare Pods. */
export function podTemplates(manifests: readonly Manifest[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const manifest of manifests) {
    if (!isObj(manifest.object)) continue;
    const kind = manifest.object.kind;
    if (typeof kind !== 'string' || !(kind in TEMPLATE_PATHS)) continue;
    const base = TEMPLATE_PATHS[kind];
    const template = base === '' ? manifest.object : dig(manifest.object, base);
    if (!isObj(template) || !isObj(template.spec)) continue;
    out.push({
      manifest,
      kind,
      metadataPath: joinPath(base, 'metadata'),
      specPath: joinPath(base, 'spec'),
      metadata: isObj(template.metadata) ? template.metadata : {},
      spec: template.spec,
    });
  }
  return out;
}

/** Init, regular and ephemeral containers, in the order the admission controller visits them. */
export function podContainers(t: PodTemplate): PodContainer[] {
  const lists = ['initContainers', 'containers', 'ephemeralContainers'] as const;
  return lists.flatMap((l) =>
    list(t.spec[l]).map((container, i) => ({
      container,
      name: typeof container.name === 'string' ? container.name : `#${i}`,
      list: l,
      path: `${joinPath(t.specPath, l)}[${i}]`,
    })),
  );
}
