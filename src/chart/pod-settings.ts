/**
 * Model → the pod-settings props of a process's pods (issue 21): its merged pull secrets,
 * metadata and scheduling, and the service account's token settings. No defaults of its own.
 */
import { EnvVar } from '../constructs/workloads/pod';
import { PodSettingsProps } from '../constructs/workloads/pod-settings';
import { ProcessModel, ServiceModel } from '../model/service-model';

/** The pod settings of one process's pods. */
export function podSettingsProps(model: ServiceModel, p: ProcessModel): PodSettingsProps {
  const { pod } = p;
  const account = model.serviceAccount;
  return {
    imagePullSecrets: pod.imagePullSecrets,
    annotations: pod.annotations,
    labels: pod.labels,
    nodeSelector: pod.nodeSelector,
    tolerations: pod.tolerations,
    affinity: pod.affinity,
    priorityClassName: pod.priorityClassName,
    topologySpreadConstraints: pod.topologySpreadConstraints,
    automountServiceAccountToken: account.automountToken,
    automountReason: account.reason,
    serviceAccountToken: account.token,
  };
}

/** The env vars a process reads from its pod, set on its container (a ConfigMap holds only text). */
export function podEnvVars(p: ProcessModel): EnvVar[] {
  return p.pod.fieldEnv.map((e): EnvVar =>
    'fieldRef' in e ? { name: e.name, fieldRef: { fieldPath: e.fieldRef } } : { name: e.name, resourceFieldRef: { resource: e.resourceFieldRef.resource, divisor: e.resourceFieldRef.divisor } },
  );
}
