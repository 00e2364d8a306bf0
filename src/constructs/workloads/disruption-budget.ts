/**
 * The PodDisruptionBudget of a replicated process: a node drain evicts one pod at a time, so a
 * process with more than one replica keeps serving (or consuming) while nodes are replaced. A
 * single-replica process gets none: a budget that allows no eviction would block every drain.
 */
import { Construct } from 'constructs';
import * as k8s from '../k8s';
import { kube } from '../resource';
import { objectName, selectorLabels, workloadLabels, WorkloadIdentity } from './labels';

/**
 * Adds the budget when the process runs more than one replica at its lowest (its replica count,
 * or the autoscaler's minimum): at most one pod unavailable, and unhealthy pods always evictable
 * so a crash-looping pod never blocks a drain.
 */
export function addDisruptionBudget(scope: Construct, identity: WorkloadIdentity, minReplicas: number): void {
  if (minReplicas <= 1) return;
  kube(scope, 'Budget', k8s.KubePodDisruptionBudget, {
    metadata: { name: objectName(identity), labels: workloadLabels(identity) },
    spec: { maxUnavailable: k8s.IntOrString.fromNumber(1), selector: { matchLabels: selectorLabels(identity) }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  });
}
