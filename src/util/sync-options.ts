/**
 * Argo CD's per-object sync options: the `argocd.argoproj.io/sync-options` annotation, a
 * comma-separated list of `Name=value` options (Argo CD trims white space around each). Every
 * object berth writes composes its value here, so options added in two places (a construct's
 * `SkipDryRunOnMissingResource`, the chart's `Delete=false`) merge instead of overwriting.
 */

/** The annotation Argo CD reads per-object sync options from. */
export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/**
 * The finalizer that makes deleting an Application delete every object it synced (a cascade);
 * objects with `Delete=false` are left in the cluster.
 */
export const RESOURCES_FINALIZER = 'resources-finalizer.argocd.argoproj.io';

/** For CRD-backed objects: on a cluster still installing the CRD, the dry run would fail the sync. */
export const SKIP_DRY_RUN_ON_MISSING_RESOURCE = 'SkipDryRunOnMissingResource=true';

/** Keep the object when it leaves Git and a sync prunes. */
export const PRUNE_FALSE = 'Prune=false';

/** Keep the object when its Application is deleted. */
export const DELETE_FALSE = 'Delete=false';

/**
 * For objects that hold data, or whose deletion takes data with it (a PersistentVolumeClaim; the
 * Namespace, whose deletion deletes every object inside it, hand-made Secrets included).
 * `Prune=false` keeps the object when it leaves Git and a sync prunes; only `Delete=false` keeps it
 * when its Application is deleted (by hand, or because the root Application pruned the
 * Application after its service left `charts/`). Both, because either alone loses data in the
 * other case. Argo CD then leaves the object in the cluster, and deleting it is a deliberate
 * `kubectl delete` (docs/operations.md).
 */
export const KEEP_IN_CLUSTER: readonly string[] = [PRUNE_FALSE, DELETE_FALSE];

const optionName = (option: string) => option.split('=')[0].trim();

/**
 * The options an annotation value holds, trimmed, in order (as Argo CD reads them).
 * @param value @default - no annotation: no options
 */
export function parseSyncOptions(value: string | undefined): string[] {
  return (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * The annotation value with `options` added to what `current` already holds: each option once,
 * in order, existing ones first. An option already set keeps its value (`Prune=confirm` stays
 * `Prune=confirm`): a choice made where the object was built wins over one added later.
 * @param current @default - no options yet
 */
export function withSyncOptions(current: string | undefined, options: readonly string[]): string {
  const merged = parseSyncOptions(current);
  for (const option of options) {
    if (!merged.some((o) => optionName(o) === optionName(option))) merged.push(option);
  }
  return merged.join(',');
}

/** `{ 'argocd.argoproj.io/sync-options': … }` for a new object's annotations. */
export function syncOptionsAnnotation(options: readonly string[]): Record<string, string> {
  return { [SYNC_OPTIONS_ANNOTATION]: withSyncOptions(undefined, options) };
}
