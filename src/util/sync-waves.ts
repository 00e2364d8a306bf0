/**
 * Argo CD sync order, decided in one place for every object berth writes: namespace first, then
 * identity, config, secret sources, claims and policies, then the migration hook, then
 * workloads, then the edge. The constructs that set a wave themselves read their kind's here, and
 * chart/sync-waves.ts `applySyncOrder` gives every other object its kind's wave.
 */

/** The annotation Argo CD reads an object's sync wave from. */
export const SYNC_WAVE_ANNOTATION = 'argocd.argoproj.io/sync-wave';

/**
 * Sync wave by kind. A kind with no entry (an extra object's, such as a KEDA ScaledObject) syncs
 * in wave 0, Argo CD's default: with the workloads.
 */
export const SYNC_WAVES = {
  Namespace: -3,
  ServiceAccount: -2,
  // RBAC (extra objects only): a pod that starts before its grant gets 403s from the API, and a
  // migration hook (wave -1) may call the API too.
  Role: -2,
  RoleBinding: -2,
  ConfigMap: -2,
  // Secret sources: before the migration hook, which reads the database URL, and the workloads.
  ExternalSecret: -2,
  SealedSecret: -2,
  PersistentVolumeClaim: -2,
  NetworkPolicy: -2,
  // The migration Job, a Sync hook: after config and secrets, before the workloads.
  Job: -1,
  Deployment: 0,
  Service: 0,
  PodDisruptionBudget: 0,
  HorizontalPodAutoscaler: 0,
  CronJob: 0,
  // Traefik disables a router whose Middleware is missing: the blocking allowlist must exist
  // before (not with) the routes that use it, or the internal paths would fall through to the
  // public `/` router.
  Middleware: 0,
  Certificate: 1,
  Ingress: 1,
  HTTPRoute: 1,
  ServiceMonitor: 1,
  PodMonitor: 1,
  PrometheusRule: 1,
  // Before the Applications that use it, when the root syncs them in one go.
  AppProject: -1,
} as const satisfies Record<string, number>;

/** A kind that has a sync wave. */
export type WavedKind = keyof typeof SYNC_WAVES;

/**
 * `{ 'argocd.argoproj.io/sync-wave': '<wave>' }` for an object of `kind`: its kind's wave, so an
 * object never borrows another kind's.
 * @param wave a construct prop that moves this object @default - the kind's wave in SYNC_WAVES
 */
export function syncWaveAnnotation(kind: WavedKind, wave: number = SYNC_WAVES[kind]): Record<string, string> {
  return { [SYNC_WAVE_ANNOTATION]: String(wave) };
}
