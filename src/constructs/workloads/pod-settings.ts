/**
 * The pod-level escape hatches of a pod (issue 21; docs/escape-hatches.md): private registries,
 * the service-account token, extra pod metadata and scheduling, as berth's own small props in
 * Kubernetes' field names. None of them loosens the pod: the security context, the read-only
 * root and the dropped capabilities stay as pod.ts writes them, and berth's own labels and
 * annotations win over these.
 */
import { SERVICE_ACCOUNT_TOKEN_ANNOTATION } from '../../util/annotations';
import type { BERTH_VOLUMES } from '../../util/pod-volumes';
import * as k8s from '../k8s';
import type { Mount, VolumeSource } from './pod';

/** A label selector over pods. */
export interface LabelSelectorProps {
  /** @default - none */
  readonly matchLabels?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist'; readonly values?: readonly string[] }>;
}

/** A node-selector term of node affinity. */
export interface NodeSelectorTermProps {
  /** Node label requirements. @default - none */
  readonly matchExpressions?: ReadonlyArray<{ readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt'; readonly values?: readonly string[] }>;
  /** Node field requirements. @default - none */
  readonly matchFields?: ReadonlyArray<{ readonly key: string; readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt'; readonly values?: readonly string[] }>;
}

/** A pod (anti-)affinity term. */
export interface PodAffinityTermProps {
  /** @default - no pods */
  readonly labelSelector?: LabelSelectorProps;
  /** @default - the pod's own namespace */
  readonly namespaces?: readonly string[];
  /** @default - the pod's own namespace */
  readonly namespaceSelector?: LabelSelectorProps;
  /** The node label that defines "together". */
  readonly topologyKey: string;
}

/** Required and preferred pod (anti-)affinity terms. */
export interface PodAffinityProps {
  /** @default - none */
  readonly requiredDuringSchedulingIgnoredDuringExecution?: readonly PodAffinityTermProps[];
  /** @default - none */
  readonly preferredDuringSchedulingIgnoredDuringExecution?: ReadonlyArray<{ readonly weight: number; readonly podAffinityTerm: PodAffinityTermProps }>;
}

/** Node and pod affinity, in Kubernetes' shape. */
export interface AffinityProps {
  /** @default - any node */
  readonly nodeAffinity?: {
    /** @default - none */
    readonly requiredDuringSchedulingIgnoredDuringExecution?: { readonly nodeSelectorTerms: readonly NodeSelectorTermProps[] };
    /** @default - none */
    readonly preferredDuringSchedulingIgnoredDuringExecution?: ReadonlyArray<{ readonly weight: number; readonly preference: NodeSelectorTermProps }>;
  };
  /** @default - none */
  readonly podAffinity?: PodAffinityProps;
  /** @default - none */
  readonly podAntiAffinity?: PodAffinityProps;
}

/** A toleration of a node taint. */
export interface TolerationProps {
  /** @default - every key (with operator Exists) */
  readonly key?: string;
  /** @default 'Equal' */
  readonly operator?: 'Equal' | 'Exists';
  /** @default - none */
  readonly value?: string;
  /** @default - every effect */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /** @default - forever */
  readonly tolerationSeconds?: number;
}

/** A topology spread constraint. */
export interface TopologySpreadProps {
  /** The largest allowed difference in pod count between two domains. */
  readonly maxSkew: number;
  /** The node label of a domain; replaces berth's own constraint on the same key. */
  readonly topologyKey: string;
  /** A hard rule (DoNotSchedule) or a preference (ScheduleAnyway). */
  readonly whenUnsatisfiable: 'DoNotSchedule' | 'ScheduleAnyway';
  /** The pods counted. @default - the pods of this workload (its selector labels) */
  readonly labelSelector?: LabelSelectorProps;
  /** @default - none */
  readonly minDomains?: number;
  /** @default 'Honor' */
  readonly nodeAffinityPolicy?: 'Honor' | 'Ignore';
  /** @default 'Ignore' */
  readonly nodeTaintsPolicy?: 'Honor' | 'Ignore';
  /** @default - none */
  readonly matchLabelKeys?: readonly string[];
}

/** A projected service-account token with an audience, mounted read-only as the file `token`. */
export interface ServiceAccountTokenProps {
  /** e.g. `sts.amazonaws.com`. */
  readonly audience: string;
  /** @default 3600 */
  readonly expirationSeconds?: number;
  /** The directory holding `token`. */
  readonly mountPath: string;
}

/** The pod-level settings of a pod beyond berth's hardened defaults. */
export interface PodSettingsProps {
  /** Secrets with registry credentials. @default - none */
  readonly imagePullSecrets?: readonly string[];
  /** Pod annotations, beside berth's (berth's win). @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Pod labels, beside berth's (berth's win). @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default - any node */
  readonly nodeSelector?: Readonly<Record<string, string>>;
  /** @default - none */
  readonly tolerations?: readonly TolerationProps[];
  /** @default - none */
  readonly affinity?: AffinityProps;
  /** @default - the cluster's default priority */
  readonly priorityClassName?: string;
  /** Spread constraints; one on a key berth spreads on replaces berth's. @default - none */
  readonly topologySpreadConstraints?: readonly TopologySpreadProps[];
  /** Mount the Kubernetes API token. @default false */
  readonly automountServiceAccountToken?: boolean;
  /** Why the API token is mounted; recorded as the `berth.dev/service-account-token` annotation. @default - none */
  readonly automountReason?: string;
  /** A projected token with an audience (workload identity). @default - none */
  readonly serviceAccountToken?: ServiceAccountTokenProps;
}

/** The name of the projected token volume. */
const SERVICE_ACCOUNT_TOKEN_VOLUME: keyof typeof BERTH_VOLUMES = 'service-account-token';

/** Deep copy of plain data into the mutable shape of the typed props. */
function plain<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * berth's spread constraints with the settings' merged in: one on the same topologyKey replaces
 * berth's, others are added after them; a constraint without labelSelector counts this workload's pods.
 */
export function spreadConstraints(own: readonly k8s.TopologySpreadConstraint[], settings: PodSettingsProps, selector: Readonly<Record<string, string>>): k8s.TopologySpreadConstraint[] | undefined {
  const theirs = (settings.topologySpreadConstraints ?? []).map((c): k8s.TopologySpreadConstraint => ({
    ...plain<k8s.TopologySpreadConstraint>(c),
    labelSelector: c.labelSelector ? plain(c.labelSelector) : { matchLabels: { ...selector } },
  }));
  const keys = new Set(theirs.map((c) => c.topologyKey));
  const all = [...own.filter((c) => !keys.has(c.topologyKey)), ...theirs];
  return all.length ? all : undefined;
}

/** berth's affinity (a co-location term) and the settings' together: required pod-affinity terms add up. */
export function mergeAffinity(settings: AffinityProps | undefined, own: k8s.Affinity | undefined): k8s.Affinity | undefined {
  if (!settings) return own;
  const theirs = plain<k8s.Affinity>(settings);
  if (!own?.podAffinity) return { ...own, ...theirs };
  const required = [...(theirs.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []), ...(own.podAffinity.requiredDuringSchedulingIgnoredDuringExecution ?? [])];
  return { ...own, ...theirs, podAffinity: { ...theirs.podAffinity, requiredDuringSchedulingIgnoredDuringExecution: required } };
}

/** What the settings add to the pod spec (scheduling, registries, the token), and to its volumes and mounts. */
export function podSettingsSpec(settings: PodSettingsProps): {
  readonly spec: Pick<k8s.PodSpec, 'imagePullSecrets' | 'nodeSelector' | 'tolerations' | 'priorityClassName' | 'automountServiceAccountToken'>;
  readonly volumes: VolumeSource[];
  readonly mounts: Mount[];
  readonly annotations: Record<string, string>;
} {
  const token = settings.serviceAccountToken;
  const automount = settings.automountServiceAccountToken ?? false;
  return {
    spec: {
      automountServiceAccountToken: automount,
      imagePullSecrets: settings.imagePullSecrets?.length ? settings.imagePullSecrets.map((name) => ({ name })) : undefined,
      nodeSelector: settings.nodeSelector && Object.keys(settings.nodeSelector).length ? { ...settings.nodeSelector } : undefined,
      tolerations: settings.tolerations?.length ? plain(settings.tolerations) : undefined,
      priorityClassName: settings.priorityClassName,
    },
    volumes: token
      ? [{ name: SERVICE_ACCOUNT_TOKEN_VOLUME, projected: { sources: [{ serviceAccountToken: { audience: token.audience, expirationSeconds: token.expirationSeconds ?? 3600, path: 'token' } }] } }]
      : [],
    mounts: token ? [{ name: SERVICE_ACCOUNT_TOKEN_VOLUME, mountPath: token.mountPath, readOnly: true }] : [],
    annotations: automount && settings.automountReason ? { [SERVICE_ACCOUNT_TOKEN_ANNOTATION]: settings.automountReason } : {},
  };
}
