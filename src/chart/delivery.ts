/**
 * What Argo CD may do with each environment's output: the AppProject of every service (or the
 * existing project berth.yaml names), the root's own project, and the annotations of an
 * Application. The one place that maps berth.yaml's `argocd` block to the delivery constructs.
 *
 * One AppProject per service and environment, not one per environment: a project's destinations
 * and allowlists are all Argo CD checks, and sourceRepos cannot tell one folder of the repository
 * from another. With one project per environment, a manifest committed under `dist/prod/rag/`
 * could write into george's namespace; with one per service it can only write the kinds berth
 * writes into rag's own namespace. A project per service is also the unit a platform team hands
 * to the team that owns the service (its `roles`, its sync windows).
 */
import { ArgoProjectProps, ResourceKind } from '../constructs/delivery/argo-project';
import { KIND_MODELS } from '../check/schema-kinds';
import { Environment, NotificationSubscription, ProjectConfig } from '../spec/schema';
import { ENVIRONMENT_LABEL, NOTIFICATIONS_SUBSCRIBE_PREFIX } from '../util/annotations';
import { apiVersionOf, EXTRA_ONLY_KINDS, groupOf, kindOf } from '../util/kinds';
import { applicationName, rootName } from '../util/names';
import { SYNC_WAVES } from '../util/sync-waves';

/** The API server of the cluster Argo CD runs in: where Applications and AppProjects live. */
export const IN_CLUSTER = 'https://kubernetes.default.svc';

/** Cluster-scoped kinds berth writes into a service's Application; only its own Namespace is allowed. */
const CLUSTER_SCOPED = new Set(['Namespace']);

/**
 * Kinds the schema check knows but berth never writes for a service: a Secret in Git is a secret
 * value in Git (the leak guard refuses it; the project refuses it again, in the cluster).
 */
const NEVER_WRITTEN = new Set(['Secret']);

/** The Argo CD kinds, which only the root's project may create. */
const ARGO_GROUP = 'argoproj.io';

/**
 * Every namespaced kind berth may write for a service: the kinds the strict schema check knows
 * (one list, `KIND_MODELS`), minus cluster-scoped ones, Secrets and Argo CD's own.
 */
const SERVICE_NAMESPACED_KINDS: readonly ResourceKind[] = (() => {
  const seen = new Map<string, ResourceKind>();
  for (const key of Object.keys(KIND_MODELS)) {
    const kind = kindOf(key);
    const group = groupOf(apiVersionOf(key));
    if (CLUSTER_SCOPED.has(kind) || NEVER_WRITTEN.has(kind) || group === ARGO_GROUP || EXTRA_ONLY_KINDS.has(key)) continue;
    seen.set(`${group}/${kind}`, { group, kind });
  }
  return [...seen.values()];
})();

/** The kinds, with those of `extra` that are not among them yet, in the order met. */
function withKinds(kinds: readonly ResourceKind[], extra: ReadonlyArray<{ readonly apiVersion: string; readonly kind: string }>): readonly ResourceKind[] {
  const out = [...kinds];
  for (const { apiVersion, kind } of extra) {
    const group = groupOf(apiVersion);
    if (!out.some((k) => k.group === group && k.kind === kind)) out.push({ group, kind });
  }
  return out;
}

/** The project a service's Application uses: the one berth.yaml names, or berth's own for the service. */
export function projectOf(environment: Environment, service: string, env: string): string {
  return environment.argocd.project ?? applicationName(service, env);
}

/**
 * The AppProject of one service in one environment: the repository of berth.yaml, the service's
 * namespace on the environment's cluster, its Namespace object, and the kinds berth writes, with
 * the kinds of the service's extra objects (`apiVersion`s) that are not among them. Undefined
 * when berth.yaml names an existing project instead.
 * @param extraKinds `apiVersion` and `kind` of the service's extra objects @default - none
 */
export function serviceProject(config: ProjectConfig, env: string, service: string, namespace: string, extraKinds: ReadonlyArray<{ readonly apiVersion: string; readonly kind: string }> = []): ArgoProjectProps | undefined {
  const environment = config.environments[env];
  if (environment.argocd.project !== undefined) return undefined;
  return {
    name: applicationName(service, env),
    argocdNamespace: config.argocdNamespace,
    description: `berth: ${service} in ${env}, the kinds berth writes into namespace ${namespace}`,
    sourceRepos: [config.repoURL],
    destinations: [{ server: environment.cluster, namespace }],
    clusterResources: [{ group: '', kind: 'Namespace', name: namespace }],
    namespacedResources: withKinds(SERVICE_NAMESPACED_KINDS, extraKinds),
    syncWindows: environment.argocd.syncWindows,
    // Before the Applications that use it, when the root syncs them in one go.
    syncWave: SYNC_WAVES.AppProject,
    labels: { [ENVIRONMENT_LABEL]: env },
  };
}

/** The root's project: Applications and AppProjects in Argo CD's namespace, from the repository, nothing else. */
export function rootProject(config: ProjectConfig, env: string): ArgoProjectProps {
  return {
    name: rootName(env),
    argocdNamespace: config.argocdNamespace,
    description: `berth: the root Application of ${env} (app of apps), limited to Argo CD's own objects`,
    sourceRepos: [config.repoURL],
    destinations: [{ server: IN_CLUSTER, namespace: config.argocdNamespace }],
    namespacedResources: [
      { group: ARGO_GROUP, kind: 'AppProject' },
      { group: ARGO_GROUP, kind: 'Application' },
    ],
    labels: { [ENVIRONMENT_LABEL]: env },
  };
}

/**
 * Argo CD notifications subscriptions as Application annotations
 * (`notifications.argoproj.io/subscribe.<trigger>.<service>: <recipient>;<recipient>`); two
 * subscriptions of one trigger and service share the annotation.
 */
export function notificationAnnotations(subscriptions: readonly NotificationSubscription[]): Record<string, string> {
  const byKey = new Map<string, string[]>();
  for (const s of subscriptions) {
    const key = `${NOTIFICATIONS_SUBSCRIBE_PREFIX}${s.trigger}.${s.service}`;
    const list = byKey.get(key) ?? [];
    for (const r of s.recipients) if (!list.includes(r)) list.push(r);
    byKey.set(key, list);
  }
  return Object.fromEntries([...byKey].map(([k, v]) => [k, v.join(';')]));
}
