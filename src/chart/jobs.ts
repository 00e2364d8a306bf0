/**
 * Spec → CronJobs: tmp-file cleanup, database retention pruning and generic scheduled jobs, each
 * with the service's hardened pod defaults and the secret files, config and claims it needs.
 */
import { RetentionPrune } from '../constructs/jobs/retention-prune';
import { ScheduledJob } from '../constructs/jobs/scheduled-job';
import { TmpCleanup } from '../constructs/jobs/tmp-cleanup';
import { resolveSecretKeys } from '../constructs/secrets/secret-item';
import { SECRET_FILE_MODE } from '../constructs/secrets/secret-files';
import { PodContribution } from '../constructs/workloads/pod';
import { ServiceSpec } from '../spec/schema';
import { ServiceContext } from './context';
import { secretNameOf } from './secrets';
import { toEnvVars, toResources, workingDirOf } from './workloads';

/** The web process or worker that mounts a claim, when exactly one does (for co-location). */
function soleUserOf(spec: ServiceSpec, volume: string): string | undefined {
  const users = [...Object.entries(spec.web), ...Object.entries(spec.workers), ...Object.entries(spec.singletons)].filter(([, p]) => p.mounts.includes(volume)).map(([n]) => n);
  return users.length === 1 ? users[0] : undefined;
}

/**
 * The database URL as a file for the retention job. With `files` delivery the secret-files
 * contribution already provides `<NAME>_FILE`; with `env` or `dotenv` delivery the job gets its
 * own read-only mount of that one key, so the URL never passes through an env var.
 */
function databaseUrlFile(ctx: ServiceContext, secretName: string): PodContribution | undefined {
  const secrets = ctx.spec.secrets!;
  if (secrets.delivery === 'files') return undefined;
  const [item] = resolveSecretKeys('cron.retention', [{ name: secretName, ...secrets.items[secretName] }]);
  const dir = '/run/secrets/retention';
  return {
    volumes: [{ name: 'database-url', secret: { secretName: secretNameOf(ctx.spec.name, secrets.source), defaultMode: SECRET_FILE_MODE, items: [{ key: item.key, path: item.file }] } }],
    mounts: [{ name: 'database-url', mountPath: dir, readOnly: true }],
    env: [{ name: `${secretName}_FILE`, value: `${dir}/${item.file}` }],
  };
}

/** Adds the service's CronJobs. */
export function buildJobs(ctx: ServiceContext): void {
  const { spec, scope } = ctx;
  const base = { serviceAccountName: ctx.serviceAccountName, security: ctx.security };
  const identity = (component: string) => ({ service: spec.name, component });
  const schedule = (j: { schedule: string; timeZone: string; startingDeadlineSeconds: number; activeDeadlineSeconds: number; backoffLimit: number; restartPolicy: 'OnFailure' | 'Never'; successfulJobsHistoryLimit: number; failedJobsHistoryLimit: number }) => ({
    schedule: j.schedule,
    timeZone: j.timeZone,
    startingDeadlineSeconds: j.startingDeadlineSeconds,
    activeDeadlineSeconds: j.activeDeadlineSeconds,
    backoffLimit: j.backoffLimit,
    restartPolicy: j.restartPolicy,
    successfulJobsHistoryLimit: j.successfulJobsHistoryLimit,
    failedJobsHistoryLimit: j.failedJobsHistoryLimit,
  });

  const cleanup = spec.cron.tmpCleanup;
  if (cleanup) {
    const volume = spec.volumes[cleanup.volume];
    const sole = volume.accessMode === 'ReadWriteMany' ? undefined : soleUserOf(spec, cleanup.volume);
    new TmpCleanup(scope, 'tmp-cleanup', {
      ...base,
      ...schedule(cleanup),
      identity: identity('tmp-cleanup'),
      claimName: `${spec.name}-${cleanup.volume}`,
      mountPath: volume.mountPath,
      subPath: cleanup.subPath,
      maxAgeHours: cleanup.maxAgeHours,
      resources: toResources(cleanup.resources),
      // The app's own command runs with the app's config and secrets; the built-in script needs neither.
      app: cleanup.command ? { image: spec.image, command: cleanup.command, workingDir: workingDirOf(spec, cleanup) } : undefined,
      contributions: cleanup.command ? ctx.contributions.for('tmp-cleanup') : [],
      // A ReadWriteOnce claim attaches to one node: run where the app runs.
      colocateWith: sole ? identity(sole) : undefined,
    });
  }

  const retention = spec.cron.retention;
  if (retention) {
    const own = databaseUrlFile(ctx, retention.databaseUrlSecret);
    new RetentionPrune(scope, 'retention', {
      ...base,
      ...schedule(retention),
      identity: identity('retention'),
      tables: retention.tables,
      column: retention.column,
      days: retention.days,
      batchSize: retention.batchSize,
      databaseUrlFileEnv: `${retention.databaseUrlSecret}_FILE`,
      resources: toResources(retention.resources),
      contributions: own ? [own] : ctx.contributions.for('retention'),
    });
  }

  for (const [name, j] of Object.entries(spec.cron.jobs)) {
    new ScheduledJob(scope, `cron-${name}`, {
      ...base,
      ...schedule(j),
      identity: identity(name),
      container: { image: j.image ?? spec.image, command: j.command, workingDir: workingDirOf(spec, j), env: toEnvVars(j.env), resources: toResources(j.resources) },
      contributions: ctx.contributions.for(name),
    });
  }
}
