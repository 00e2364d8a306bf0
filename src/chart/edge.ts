/**
 * Spec → the public entrance: Ingress/HTTPRoute with TLS for the environment's controller
 * profile, internal paths blocked at the edge, and the ServiceMonitor.
 */
import { ServiceContext } from './context';
import { BuiltWorkloads } from './workloads';

/** Adds the service's edge and monitoring objects. */
export function buildEdge(ctx: ServiceContext, workloads: BuiltWorkloads): void {
  void ctx;
  void workloads;
  // Implemented in the edge work (issue 7).
}
