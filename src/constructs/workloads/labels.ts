/**
 * Names and labels are API: Argo CD and kubectl find objects by them, and a Deployment's
 * selector is immutable. They come from the service and process names only, never from
 * construct paths or hashes, so refactoring the code never changes them.
 */
import { serviceObjectName } from '../../util/names';

/** The service a pod or object belongs to. */
export const NAME_LABEL = 'app.kubernetes.io/name';
/** The process: what `consumers`, `usedBy` and NetworkPolicies select on. */
export const COMPONENT_LABEL = 'app.kubernetes.io/component';
/** The service, on every object of it (the Namespace included). */
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';
/** `berth` on everything berth writes. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
/** The value of {@link MANAGED_BY_LABEL}. */
export const MANAGED_BY = 'berth';

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
  return { [NAME_LABEL]: id.service, [COMPONENT_LABEL]: id.component };
}

/** Labels on every object and pod of a process. */
export function workloadLabels(id: WorkloadIdentity): Record<string, string> {
  return { ...selectorLabels(id), [PART_OF_LABEL]: id.service, [MANAGED_BY_LABEL]: MANAGED_BY };
}

/** Labels on the service-wide objects (ConfigMap, ServiceAccount, policies). */
export function serviceLabels(service: string): Record<string, string> {
  return { [NAME_LABEL]: service, [PART_OF_LABEL]: service, [MANAGED_BY_LABEL]: MANAGED_BY };
}
