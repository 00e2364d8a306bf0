/**
 * The pod settings of one process, resolved once (issue 21; docs/escape-hatches.md): the
 * environment's, the service's and the process's own fields merged, the service account worked
 * out, and the env values read from the pod split from the text ones (which may go into the
 * ConfigMap). The charts map these to construct props; they decide nothing themselves.
 *
 * Merge rules, process over service over environment:
 * - `imagePullSecrets`, `tolerations`: added (each entry once);
 * - `podAnnotations`, `podLabels`, `nodeSelector`: merged by key, the process's value winning;
 * - `affinity`: each of nodeAffinity, podAffinity and podAntiAffinity replaces the service's;
 * - `priorityClassName`: the process's, else the service's;
 * - `topologySpreadConstraints`: by topologyKey, the process's replacing the service's (and
 *   both replacing berth's own production spread on that key, in the construct).
 */
import { Affinity, EnvValue, PodEnvSource, ServiceAccount, Toleration, TopologySpreadConstraint } from '../spec/pod-settings';
import type { Environment, ServiceSpec } from '../spec/schema';
import { AZURE_CLIENT_ID_ANNOTATION, AZURE_USE_LABEL } from '../util/annotations';


/** An env var the kubelet reads from the pod: a pod field such as `metadata.name`, or a resource of the container such as `limits.memory`. */
export type PodEnvModel =
  | { readonly name: string; readonly fieldRef: string }
  | { readonly name: string; readonly resourceFieldRef: { readonly resource: string; readonly divisor?: string } };

/** A projected service-account token with an audience (workload identity reading a token file). */
export interface ServiceAccountTokenModel {
  readonly audience: string;
  readonly expirationSeconds: number;
  /** The directory holding the file `token`. */
  readonly mountPath: string;
}

/** The service's ServiceAccount: one per service, the one every pod runs as. */
export interface ServiceAccountModel {
  readonly name: string;
  /** Workload identity annotations (IRSA, GKE, Azure). */
  readonly annotations: Readonly<Record<string, string>>;
  /** Do the pods get the Kubernetes API token? */
  readonly automountToken: boolean;
  /** Why they do. @default - none given */
  readonly reason?: string;
  /** @default - no projected token */
  readonly token?: ServiceAccountTokenModel;
}

/** The pod-level settings of one process, merged. */
export interface PodSettingsModel {
  readonly imagePullSecrets: readonly string[];
  readonly annotations: Readonly<Record<string, string>>;
  /** Extra pod labels (never berth's own: the schema refuses those). */
  readonly labels: Readonly<Record<string, string>>;
  readonly nodeSelector: Readonly<Record<string, string>>;
  readonly tolerations: readonly Toleration[];
  /** @default - no affinity of the spec's */
  readonly affinity?: Affinity;
  /** @default - the cluster's default priority */
  readonly priorityClassName?: string;
  readonly topologySpreadConstraints: readonly TopologySpreadConstraint[];
  /** Env vars read from the pod, set on the container itself (a ConfigMap holds only text). */
  readonly fieldEnv: readonly PodEnvModel[];
}

/** The pod settings fields of a spec section (the service, or one process). */
export type PodSettingsInput = Partial<Pick<ServiceSpec, 'imagePullSecrets' | 'podAnnotations' | 'podLabels' | 'nodeSelector' | 'tolerations' | 'affinity' | 'priorityClassName' | 'topologySpreadConstraints'>>;

/** The service account of a service: the spec's, with its defaults. */
export function resolveServiceAccount(spec: ServiceSpec): ServiceAccountModel {
  const sa: Partial<ServiceAccount> = spec.serviceAccount ?? {};
  return {
    name: sa.name ?? spec.name,
    annotations: { ...sa.annotations },
    automountToken: sa.automountToken ?? false,
    ...(sa.reason !== undefined && { reason: sa.reason }),
    ...(sa.token && { token: { audience: sa.token.audience, expirationSeconds: sa.token.expirationSeconds, mountPath: sa.token.mountPath } }),
  };
}

/** Entries once each, in first-seen order. */
function unique<T>(items: readonly T[], key: (t: T) => string = (t) => JSON.stringify(t)): T[] {
  const seen = new Set<string>();
  return items.filter((t) => (seen.has(key(t)) ? false : (seen.add(key(t)), true)));
}

/** The env values read from the pod, of env blocks merged in order (a later text value of a name removes an earlier pod one). */
export function podEnvOf(...blocks: ReadonlyArray<Readonly<Record<string, EnvValue>> | undefined>): PodEnvModel[] {
  const merged: Record<string, EnvValue> = Object.assign({}, ...blocks);
  return Object.entries(merged)
    .filter((e): e is [string, PodEnvSource] => typeof e[1] !== 'string')
    // The schema lets exactly one of fieldRef and resourceFieldRef through (spec/pod-settings.ts).
    .map(([name, v]): PodEnvModel =>
      v.fieldRef !== undefined ? { name, fieldRef: v.fieldRef } : { name, resourceFieldRef: { resource: v.resourceFieldRef!, ...(v.divisor !== undefined && { divisor: v.divisor }) } },
    );
}

/**
 * The pod settings of one process: the environment's pull secrets, the service's fields, then
 * the process's own, merged as the module says; `fieldEnv` is the caller's (it knows which env
 * blocks a process gets).
 * @param registry the Secret the service's secret source writes registry credentials to @default - none
 */
export function resolvePodSettings(spec: ServiceSpec, env: Environment, own: PodSettingsInput, fieldEnv: readonly PodEnvModel[], account: ServiceAccountModel, registry?: string): PodSettingsModel {
  const affinity = { ...spec.affinity, ...own.affinity };
  const spread = new Map<string, TopologySpreadConstraint>();
  for (const c of [...(spec.topologySpreadConstraints ?? []), ...(own.topologySpreadConstraints ?? [])]) spread.set(c.topologyKey, c);
  const azure = Object.hasOwn(account.annotations, AZURE_CLIENT_ID_ANNOTATION);
  const priorityClassName = own.priorityClassName ?? spec.priorityClassName;
  return {
    imagePullSecrets: unique([...env.imagePullSecrets, ...(registry === undefined ? [] : [registry]), ...(spec.imagePullSecrets ?? []), ...(own.imagePullSecrets ?? [])], (s) => s),
    annotations: { ...spec.podAnnotations, ...own.podAnnotations },
    // Azure Workload Identity mutates only pods that opt in with this label; a process may opt
    // out by setting it to "false" itself.
    labels: { ...(azure && { [AZURE_USE_LABEL]: 'true' }), ...spec.podLabels, ...own.podLabels },
    nodeSelector: { ...spec.nodeSelector, ...own.nodeSelector },
    tolerations: unique([...(spec.tolerations ?? []), ...(own.tolerations ?? [])]),
    ...(Object.keys(affinity).length > 0 && { affinity }),
    ...(priorityClassName !== undefined && { priorityClassName }),
    topologySpreadConstraints: [...spread.values()],
    fieldEnv,
  };
}
