/**
 * Every apiVersion/kind berth knows, in one list, in apply order: identity and config, then
 * workloads, then the edge, then Argo CD's own objects. The output's object order (app.ts
 * `sortObjects`) follows it, and the strict schema check (check/schema-kinds.ts) must have a
 * model for each, which the compiler holds it to.
 */
const KIND_KEYS = [
  'v1/Namespace',
  'v1/ServiceAccount',
  // Written only as a service's extra object (or by its hook); see EXTRA_ONLY_KINDS. After the
  // ServiceAccount they grant to, before the pods that use the grant.
  'rbac.authorization.k8s.io/v1/Role',
  'rbac.authorization.k8s.io/v1/RoleBinding',
  'v1/ConfigMap',
  'bitnami.com/v1alpha1/SealedSecret',
  'external-secrets.io/v1/ExternalSecret',
  'v1/PersistentVolumeClaim',
  'networking.k8s.io/v1/NetworkPolicy',
  'batch/v1/Job',
  'v1/Service',
  'apps/v1/Deployment',
  // Written only as a service's extra object; see EXTRA_ONLY_KINDS.
  'v1/Pod',
  'policy/v1/PodDisruptionBudget',
  'autoscaling/v2/HorizontalPodAutoscaler',
  'batch/v1/CronJob',
  'cert-manager.io/v1/Certificate',
  'traefik.io/v1alpha1/Middleware',
  'networking.k8s.io/v1/Ingress',
  'gateway.networking.k8s.io/v1/HTTPRoute',
  'monitoring.coreos.com/v1/ServiceMonitor',
  // Written only as a service's extra object (charts/<service>/extra/); see EXTRA_ONLY_KINDS.
  'monitoring.coreos.com/v1/PodMonitor',
  'monitoring.coreos.com/v1/PrometheusRule',
  'argoproj.io/v1alpha1/AppProject',
  'argoproj.io/v1alpha1/Application',
  // Never written (a Secret in Git is a secret value in Git); the schema check knows it for the
  // folders `berth check` reads, and AppProjects leave it out.
  'v1/Secret',
] as const;

/** `apiVersion/kind`, e.g. `apps/v1/Deployment`. */
export type KindKey = (typeof KIND_KEYS)[number];

/** The key of an object: its `apiVersion/kind`, e.g. `apps/v1/Deployment`. */
export function kindKey(o: { readonly apiVersion?: unknown; readonly kind?: unknown }): string {
  return `${String(o.apiVersion)}/${String(o.kind)}`;
}

/** The kind of a key: `apps/v1/Deployment` → `Deployment`. */
export function kindOf(key: string): string {
  return key.slice(key.lastIndexOf('/') + 1);
}

/** The apiVersion of a key: `apps/v1/Deployment` → `apps/v1`. */
export function apiVersionOf(key: string): string {
  return key.slice(0, key.lastIndexOf('/'));
}

/** The API group of an apiVersion: `apps/v1` → `apps`, and '' for the core API (`v1`). */
export function groupOf(apiVersion: string): string {
  return apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
}

/** The kinds in apply order. */
export const KIND_ORDER: readonly string[] = KIND_KEYS.map(kindOf);

/**
 * Kinds berth validates but never writes itself, only as a service's extra objects: an AppProject
 * allows them to the services whose extra/ holds one (chart/delivery.ts), not to every service.
 */
export const EXTRA_ONLY_KINDS: ReadonlySet<string> = new Set<KindKey>([
  'v1/Pod',
  'monitoring.coreos.com/v1/PodMonitor',
  // A service that grants its pods nothing must not be able to write a grant (check/rbac.ts).
  'rbac.authorization.k8s.io/v1/Role',
  'rbac.authorization.k8s.io/v1/RoleBinding',
]);
