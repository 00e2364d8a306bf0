/**
 * Argo CD sync order, decided in one place for every object berth writes: namespace first, then
 * identity, config, secret sources, claims and policies, then the migration hook, then
 * workloads, then the edge. CRD-backed objects get `SkipDryRunOnMissingResource` so the first
 * sync of a cluster that is still installing the CRD does not fail its dry run.
 */
import { SKIP_DRY_RUN_ON_MISSING_RESOURCE, SYNC_OPTIONS_ANNOTATION, withSyncOptions } from '../util/sync-options';

/** Sync wave by kind. The migration Job carries its own wave (-1) as a hook. */
export const SYNC_WAVES: Readonly<Record<string, number>> = {
  Namespace: -3,
  ServiceAccount: -2,
  ConfigMap: -2,
  ExternalSecret: -2,
  SealedSecret: -2,
  PersistentVolumeClaim: -2,
  NetworkPolicy: -2,
  Job: -1,
  Deployment: 0,
  Service: 0,
  PodDisruptionBudget: 0,
  HorizontalPodAutoscaler: 0,
  CronJob: 0,
  // Traefik disables a router whose Middleware is missing: the blocking allowlist must exist
  // before (not with) the routes that use it.
  Middleware: 0,
  Certificate: 1,
  Ingress: 1,
  HTTPRoute: 1,
  ServiceMonitor: 1,
  PrometheusRule: 1,
};

const CORE_GROUPS = new Set(['v1', 'apps', 'batch', 'policy', 'autoscaling', 'networking.k8s.io', 'rbac.authorization.k8s.io']);

/** Is this object served by a CustomResourceDefinition rather than the core API? */
export function isCustomResource(apiVersion: string): boolean {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : 'v1';
  return !CORE_GROUPS.has(group);
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);
const WAVE = 'argocd.argoproj.io/sync-wave';

/** Adds sync waves and sync options to plain objects, in place; existing values win. */
export function applySyncOrder(objects: Array<Record<string, any>>): void {
  for (const o of objects) {
    const wave = SYNC_WAVES[o.kind];
    const crd = isCustomResource(o.apiVersion);
    if (wave === undefined && !crd) continue;
    const md = (o.metadata ??= {});
    const ann: Record<string, string> = (md.annotations ??= {});
    if (wave !== undefined && ann[WAVE] === undefined) ann[WAVE] = String(wave);
    if (crd) ann[SYNC_OPTIONS_ANNOTATION] = withSyncOptions(ann[SYNC_OPTIONS_ANNOTATION], [SKIP_DRY_RUN_ON_MISSING_RESOURCE]);
    md.annotations = Object.fromEntries(Object.entries(ann).sort(byKey));
    o.metadata = Object.fromEntries(Object.entries(md).sort(byKey));
  }
}
