/**
 * The annotation and label keys berth writes and reads, in one place: the constructs write them,
 * the checks and `berth explain` import the keys they read, so the two can never drift apart.
 * Argo CD's sync options and sync waves have their own modules (util/sync-options.ts,
 * util/sync-waves.ts).
 */

/** On route objects: the comma-separated internal paths of the service (read by the guardrail check). */
export const INTERNAL_PATHS_ANNOTATION = 'berth.dev/internal-paths';
/** On route objects: `public`, `block` (exists only to deny the internal paths) or `redirect` (HTTP → HTTPS). */
export const ROUTE_ROLE_ANNOTATION = 'berth.dev/route-role';
/** On pod templates: a checksum of the ConfigMap, so a change rolls the pods. */
export const CONFIG_CHECKSUM_ANNOTATION = 'berth.dev/config-checksum';
/** On pod templates: why a security default was loosened. */
export const SECURITY_EXCEPTION_ANNOTATION = 'berth.dev/security-exception';
/** On pod templates: why the pods get the Kubernetes API token (`serviceAccount.reason`). */
export const SERVICE_ACCOUNT_TOKEN_ANNOTATION = 'berth.dev/service-account-token';
/** On pod templates: a checksum of the Secret's definition in Git, so a change in Git rolls the pods. */
export const SECRET_VERSION_ANNOTATION = 'berth.dev/secret-version';
/** Stakater Reloader: roll the workload when the named Secret's data changes. */
export const RELOADER_SECRET_ANNOTATION = 'secret.reloader.stakater.com/reload';
/** Label on egress NetworkPolicies: the destination, e.g. `postgres` (`kubectl get netpol -l`, `berth explain`). */
export const EGRESS_TO_LABEL = 'berth.dev/egress-to';
/** On egress NetworkPolicies: the host names the processes connect to (NetworkPolicy matches addresses, not names). */
export const EGRESS_HOST_ANNOTATION = 'berth.dev/egress-host';
/** On egress NetworkPolicies: the secret items that hold the destination's address or credentials. */
export const EGRESS_SECRETS_ANNOTATION = 'berth.dev/egress-secrets';
/** On PrometheusRules: `silenced.berth.dev/<alert>: <reason>` for each alert left out on purpose. */
export const SILENCED_ANNOTATION_PREFIX = 'silenced.berth.dev/';
/** Label on Argo CD Applications and AppProjects: the environment they deliver. */
export const ENVIRONMENT_LABEL = 'berth.dev/environment';
/** Argo CD: run the object as a hook of this sync phase. */
export const HOOK_ANNOTATION = 'argocd.argoproj.io/hook';
/** Argo CD: when a hook's object is deleted. */
export const HOOK_DELETE_POLICY_ANNOTATION = 'argocd.argoproj.io/hook-delete-policy';
/** On Applications: `notifications.argoproj.io/subscribe.<trigger>.<service>: <recipients>`, Argo CD notifications' subscriptions. */
export const NOTIFICATIONS_SUBSCRIBE_PREFIX = 'notifications.argoproj.io/subscribe.';
/** Stakater Reloader, on pod templates it rolls: which Secret's change restarted the pods. */
export const RELOADER_LAST_RELOADED_ANNOTATION = 'reloader.stakater.com/last-reloaded-from';
/** The label Kubernetes gives every Namespace: its own name (what a NetworkPolicy selects a namespace by). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** The prefix of the Pod Security admission labels on a Namespace (`pod-security.kubernetes.io/enforce`, …). */
export const POD_SECURITY_LABEL_PREFIX = 'pod-security.kubernetes.io/';
/** Azure Workload Identity on a ServiceAccount: the client id of the managed identity. */
export const AZURE_CLIENT_ID_ANNOTATION = 'azure.workload.identity/client-id';
/** Pod label Azure Workload Identity's webhook needs before it injects the token; berth sets it with {@link AZURE_CLIENT_ID_ANNOTATION}. */
export const AZURE_USE_LABEL = 'azure.workload.identity/use';
/** The ServiceAccount annotations of cloud workload identity (EKS IRSA, GKE, AKS), which `berth explain` shows. */
export const WORKLOAD_IDENTITY_ANNOTATIONS: readonly string[] = ['eks.amazonaws.com/role-arn', 'iam.gke.io/gcp-service-account', AZURE_CLIENT_ID_ANNOTATION];
