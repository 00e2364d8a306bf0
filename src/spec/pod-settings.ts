/**
 * The pod-level escape hatches of a spec (issue 21; docs/escape-hatches.md): private registries,
 * the service account and workload identity, pod and object metadata, scheduling, and env from
 * the pod's own fields. Each is written in Kubernetes' own field names and shapes, as strict
 * objects, so a typo is an error with a line number rather than a field the API server drops.
 *
 * The fields of {@link PodSettingsFields} sit at the service level and on every process (web,
 * workers, singletons, the migration, every CronJob), where they merge over the service's
 * (model/pod-settings.ts). Self-contained: schema.ts imports this module, never the reverse.
 */
import { z } from 'zod';
import { COMPONENT_LABEL, MANAGED_BY_LABEL, NAME_LABEL, PART_OF_LABEL } from '../constructs/workloads/labels';
import { HOOK_ANNOTATION, HOOK_DELETE_POLICY_ANNOTATION, NAMESPACE_NAME_LABEL, POD_SECURITY_LABEL_PREFIX } from '../util/annotations';
import { SYNC_OPTIONS_ANNOTATION } from '../util/sync-options';
import { SYNC_WAVE_ANNOTATION } from '../util/sync-waves';

/** A DNS-1123 subdomain: the name of most Kubernetes objects (a Secret, a namespace, a class). */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;

/** The name of a Secret (a DNS-1123 subdomain), as `imagePullSecrets` lists them. */
export const PullSecretName = z
  .string()
  .max(253, 'must be at most 253 characters (the name of a Secret)')
  .refine((n) => DNS_SUBDOMAIN.test(n), {
    message: 'must be the name of a Secret: a DNS subdomain of lower-case letters, digits, "-" and ".", such as registry-credentials',
    params: { fix: 'write the name of the Secret that holds the registry credentials, as kubectl get secret shows it (lower case, "-" for "_")' },
  })
  // A refinement carries a fix; the pattern is still published for editors.
  .meta({ pattern: DNS_SUBDOMAIN.source });

/** Registry credentials from the service's secret source: where the docker config JSON is, never the JSON itself. */
export const RegistryCredentialsItem = z.strictObject({
  remoteKey: z.string().min(1).optional().describe('externalSecret: the key of the docker config JSON in the store'),
  property: z.string().min(1).optional().describe('externalSecret: its property, when the remote value is a JSON object'),
  encrypted: z.string().min(16).optional().describe('sealedSecret: the docker config JSON sealed with kubeseal --raw for the Secret <service>-registry'),
});

/** A label or annotation key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
const MetadataKey = z
  .string()
  .regex(QUALIFIED_NAME, 'must be a label or annotation key such as example.com/team or team (an optional DNS prefix and "/", then letters, digits, "-", "_", ".")')
  .refine((k) => k.split('/').pop()!.length <= 63, 'must have a name part (after the "/") of at most 63 characters');

/** A label value: at most 63 characters, alphanumeric at both ends. */
const LabelValue = z.string().max(63, 'must be at most 63 characters (a label value)').regex(/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/, 'must be a label value: letters, digits, "-", "_" and ".", starting and ending with a letter or digit');

/** Label keys berth sets on its objects and pods: the first two are the immutable selectors. */
const BERTH_LABELS: ReadonlySet<string> = new Set([NAME_LABEL, COMPONENT_LABEL, PART_OF_LABEL, MANAGED_BY_LABEL]);
/** Annotation keys berth writes that decide how Argo CD syncs an object. */
const BERTH_ANNOTATIONS: ReadonlySet<string> = new Set([SYNC_WAVE_ANNOTATION, SYNC_OPTIONS_ANNOTATION, HOOK_ANNOTATION, HOOK_DELETE_POLICY_ANNOTATION, 'argocd.argoproj.io/tracking-id']);

/**
 * Why berth refuses a label or annotation key in the spec, or undefined: keys berth itself sets
 * are never overridden silently (a selector label would orphan the pods; a Pod Security label on
 * the Namespace would loosen the whole namespace; a sync wave would reorder the sync).
 */
export function reservedKey(key: string, what: 'label' | 'annotation'): string | undefined {
  if (what === 'label' && (key === NAME_LABEL || key === COMPONENT_LABEL)) return `is a selector label berth sets from the service and process names (Deployments select their pods by it, and a selector is immutable)`;
  if (what === 'label' && BERTH_LABELS.has(key)) return `is a label berth sets on every object it writes`;
  if (what === 'label' && (key.startsWith(POD_SECURITY_LABEL_PREFIX) || key === NAMESPACE_NAME_LABEL)) return `is a label berth sets on the Namespace (Pod Security "restricted" and what NetworkPolicies select on)`;
  if (what === 'annotation' && BERTH_ANNOTATIONS.has(key)) return `is an Argo CD annotation berth sets to order and protect the sync`;
  if (key.startsWith('berth.dev/') || key.endsWith('.berth.dev') || /\.berth\.dev\//.test(key)) return `is in berth's own key space (berth.dev), which berth writes and its checks read`;
  return undefined;
}

/** Labels or annotations the spec adds, refusing the keys berth owns. */
const Metadata = (what: 'label' | 'annotation', where: string) =>
  z.record(MetadataKey, what === 'label' ? LabelValue : z.string()).superRefine((m, ctx) => {
    for (const key of Object.keys(m)) {
      const why = reservedKey(key, what);
      if (why) ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" ${why}`, params: { fix: `remove ${key} from ${where}; berth keeps its own value (choose a key of your own, such as example.com/${key.split('/').pop()})` } });
    }
  });

/** A node-selector requirement (node affinity), as Kubernetes writes it. */
const NodeSelectorRequirement = z.strictObject({
  key: z.string().min(1).describe('a node label (or, in matchFields, a node field such as metadata.name)'),
  operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist', 'Gt', 'Lt']).describe('how the key relates to values; Gt/Lt compare integers'),
  values: z.array(z.string()).optional().describe('In/NotIn: one or more; Gt/Lt: exactly one integer; Exists/DoesNotExist: none'),
});
const NodeSelectorTerm = z.strictObject({
  matchExpressions: z.array(NodeSelectorRequirement).optional().describe('node label requirements, all of which must hold'),
  matchFields: z.array(NodeSelectorRequirement).optional().describe('node field requirements, all of which must hold'),
});

/** A label selector over pods, as Kubernetes writes it. */
export const LabelSelector = z.strictObject({
  matchLabels: z.record(MetadataKey, LabelValue).optional().describe('labels the pods must carry'),
  matchExpressions: z
    .array(
      z.strictObject({
        key: MetadataKey.describe('a pod label key'),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']).describe('how the label relates to values'),
        values: z.array(LabelValue).optional().describe('In/NotIn: one or more; Exists/DoesNotExist: none'),
      }),
    )
    .optional()
    .describe('label requirements, all of which must hold'),
});

/** The weight of a preferred scheduling term. */
const Weight = z.number().int().min(1).max(100).describe('how much the scheduler prefers this, 1-100');

const PodAffinityTerm = z.strictObject({
  labelSelector: LabelSelector.optional().describe('the pods this term is about'),
  namespaces: z.array(z.string().regex(DNS_SUBDOMAIN, 'must be a namespace name')).optional().describe("their namespaces; default the pod's own"),
  namespaceSelector: LabelSelector.optional().describe('namespaces by label; {} for every namespace'),
  topologyKey: MetadataKey.describe('the node label that defines "together", e.g. kubernetes.io/hostname or topology.kubernetes.io/zone'),
});
const PodAffinity = z.strictObject({
  requiredDuringSchedulingIgnoredDuringExecution: z.array(PodAffinityTerm).optional().describe('terms every placement must meet'),
  preferredDuringSchedulingIgnoredDuringExecution: z
    .array(z.strictObject({ weight: Weight, podAffinityTerm: PodAffinityTerm.describe('the pods to prefer being near (or away from)') }))
    .optional()
    .describe('terms the scheduler prefers, by weight 1-100'),
});

/** Pod affinity, anti-affinity and node affinity, in Kubernetes' shape. */
export const Affinity = z.strictObject({
  nodeAffinity: z
    .strictObject({
      requiredDuringSchedulingIgnoredDuringExecution: z
        .strictObject({ nodeSelectorTerms: z.array(NodeSelectorTerm).min(1, 'must list at least one term').describe('node selector terms, any one of which must match') })
        .optional()
        .describe('nodes the pods may run on: any one of the terms must match'),
      preferredDuringSchedulingIgnoredDuringExecution: z
        .array(z.strictObject({ weight: Weight, preference: NodeSelectorTerm.describe('the nodes preferred') }))
        .optional()
        .describe('nodes the scheduler prefers, by weight 1-100'),
    })
    .optional()
    .describe('which nodes the pods may or should run on'),
  podAffinity: PodAffinity.optional().describe('run near these pods'),
  podAntiAffinity: PodAffinity.optional().describe('run away from these pods'),
});
export type Affinity = z.infer<typeof Affinity>;

/** A toleration of a node taint, in Kubernetes' shape. */
export const Toleration = z
  .strictObject({
    key: MetadataKey.optional().describe('the taint key; omit it (with operator Exists) to tolerate every taint'),
    operator: z.enum(['Equal', 'Exists']).optional().describe('Equal (the default) matches key and value; Exists matches any value of the key'),
    value: LabelValue.optional().describe('the taint value (with Equal)'),
    effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional().describe('the taint effect it tolerates; omit it for every effect'),
    tolerationSeconds: z.number().int().min(0).optional().describe('NoExecute only: how long the pod stays on a node after the taint appears'),
  })
  .superRefine((t, ctx) => {
    if (t.operator === 'Exists' && t.value !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: 'must be omitted with operator Exists', params: { fix: 'remove value, or use operator Equal' } });
    if (t.key === undefined && t.operator !== 'Exists') ctx.addIssue({ code: 'custom', path: ['key'], message: 'is required unless operator is Exists (which, without a key, tolerates every taint)', params: { fix: 'add the taint key, such as key: spot' } });
    if (t.tolerationSeconds !== undefined && t.effect !== 'NoExecute') ctx.addIssue({ code: 'custom', path: ['tolerationSeconds'], message: 'applies only to effect NoExecute', params: { fix: 'remove tolerationSeconds, or set effect: NoExecute' } });
  });
export type Toleration = z.infer<typeof Toleration>;

/** A topology spread constraint, in Kubernetes' shape; its labelSelector defaults to the process's own pods. */
export const TopologySpreadConstraint = z
  .strictObject({
    maxSkew: z.number().int().min(1).describe('the largest allowed difference in pod count between two domains'),
    topologyKey: MetadataKey.describe('the node label that defines a domain, e.g. topology.kubernetes.io/zone; replaces berth\'s own constraint on the same key'),
    whenUnsatisfiable: z.enum(['DoNotSchedule', 'ScheduleAnyway']).describe('DoNotSchedule: a hard rule; ScheduleAnyway: a preference'),
    labelSelector: LabelSelector.optional().describe('the pods counted; default the pods of this process'),
    minDomains: z.number().int().min(1).optional().describe('DoNotSchedule only: the fewest domains counted'),
    nodeAffinityPolicy: z.enum(['Honor', 'Ignore']).optional().describe("count only nodes matching the pods' nodeSelector and node affinity (Honor, the default) or all nodes"),
    nodeTaintsPolicy: z.enum(['Honor', 'Ignore']).optional().describe('count only nodes whose taints the pods tolerate (Honor) or all nodes (Ignore, the default)'),
    matchLabelKeys: z.array(MetadataKey).optional().describe('pod label keys whose values also select the pods counted, e.g. pod-template-hash'),
  })
  .superRefine((c, ctx) => {
    if (c.minDomains !== undefined && c.whenUnsatisfiable !== 'DoNotSchedule') ctx.addIssue({ code: 'custom', path: ['minDomains'], message: 'applies only to whenUnsatisfiable DoNotSchedule', params: { fix: 'remove minDomains, or set whenUnsatisfiable: DoNotSchedule' } });
  });
export type TopologySpreadConstraint = z.infer<typeof TopologySpreadConstraint>;

/** The pod fields an env var can read (the downward API's `fieldRef`). */
const ENV_FIELD_PATHS = ['metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs', 'status.podIP', 'status.podIPs'] as const;
/** The container resources an env var can read (the downward API's `resourceFieldRef`). */
const ENV_RESOURCES = ['limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage'] as const;

/** An env var whose value the kubelet reads from the pod: a field of it, or a resource of its container. */
export const PodEnvSource = z
  .strictObject({
    fieldRef: z
      .string()
      .refine((p) => (ENV_FIELD_PATHS as readonly string[]).includes(p) || /^metadata\.(labels|annotations)\['[^']+'\]$/.test(p), {
        message: `must be a pod field: ${ENV_FIELD_PATHS.join(', ')}, or metadata.labels['<key>'] / metadata.annotations['<key>']`,
      })
      .optional()
      .describe('a field of the pod, e.g. metadata.name (POD_NAME), status.podIP (POD_IP), spec.nodeName (NODE_NAME)'),
    resourceFieldRef: z.enum(ENV_RESOURCES).optional().describe("a resource of the container, e.g. limits.memory (for gunicorn's worker count)"),
    divisor: z
      .string()
      .regex(/^[0-9]+(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/, 'must be a quantity such as 1, 1m or 1Mi')
      .optional()
      .describe('resourceFieldRef only: the unit of the value, e.g. 1Mi for mebibytes or 1m for millicores; default 1'),
  })
  .superRefine((e, ctx) => {
    if ((e.fieldRef === undefined) === (e.resourceFieldRef === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'must set exactly one of fieldRef and resourceFieldRef', params: { fix: 'write { fieldRef: metadata.name } for a pod field, or { resourceFieldRef: limits.memory, divisor: 1Mi } for a container resource' } });
    }
    if (e.divisor !== undefined && e.resourceFieldRef === undefined) ctx.addIssue({ code: 'custom', path: ['divisor'], message: 'applies only to resourceFieldRef', params: { fix: 'remove divisor' } });
  });
export type PodEnvSource = z.infer<typeof PodEnvSource>;

/** An env value: plain text (which may go into the service's ConfigMap), or a value read from the pod. */
export const EnvValue = z.union([z.string(), PodEnvSource]);
export type EnvValue = z.infer<typeof EnvValue>;

/** The plain-text entries of an env block (the pod-field ones go on the container itself). */
export function plainEnv(env: Readonly<Record<string, EnvValue>>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** The pod-level fields every process takes, and the service sets for all of them. */
export const PodSettingsFields = {
  imagePullSecrets: z
    .array(PullSecretName)
    .optional()
    .describe("Secrets with registry credentials (type kubernetes.io/dockerconfigjson), added to the environment's and the service's"),
  podAnnotations: Metadata('annotation', 'podAnnotations').optional().describe('annotations on the pods (a mesh, an agent); berth keeps its own keys'),
  podLabels: Metadata('label', 'podLabels').optional().describe("labels on the pods; never berth's own or selector labels"),
  nodeSelector: z.record(MetadataKey, LabelValue).optional().describe('node labels the pods must run on, e.g. karpenter.sh/capacity-type: spot'),
  tolerations: z.array(Toleration).optional().describe("taints the pods tolerate (added to the service's)"),
  affinity: Affinity.optional().describe("node and pod affinity; each of nodeAffinity, podAffinity and podAntiAffinity replaces the service's"),
  priorityClassName: z.string().max(253).regex(DNS_SUBDOMAIN, 'must be the name of a PriorityClass').optional().describe('the PriorityClass of the pods'),
  topologySpreadConstraints: z
    .array(TopologySpreadConstraint)
    .optional()
    .describe("spread constraints; one on a topologyKey berth spreads on (production's zone and node spread) replaces berth's, others are added"),
};

/** The service account of a service: its name, workload-identity annotations and API token. */
export const ServiceAccount = z
  .strictObject({
    name: z
      .string()
      .max(253)
      .regex(DNS_SUBDOMAIN, 'must be a ServiceAccount name: lower-case letters, digits, "-" and "."')
      .optional()
      .describe('the ServiceAccount berth writes and the pods run as; default the service name (an IAM trust policy names it)'),
    annotations: Metadata('annotation', 'serviceAccount.annotations')
      .default({})
      .describe(
        'annotations on the ServiceAccount: eks.amazonaws.com/role-arn (EKS IRSA), iam.gke.io/gcp-service-account (GKE), azure.workload.identity/client-id (AKS; berth labels the pods azure.workload.identity/use: "true")',
      ),
    automountToken: z.boolean().default(false).describe('mount the Kubernetes API token into every pod; only for apps that call the API; needs reason in production'),
    reason: z.string().trim().min(10, 'must say why (at least 10 characters)').optional().describe('why the pods get the API token; required with automountToken in production, recorded on the pods'),
    token: z
      .strictObject({
        audience: z.string().min(1).describe('who the token is for, e.g. sts.amazonaws.com or api://AzureADTokenExchange'),
        expirationSeconds: z.number().int().min(600, 'must be at least 600 (Kubernetes refuses shorter tokens)').max(86400 * 2).default(3600).describe('lifetime; the kubelet renews it at 80%'),
        mountPath: z.string().regex(/^(\/[^\0/]+)+$/, 'must be an absolute directory without a trailing slash').describe('the directory the token file (token) is mounted at, read-only'),
      })
      .optional()
      .describe('a projected service-account token with an audience, for workload identity that reads a token file; not the API token'),
  })
  .describe('the service account of every pod');
export type ServiceAccount = z.infer<typeof ServiceAccount>;

/** Service-level only: the service account and the metadata of every object. */
export const ServicePodSettingsFields = {
  ...PodSettingsFields,
  serviceAccount: ServiceAccount.optional(),
  annotations: Metadata('annotation', 'annotations').optional().describe("annotations on every object of the service (not the pods: podAnnotations); berth's own keys are refused"),
  labels: Metadata('label', 'labels').optional().describe("labels on every object of the service (not the pods, never selectors: podLabels); berth's own keys are refused"),
};
