/**
 * berth as a cdk8s construct library: the one public entry module (`import { WebService } from
 * 'berth'`). It re-exports the constructs a user composes, their props, the spec-driven
 * {@link ServiceChart}, the spec types and loader, and the checks; everything else under src/ is
 * internal and may change without notice. docs/typescript.md is the reference of these names
 * (test/api/public-api.test.ts keeps the two equal).
 */

// The service chart, built from a spec object or a YAML spec, exactly as `berth synth` builds it.
export { DEFAULT_ENV_NAME, ServiceChart } from './api/service-chart';
export type { EnvironmentInput, ServiceChartOptions } from './api/service-chart';
export { parseServiceSpec } from './api/spec-file';
export type { SpecSource } from './api/spec-file';
export type { Environment, ServiceSpec, ServiceSpecInput } from './spec/schema';

// The per-service hook (charts/<service>/chart.ts, docs/hooks.md): what it is given.
export type { HookContext, ServiceHook } from './hook/hook';

// Checks, for unit tests of synthesized charts.
export { checkManifests } from './api/check';
export type { CheckManifestsOptions } from './api/check';
export { formatFindings, runChecks } from './check/index';
export type { CheckName, Finding, FindingFormat, Manifest, RunChecksOptions } from './check/index';
export { validateSchema } from './check/schema';

// Workloads and what every pod takes.
export { WebService } from './constructs/workloads/web-service';
export type { WebProbes, WebServiceProps } from './constructs/workloads/web-service';
export { Worker } from './constructs/workloads/worker';
export type { WorkerProps } from './constructs/workloads/worker';
export { Singleton } from './constructs/workloads/singleton';
export type { SingletonProps } from './constructs/workloads/singleton';
export { MigrationJob } from './constructs/workloads/migration-job';
export type { MigrationJobProps } from './constructs/workloads/migration-job';
export type { WorkloadIdentity } from './constructs/workloads/labels';
export type {
  ContainerImageProps,
  ContainerProps,
  EnvVar,
  InitContainerProps,
  Mount,
  PodContribution,
  PodSecurityProps,
  ProbeProps,
  ProcessContainerProps,
  ProcessPodProps,
  ResourceProps,
  ScratchProps,
  SidecarProps,
  VolumeSource,
} from './constructs/workloads/pod';
export type {
  AffinityProps,
  LabelSelectorProps,
  NodeSelectorTermProps,
  PodAffinityProps,
  PodAffinityTermProps,
  PodSettingsProps,
  ServiceAccountTokenProps,
  TolerationProps,
  TopologySpreadProps,
} from './constructs/workloads/pod-settings';

// Scheduled jobs.
export { ScheduledJob } from './constructs/jobs/scheduled-job';
export type { JobPodProps, JobScheduleProps, ScheduledJobProps } from './constructs/jobs/scheduled-job';
export { TmpCleanup } from './constructs/jobs/tmp-cleanup';
export type { AppCleanupCommand, TmpCleanupProps } from './constructs/jobs/tmp-cleanup';
export { RetentionPrune } from './constructs/jobs/retention-prune';
export type { RetentionPruneProps } from './constructs/jobs/retention-prune';

// Config and secrets: sources write the Secret, deliveries put it in pods.
export { ServiceConfig } from './constructs/config/service-config';
export type { ServiceConfigProps } from './constructs/config/service-config';
export { ExternalSecretSource } from './constructs/secrets/external-secret-source';
export type { ExternalSecretItem, ExternalSecretSourceProps, SecretStoreRef } from './constructs/secrets/external-secret-source';
export { SealedSecretSource } from './constructs/secrets/sealed-secret-source';
export type { SealedSecretItem, SealedSecretSourceProps, SealingScope } from './constructs/secrets/sealed-secret-source';
export { RegistryCredentials } from './constructs/secrets/registry-credentials';
export type { RegistryCredentialsProps } from './constructs/secrets/registry-credentials';
export { SecretFiles } from './constructs/secrets/secret-files';
export type { SecretFilesProps } from './constructs/secrets/secret-files';
export { SecretEnv } from './constructs/secrets/secret-env';
export type { SecretEnvProps } from './constructs/secrets/secret-env';
export { DotEnvFile } from './constructs/secrets/dotenv-file';
export type { DotEnvFileProps } from './constructs/secrets/dotenv-file';
export type { SecretDeliveryProps } from './constructs/secrets/delivery';
export type { ResolvedSecretItem, SecretItem } from './constructs/secrets/secret-item';

// Network policies.
export { NetworkPolicies } from './constructs/network/network-policies';
export type { EgressGrant, NetworkPoliciesProps, TrafficRule } from './constructs/network/network-policies';
export { NetworkPeer, NetworkPort } from './constructs/network/network-peer';

// The public endpoint, one construct per edge profile.
export { EdgeTls } from './constructs/edge/public-endpoint';
export type { EdgeBackend, EdgeRoute, PublicEndpointProps } from './constructs/edge/public-endpoint';
export { NginxIngress } from './constructs/edge/nginx';
export type { NginxIngressProps } from './constructs/edge/nginx';
export { TraefikIngress } from './constructs/edge/traefik';
export type { TraefikIngressProps } from './constructs/edge/traefik';
export { GatewayRoute } from './constructs/edge/gateway';
export type { GatewayParent, GatewayRouteProps } from './constructs/edge/gateway';
export { EdgeCertificate } from './constructs/edge/certificate';
export type { EdgeCertificateProps } from './constructs/edge/certificate';

// Monitoring.
export { ServiceMonitor } from './constructs/observability/service-monitor';
export type { ServiceMonitorProps } from './constructs/observability/service-monitor';
export { AlertRules } from './constructs/observability/alert-rules';
export type { AlertRule, AlertRulesProps } from './constructs/observability/alert-rules';

// Argo CD delivery.
export { ArgoApplication } from './constructs/delivery/argo-application';
export type { ArgoApplicationProps, GitSource } from './constructs/delivery/argo-application';
export { ArgoProject } from './constructs/delivery/argo-project';
export type { ArgoProjectProps, ProjectDestination, ResourceKind, SyncWindow } from './constructs/delivery/argo-project';
