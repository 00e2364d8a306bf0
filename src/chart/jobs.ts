/**
 * Spec → CronJobs: tmp-file cleanup, database retention pruning and generic scheduled jobs.
 */
import { ServiceContext } from './context';

/** Adds the service's CronJobs. */
export function buildJobs(ctx: ServiceContext): void {
  void ctx;
  // Implemented in the CronJob work (issue 5).
}
