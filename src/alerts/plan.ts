/**
 * The alerts of one service in one environment, from its spec: one rule per object berth created
 * (each CronJob, Job, Deployment, claim and autoscaler), on kube-state-metrics and kubelet series,
 * with the thresholds of `alerts:` and the severities of the environment. Pure: the chart writes
 * the plan as a PrometheusRule, `berth alerts` prints it as a table, the promtool tests build
 * their series from it.
 */
import type { ServiceModel } from '../model/service-model';
import { Environment, ProjectConfig, ServiceSpec } from '../spec/schema';
import { COMPONENT_LABEL } from '../constructs/workloads/labels';
import { applicationName } from '../util/names';
import { longestGapSeconds } from './cron-gap';
import { ALERT_NAMES, alertAnchor, AlertName, severityIn, Severity } from './kinds';
import { regexLiteral, seriesSelector } from './promql';

/** The Kubernetes kinds an alert watches. */
export type WatchedKind = 'CronJob' | 'Job' | 'Deployment' | 'PersistentVolumeClaim' | 'HorizontalPodAutoscaler' | 'Service';

/** One alerting rule, and what it was built from. */
export interface PlannedAlert {
  readonly alert: AlertName;
  /** The object watched. */
  readonly kind: WatchedKind;
  readonly name: string;
  /** The namespace of the object (and of every series the rule selects). */
  readonly namespace: string;
  /**
   * The object as a label of the alert, named as kube-state-metrics names it (`cronjob`,
   * `deployment` …): it tells the rules of one alert apart and routes in Alertmanager.
   */
  readonly objectLabel: Readonly<Record<string, string>>;
  readonly expr: string;
  /** How long the condition must hold before the alert fires. @default - at once */
  readonly for?: string;
  readonly severity: Severity;
  /** When it fires, in words, for the `berth alerts` table. */
  readonly threshold: string;
  readonly summary: string;
  readonly description: string;
  readonly runbookUrl?: string;
  /**
   * The numbers the rule is built from, in the units of their names (a CronJob's
   * `thresholdSeconds`, a claim's `usedRatio` …): what the promtool tests build their series from.
   */
  readonly params: Readonly<Record<string, string | number>>;
}

/** An alert the spec silenced. */
export interface SilencedAlert {
  readonly alert: AlertName;
  readonly reason: string;
}

/** Every alert of a service in an environment. */
export interface AlertPlan {
  /** False when `alerts.enabled` is off: no PrometheusRule is written. */
  readonly enabled: boolean;
  /** The rules, grouped by alert in the order of ALERT_NAMES, objects by name. */
  readonly rules: readonly PlannedAlert[];
  readonly silenced: readonly SilencedAlert[];
  /** Labels on the PrometheusRule: what the Prometheus ruleSelector matches. */
  readonly ruleLabels: Readonly<Record<string, string>>;
}

/** What the plan needs besides the spec. */
export interface AlertContext {
  readonly spec: ServiceSpec;
  readonly env: Environment;
  readonly envName: string;
  /** The service resolved in the environment: its namespace, processes and claims by their object names. */
  readonly model: ServiceModel;
  /** docs/alerts.md as a URL, from berth.yaml's repository. @default - none: only a spec's own runbookUrl */
  readonly runbookBase?: string;
}

/**
 * docs/alerts.md in the repository berth.yaml names, at its target revision, as a web page
 * (`https://host/org/repo/blob/main/docs/alerts.md`: GitHub, Gitea and Forgejo, and GitLab
 * redirects it). An ssh or scp-style URL is turned into the https one of the same host.
 */
export function runbookBase(config: Pick<ProjectConfig, 'repoURL' | 'targetRevision'>): string {
  const scp = /^git@([^:]+):(.+)$/.exec(config.repoURL);
  const ssh = /^ssh:\/\/(?:[^@/]+@)?([^/:]+)(?::[0-9]+)?\/(.+)$/.exec(config.repoURL);
  const web = scp ? `https://${scp[1]}/${scp[2]}` : ssh ? `https://${ssh[1]}/${ssh[2]}` : config.repoURL;
  return `${web.replace(/\.git$/, '').replace(/\/+$/, '')}/blob/${encodeURIComponent(config.targetRevision)}/docs/alerts.md`;
}

/** `1d2h30m`: a duration for people and for rule `for:` fields. */
function formatDuration(seconds: number): string {
  const parts: string[] = [];
  let rest = Math.round(seconds);
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    const n = Math.floor(rest / size);
    if (n) parts.push(`${n}${unit}`);
    rest -= n * size;
  }
  return parts.join('') || '0s';
}

/** Orders processes and volumes by name, as their rules are listed. */
const byName = (a: { readonly name: string }, b: { readonly name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** The plan for one service in one environment. */
export function alertPlan(ctx: AlertContext): AlertPlan {
  const { spec, env, envName, model } = ctx;
  const { namespace } = model;
  const a = spec.alerts;
  const silenced = ALERT_NAMES.flatMap((alert) => (a.silence[alert] !== undefined ? [{ alert, reason: a.silence[alert]! }] : []));
  const ruleLabels = { ...(env.ruleLabels ?? env.serviceMonitorLabels) };
  if (!a.enabled) return { enabled: false, rules: [], silenced, ruleLabels };

  const where = `${spec.name} in ${envName}`;
  const ns = { namespace };
  const rules: PlannedAlert[] = [];
  const objectLabels: Readonly<Record<WatchedKind, string>> = {
    CronJob: 'cronjob', Job: 'job_name', Deployment: 'deployment', PersistentVolumeClaim: 'persistentvolumeclaim', HorizontalPodAutoscaler: 'horizontalpodautoscaler', Service: 'service',
  };
  const add = (alert: AlertName, r: Omit<PlannedAlert, 'alert' | 'severity' | 'runbookUrl' | 'namespace' | 'objectLabel'>, severity?: Severity) => {
    for (const text of [r.summary, r.description]) {
      // Annotations are Go templates: text from a spec must never open one.
      if (text.includes('{{')) throw new Error(`alert ${alert} of ${r.name}: its text contains "{{", which Prometheus would read as a template`);
    }
    rules.push({ alert, ...r, namespace, objectLabel: { [objectLabels[r.kind]]: r.name }, severity: severityIn(alert, env.production, severity), runbookUrl: a.runbookUrl ?? (ctx.runbookBase ? `${ctx.runbookBase}#${alertAnchor(alert)}` : undefined) });
  };

  // CronJobs: late, and failed runs.
  const crons = model.processes.filter((p) => p.schedule).map((p) => [p.objectName, p.field, p.schedule!, p.name] as const);
  const gaps = new Map(crons.map(([name, path, j]) => {
    try {
      return [name, longestGapSeconds(j.schedule, j.timeZone)];
    } catch (e) {
      throw new Error(`${path}.schedule: ${(e as Error).message}; change the schedule, or silence BerthCronJobNotSucceeded and BerthJobFailed in alerts.silence`);
    }
  }));
  for (const [name, , j, component] of crons) {
    const gap = gaps.get(name)!;
    const threshold = gap + j.startingDeadlineSeconds + j.activeDeadlineSeconds;
    const sel = { ...ns, cronjob: name };
    const lastSuccess = seriesSelector('kube_cronjob_status_last_successful_time', sel);
    add('BerthCronJobNotSucceeded', {
      kind: 'CronJob',
      name,
      // A CronJob that never succeeded has no last-success series: then its age counts.
      expr: `time() - ${lastSuccess} > ${threshold}\nor\ntime() - ${seriesSelector('kube_cronjob_created', sel)} > ${threshold}\n  unless on (namespace, cronjob) ${lastSuccess}`,
      threshold: `no success for ${formatDuration(threshold)}`,
      summary: `CronJob ${name} (${where}) has not succeeded for more than ${formatDuration(threshold)}`,
      description:
        `CronJob ${name} of service ${spec.name} in ${envName} (namespace ${namespace}) runs "${j.schedule}" (${j.timeZone}): at most ${formatDuration(gap)} between runs, ` +
        `plus ${formatDuration(j.startingDeadlineSeconds)} to start and ${formatDuration(j.activeDeadlineSeconds)} to finish. ` +
        `It has not succeeded for longer than that, or never has since it was created that long ago. ` +
        `Look at its last Jobs: kubectl -n ${namespace} get jobs,pods -l ${COMPONENT_LABEL}=${component}`,
      params: { cronjob: name, thresholdSeconds: threshold, intervalSeconds: gap, schedule: j.schedule, timeZone: j.timeZone },
    });
  }

  const migration = model.processes.find((p) => p.kind === 'migration');
  if (migration) {
    const name = migration.objectName;
    add(
      'BerthJobFailed',
      {
        kind: 'Job',
        name,
        expr: `${seriesSelector('kube_job_failed', { ...ns, job_name: name, condition: 'true' })} > 0`,
        threshold: 'failed (until the next sync replaces it)',
        summary: `Migration Job ${name} (${where}) failed`,
        description:
          `The database migration of ${spec.name} in ${envName} (namespace ${namespace}) failed. It runs as an Argo CD Sync hook before the new pods, ` +
          `so the sync of Application ${applicationName(spec.name, envName)} stopped there: the previous version keeps running and nothing newer rolls out. ` +
          `Read its logs (kubectl -n ${namespace} logs job/${name}), fix the migration or the database, then sync again; the next sync replaces the Job.`,
        params: { jobName: name },
      },
      // A failed migration blocks every rollout of the service.
      'critical',
    );
  }
  for (const [name] of crons) {
    const gap = gaps.get(name)!;
    const job = { ...ns, job_name: { matches: `${regexLiteral(name)}-[0-9]+` } };
    add('BerthJobFailed', {
      kind: 'CronJob',
      name,
      // Failed Jobs stay in the history (failedJobsHistoryLimit): only a run started within
      // the last schedule interval is news.
      expr: `${seriesSelector('kube_job_failed', { ...job, condition: 'true' })} > 0\nand on (namespace, job_name)\ntime() - ${seriesSelector('kube_job_created', job)} < ${gap}`,
      threshold: `a run failed in the last ${formatDuration(gap)}`,
      summary: `A run of CronJob ${name} (${where}) failed`,
      description:
        `A Job of CronJob ${name} of service ${spec.name} in ${envName} (namespace ${namespace}) failed: its retries or its deadline ran out. ` +
        `The next scheduled run may succeed; BerthCronJobNotSucceeded fires when none has for too long. ` +
        `Read its logs: kubectl -n ${namespace} logs job/<the job_name label>`,
      params: { cronjob: name, windowSeconds: gap },
    });
  }

  // Deployments: every web process, worker and singleton.
  const deployments = model.processes.filter((p) => p.longRunning).sort(byName);
  for (const { objectName: name, name: component } of deployments) {
    add('BerthDeploymentUnavailable', {
      kind: 'Deployment',
      name,
      expr: `${seriesSelector('kube_deployment_status_replicas_unavailable', { ...ns, deployment: name })} > 0`,
      for: `${a.deploymentUnavailableMinutes}m`,
      threshold: `unavailable replicas for ${a.deploymentUnavailableMinutes}m`,
      summary: `Deployment ${name} (${where}) has had unavailable replicas for ${a.deploymentUnavailableMinutes} minutes`,
      description:
        `Deployment ${name} of service ${spec.name} in ${envName} (namespace ${namespace}) has had pods that are not ready for ${a.deploymentUnavailableMinutes} minutes: ` +
        `a rollout that does not finish, pods that cannot be scheduled, or failing readiness probes. ` +
        `kubectl -n ${namespace} describe deployment ${name}; kubectl -n ${namespace} get pods -l ${COMPONENT_LABEL}=${component}`,
      params: { deployment: name, forMinutes: a.deploymentUnavailableMinutes },
    });
  }
  for (const { objectName: name } of deployments) {
    add('BerthPodRestarting', {
      kind: 'Deployment',
      name,
      // A Deployment's pods are <deployment>-<replicaset hash>-<pod suffix>.
      expr: `increase(${seriesSelector('kube_pod_container_status_restarts_total', { ...ns, pod: { matches: `${regexLiteral(name)}-[a-z0-9]+-[a-z0-9]+` } })}[1h]) > ${a.podRestartsPerHour}`,
      threshold: `more than ${a.podRestartsPerHour} restarts of a container in 1h`,
      summary: `A pod of Deployment ${name} (${where}) restarts repeatedly`,
      description:
        `A container of Deployment ${name} of service ${spec.name} in ${envName} (namespace ${namespace}) restarted more than ${a.podRestartsPerHour} times in an hour: ` +
        `it crashes, runs out of memory (OOMKilled), or fails its liveness probe. ` +
        `kubectl -n ${namespace} describe pod <the pod label>; kubectl -n ${namespace} logs --previous <the pod label>`,
      params: { deployment: name, restartsPerHour: a.podRestartsPerHour },
    });
  }

  // Claims, with the cleanup job that keeps one from filling.
  const cleanupJob = model.processes.find((p) => p.cron === 'tmp-cleanup');
  for (const { name: volume, claimName: name } of [...model.volumes].sort(byName)) {
    const cleanup = spec.cron.tmpCleanup?.volume === volume ? spec.cron.tmpCleanup : undefined;
    const sel = { ...ns, persistentvolumeclaim: name };
    const ratio = a.volumeUsedPercent / 100;
    add('BerthVolumeFilling', {
      kind: 'PersistentVolumeClaim',
      name,
      expr: `${seriesSelector('kubelet_volume_stats_used_bytes', sel)}\n/ ${seriesSelector('kubelet_volume_stats_capacity_bytes', sel)}\n> ${ratio}`,
      for: '5m',
      threshold: `over ${a.volumeUsedPercent}% full`,
      summary: `Volume ${name} (${where}) is over ${a.volumeUsedPercent}% full`,
      description:
        `PersistentVolumeClaim ${name} (volume ${volume} of service ${spec.name}) in ${envName} (namespace ${namespace}) is more than ${a.volumeUsedPercent}% full. ` +
        (cleanup
          ? `CronJob ${cleanupJob!.objectName} deletes files older than ${cleanup.maxAgeHours}h from it: check that it runs (BerthCronJobNotSucceeded), lower cron.tmpCleanup.maxAgeHours, or grow volumes.${volume}.size.`
          : `Delete what is no longer needed, or grow volumes.${volume}.size (if the StorageClass allows expansion).`),
      params: { claim: name, usedRatio: ratio, ...(cleanup ? { cleanupCronJob: cleanupJob!.objectName } : {}) },
    });
  }

  // Autoscalers.
  // Web processes by name, each with its spec section (autoscaling and metrics are web settings).
  const web = model.processes.filter((p) => p.kind === 'web').sort(byName).map((p) => ({ p: p.name, name: p.objectName, w: spec.web[p.name] }));
  for (const { p, name, w } of web) {
    if (!w.autoscaling) continue;
    const sel = { ...ns, horizontalpodautoscaler: name };
    add('BerthAutoscalerMaxedOut', {
      kind: 'HorizontalPodAutoscaler',
      name,
      expr: `${seriesSelector('kube_horizontalpodautoscaler_status_current_replicas', sel)}\n>= on (namespace, horizontalpodautoscaler)\n${seriesSelector('kube_horizontalpodautoscaler_spec_max_replicas', sel)}`,
      for: `${a.autoscalerMaxedMinutes}m`,
      threshold: `at ${w.autoscaling.maxReplicas} replicas (its maximum) for ${a.autoscalerMaxedMinutes}m`,
      summary: `Autoscaler ${name} (${where}) has been at its maximum of ${w.autoscaling.maxReplicas} replicas for ${a.autoscalerMaxedMinutes} minutes`,
      description:
        `HorizontalPodAutoscaler ${name} of service ${spec.name} in ${envName} (namespace ${namespace}) has run ${w.autoscaling.maxReplicas} replicas, its maximum, for ${a.autoscalerMaxedMinutes} minutes: ` +
        `the load needs more. Raise web.${p}.autoscaling.maxReplicas (and check the cluster has room), or find what drives the load.`,
      params: { autoscaler: name, maxReplicas: w.autoscaling.maxReplicas, forMinutes: a.autoscalerMaxedMinutes },
    });
  }

  // HTTP: web processes whose metrics carry the standard request histogram.
  const http = a.http;
  // 0.95 → "95th", 0.999 → "99.9th" (without 0.57 * 100's 56.99999999999999).
  const percentile = http ? `${Math.round(http.latencyQuantile * 1000) / 10}th percentile` : '';
  for (const { p, name, w } of web) {
    if (!http || !w.metrics) continue;
    // The ServiceMonitor's targets carry the Service's namespace and name.
    const sel = { ...ns, service: name };
    const rate = (metric: string, extra: Record<string, string | { matches: string }> = {}) => `rate(${seriesSelector(metric, { ...sel, ...extra })}[5m])`;
    const ratio = http.errorPercent / 100;
    add('BerthHttpErrors', {
      kind: 'Service',
      name,
      expr:
        `sum by (namespace, service) (${rate(`${http.histogram}_count`, { [http.statusLabel]: { matches: '5..' } })})\n` +
        `/ sum by (namespace, service) (${rate(`${http.histogram}_count`)})\n> ${ratio}`,
      for: '5m',
      threshold: `over ${http.errorPercent}% of requests 5xx for 5m`,
      summary: `Service ${name} (${where}) answers more than ${http.errorPercent}% of requests with 5xx`,
      description:
        `More than ${http.errorPercent}% of the HTTP requests to ${name} of service ${spec.name} in ${envName} (namespace ${namespace}) failed with a 5xx status over 5 minutes. ` +
        `Look at its logs and at what it depends on (database, cache, external APIs): kubectl -n ${namespace} logs -l ${COMPONENT_LABEL}=${p} --since=15m`,
      params: { service: name, histogram: http.histogram, statusLabel: http.statusLabel, errorRatio: ratio },
    });
    add('BerthHttpLatency', {
      kind: 'Service',
      name,
      expr: `histogram_quantile(${http.latencyQuantile}, sum by (namespace, service, le) (${rate(`${http.histogram}_bucket`)}))\n> ${http.latencySeconds}`,
      for: '10m',
      threshold: `${percentile} over ${http.latencySeconds}s for 10m`,
      summary: `Service ${name} (${where}) is slow: ${percentile} above ${http.latencySeconds}s`,
      description:
        `Over 10 minutes, ${Math.round((1 - http.latencyQuantile) * 1000) / 10}% or more of the HTTP requests to ${name} of service ${spec.name} in ${envName} (namespace ${namespace}) took longer than ${http.latencySeconds}s. ` +
        `Check saturation (CPU throttling, workers busy, autoscaler at its maximum) and slow dependencies.`,
      params: { service: name, histogram: http.histogram, quantile: http.latencyQuantile, latencySeconds: http.latencySeconds },
    });
  }

  const off = new Set(silenced.map((s) => s.alert));
  const rank = (r: PlannedAlert) => ALERT_NAMES.indexOf(r.alert);
  // Array.prototype.sort is stable: objects keep their order within an alert.
  return { enabled: true, rules: rules.filter((r) => !off.has(r.alert)).sort((x, y) => rank(x) - rank(y)), silenced, ruleLabels };
}
