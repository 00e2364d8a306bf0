/**
 * ServiceChart: the one place that maps a validated spec, in one environment, to constructs.
 * Everything it builds has an explicit, stable name; nothing reads files or env.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ServiceConfig } from '../constructs/config/service-config';
import * as k8s from '../constructs/k8s';
import { kube } from '../constructs/resource';
import { MANAGED_BY, MANAGED_BY_LABEL, PART_OF_LABEL, serviceLabels } from '../constructs/workloads/labels';
import { resolveService, ServiceModel } from '../model/service-model';
import { NAMESPACE_NAME_LABEL } from '../util/annotations';
import { serviceObjectName } from '../util/names';
import { plainEnv } from '../spec/pod-settings';
import { Environment, ServiceSpec } from '../spec/schema';
import { KEEP_IN_CLUSTER, syncOptionsAnnotation } from '../util/sync-options';
import { buildAlerts } from './alerts';
import { Contributions, ServiceContext } from './context';
import { buildEdge } from './edge';
import { buildExtraVolumes } from './extra-containers';
import { buildJobs } from './jobs';
import { buildNetwork } from './network';
import { buildSecrets } from './secrets';
import { buildVolumes, buildWorkloads } from './workloads';

export interface ServiceChartProps {
  readonly spec: ServiceSpec;
  readonly env: Environment;
  readonly envName: string;
  /** The spec resolved in the environment (spec/load.ts builds it once per unit). @default - resolved here from spec and env */
  readonly model?: ServiceModel;
  /** docs/alerts.md as a URL, where alerts' runbook links point (see runbookBase in src/alerts/plan.ts). @default - no runbook link unless the spec sets alerts.runbookUrl */
  readonly runbookBase?: string;
}

/** Labels the namespace carries: Pod Security admission and what NetworkPolicies select on. */
export function namespaceLabels(namespace: string, service: string): Record<string, string> {
  return {
    [NAMESPACE_NAME_LABEL]: namespace,
    [PART_OF_LABEL]: service,
    [MANAGED_BY_LABEL]: MANAGED_BY,
    'pod-security.kubernetes.io/enforce': 'restricted',
    'pod-security.kubernetes.io/enforce-version': 'latest',
    'pod-security.kubernetes.io/audit': 'restricted',
    'pod-security.kubernetes.io/warn': 'restricted',
  };
}

export class ServiceChart extends Chart {
  readonly context: ServiceContext;

  constructor(scope: Construct, id: string, props: ServiceChartProps) {
    const { spec } = props;
    const model = props.model ?? resolveService(spec, props.env, props.envName);
    const namespace = model.namespace;
    super(scope, id, { namespace, disableResourceNameHashes: true });
    const labels = serviceLabels(spec.name);

    this.context = {
      scope: this,
      spec,
      model,
      env: props.env,
      envName: props.envName,
      namespace,
      serviceAccountName: model.serviceAccountName,
      security: { ...spec.security },
      contributions: new Contributions(),
    };

    // A Namespace is cluster-scoped: the chart's default namespace must not be stamped on it.
    // Deleting a Namespace deletes everything in it (PVCs, a hand-made existingSecret), whatever
    // their own annotations say, so Argo CD must never delete it: not on a prune, not when the
    // service's Application is deleted (KEEP_IN_CLUSTER). It stays a tracked object rather than
    // CreateNamespace's untracked one so that its Pod Security labels are in Git, checked by
    // `berth check` and kept by self-heal.
    kube(this, 'namespace', k8s.KubeNamespace, {
      metadata: { name: namespace, labels: namespaceLabels(namespace, spec.name), annotations: syncOptionsAnnotation(KEEP_IN_CLUSTER) },
    }, { clusterScoped: true });
    // One identity per service, with no API token by default: an app that talks to the Kubernetes
    // API opts in per pod (serviceAccount.automountToken), so the ServiceAccount itself never
    // hands the token to a pod that did not ask. Workload identity is its annotations.
    const account = model.serviceAccount;
    kube(this, 'service-account', k8s.KubeServiceAccount, {
      metadata: { name: account.name, labels, annotations: Object.keys(account.annotations).length ? { ...account.annotations } : undefined },
      automountServiceAccountToken: false,
    });

    // Only text goes into the ConfigMap; values read from the pod are set on each container.
    const configData = plainEnv(spec.env);
    if (Object.keys(configData).length) {
      const config = new ServiceConfig(this, 'config', { name: serviceObjectName(spec.name, 'config'), labels, data: configData });
      this.context.contributions.add(config.contribution);
    }
    buildSecrets(this.context);
    buildVolumes(this.context);
    buildExtraVolumes(this.context);
    const workloads = buildWorkloads(this.context);
    buildJobs(this.context);
    buildNetwork(this.context, workloads);
    buildEdge(this.context, workloads);
    buildAlerts(this.context, props.runbookBase);
    applyObjectMetadata(this.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject), model.metadata);
  }
}

/**
 * The spec's `labels` and `annotations` on every object of the chart (metadata only: never pod
 * templates, never selectors). berth's own keys win: the schema refuses a key berth writes
 * (spec/pod-settings.ts `reservedKey`), and a key berth sets on one object only is kept here too.
 */
export function applyObjectMetadata(objects: readonly ApiObject[], metadata: ServiceModel['metadata']): void {
  if (!Object.keys(metadata.labels).length && !Object.keys(metadata.annotations).length) return;
  for (const o of objects) {
    for (const [k, v] of Object.entries(metadata.labels)) if (o.metadata.getLabel(k) === undefined) o.metadata.addLabel(k, v);
    const own = o.metadata.toJson().annotations ?? {};
    for (const [k, v] of Object.entries(metadata.annotations)) if (!(k in own)) o.metadata.addAnnotation(k, v);
  }
}
