/**
 * Spec → NetworkPolicies: default deny, then exactly the paths traffic may take.
 */
import { ServiceContext } from './context';
import { BuiltWorkloads } from './workloads';

/** Adds the service's NetworkPolicies. */
export function buildNetwork(ctx: ServiceContext, workloads: BuiltWorkloads): void {
  void ctx;
  void workloads;
  // Implemented in the network work (issue 6).
}
