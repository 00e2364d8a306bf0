/**
 * Names and labels are API: Argo CD and kubectl find objects by them, and a Deployment's
 * selector is immutable. They come from the service and process names only, never from
 * construct paths or hashes, so refactoring the code never changes them.
 */
import { serviceObjectName } from '../../util/names';

/** The identity of one process of one service. */
export interface WorkloadIdentity {
  /** The service, e.g. `rag`. */
  readonly service: string;
  /** The process, e.g. `backend`, `worker`, `migrate`. */
  readonly component: string;
}

/** `<service>-<component>`: the name of the Deployment, Service, Job or CronJob. */
export function objectName(id: WorkloadIdentity): string {
  return serviceObjectName(id.service, id.component);
}

/** The immutable selector: the service and the process, nothing that may change later. */
export function selectorLabels(id: WorkloadIdentity): Record<string, string> {
  return { 'app.kubernetes.io/name': id.service, 'app.kubernetes.io/component': id.component };
}

/** Labels on every object and pod of a process. */
export function workloadLabels(id: WorkloadIdentity): Record<string, string> {
  return { ...selectorLabels(id), 'app.kubernetes.io/part-of': id.service, 'app.kubernetes.io/managed-by': 'berth' };
}

/** Labels on the service-wide objects (ConfigMap, ServiceAccount, policies). */
export function serviceLabels(service: string): Record<string, string> {
  return { 'app.kubernetes.io/name': service, 'app.kubernetes.io/part-of': service, 'app.kubernetes.io/managed-by': 'berth' };
}
