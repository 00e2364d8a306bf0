/**
 * The processes and jobs of a service, by the names their pods carry as
 * `app.kubernetes.io/component` and that `consumers` and `usedBy` list.
 */
import { ServiceSpec } from './schema';

/** Names of every workload and job, as they appear in object names and `consumers`. */
export function processNames(spec: ServiceSpec): { web: string[]; workers: string[]; singletons: string[]; jobs: string[] } {
  const jobs: string[] = [];
  if (spec.migration) jobs.push('migrate');
  if (spec.cron.tmpCleanup) jobs.push('tmp-cleanup');
  if (spec.cron.retention) jobs.push('retention');
  jobs.push(...Object.keys(spec.cron.jobs));
  return { web: Object.keys(spec.web), workers: Object.keys(spec.workers), singletons: Object.keys(spec.singletons), jobs };
}

/** Every process and job of the service, by the name its pods carry as `app.kubernetes.io/component`. */
export function allProcesses(spec: ServiceSpec): string[] {
  const n = processNames(spec);
  return [...n.web, ...n.workers, ...n.singletons, ...n.jobs];
}
