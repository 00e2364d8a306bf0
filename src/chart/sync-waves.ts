/**
 * Gives every object of a service its kind's sync wave (the table's home is util/sync-waves.ts)
 * unless its construct set one, and CRD-backed objects `SkipDryRunOnMissingResource`, so the
 * first sync of a cluster that is still installing the CRD does not fail its dry run.
 */
import { SKIP_DRY_RUN_ON_MISSING_RESOURCE, SYNC_OPTIONS_ANNOTATION, withSyncOptions } from '../util/sync-options';
import { groupOf } from '../util/kinds';
import { SYNC_WAVE_ANNOTATION, SYNC_WAVES } from '../util/sync-waves';


/** The API groups Kubernetes itself serves ('' is the core API). */
const CORE_GROUPS = new Set(['', 'apps', 'batch', 'policy', 'autoscaling', 'networking.k8s.io', 'rbac.authorization.k8s.io']);

/** Is this object served by a CustomResourceDefinition rather than the core API? */
function isCustomResource(apiVersion: string): boolean {
  return !CORE_GROUPS.has(groupOf(apiVersion));
}

const byKey = ([a]: [string, unknown], [b]: [string, unknown]) => (a < b ? -1 : a > b ? 1 : 0);

/** Adds sync waves and sync options to plain objects, in place; existing values win. */
export function applySyncOrder(objects: Array<Record<string, any>>): void {
  for (const o of objects) {
    const wave: number | undefined = (SYNC_WAVES as Readonly<Record<string, number>>)[o.kind];
    const crd = isCustomResource(o.apiVersion);
    if (wave === undefined && !crd) continue;
    const md = (o.metadata ??= {});
    const ann: Record<string, string> = (md.annotations ??= {});
    if (wave !== undefined && ann[SYNC_WAVE_ANNOTATION] === undefined) ann[SYNC_WAVE_ANNOTATION] = String(wave);
    if (crd) ann[SYNC_OPTIONS_ANNOTATION] = withSyncOptions(ann[SYNC_OPTIONS_ANNOTATION], [SKIP_DRY_RUN_ON_MISSING_RESOURCE]);
    md.annotations = Object.fromEntries(Object.entries(ann).sort(byKey));
    o.metadata = Object.fromEntries(Object.entries(md).sort(byKey));
  }
}
