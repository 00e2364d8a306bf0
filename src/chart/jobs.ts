/**
 * Spec → CronJobs: tmp-file cleanup, database retention pruning and generic scheduled jobs, each
 * with the service's hardened pod defaults and the secret files, config and claims it needs.
 */
import { RetentionPrune } from '../constructs/jobs/retention-prune';
import { ScheduledJob } from '../constructs/jobs/scheduled-job';
import { TmpCleanup } from '../constructs/jobs/tmp-cleanup';
import { SECRET_FILE_MODE } from '../constructs/secrets/secret-files';
import { PodContribution } from '../constructs/workloads/pod';
import { CronKind, podMounts, ProcessModel, SecretsModel } from '../model/service-model';
import type { BERTH_VOLUMES } from '../util/pod-volumes';
import { ServiceContext } from './context';
import { extraContainersOf } from './extra-containers';
import { podSettingsProps } from './pod-settings';
import { processContainer, toResources } from './workloads';

/** The long-running process that mounts a claim, when exactly one does (for co-location). */
function soleUserOf(ctx: ServiceContext, volume: string): ProcessModel | undefined {
  const users = ctx.model.processes.filter((p) => p.longRunning && podMounts(p).includes(volume));
  return users.length === 1 ? users[0] : undefined;
}

/** The pod volume of the retention job's own copy of the database URL. */
const RETENTION_URL_VOLUME: keyof typeof BERTH_VOLUMES = 'database-url';

/** Where the retention job's own copy of the database URL is mounted. */
const RETENTION_SECRET_DIR = '/run/secrets/retention';

/**
 * The database URL as a file for the retention job. With `files` delivery the secret-files
 * contribution already provides `<NAME>_FILE`; with `env` or `dotenv` delivery the job gets its
 * own read-only mount of that one key, so the URL never passes through an env var.
 */
function databaseUrlFile(secrets: SecretsModel, secretName: string): PodContribution | undefined {
  if (secrets.delivery === 'files') return undefined;
  const item = secrets.items.find((i) => i.name === secretName)!;
  return {
    volumes: [{ name: RETENTION_URL_VOLUME, secret: { secretName: secrets.secretName, defaultMode: SECRET_FILE_MODE, items: [{ key: item.key, path: item.file }] } }],
    mounts: [{ name: RETENTION_URL_VOLUME, mountPath: RETENTION_SECRET_DIR, readOnly: true }],
    env: [{ name: `${secretName}_FILE`, value: `${RETENTION_SECRET_DIR}/${item.file}` }],
  };
}

/** Adds the service's CronJobs: one construct per kind of CronJob. */
export function buildJobs(ctx: ServiceContext): void {
  const { spec, scope, model } = ctx;
  const base = { serviceAccountName: ctx.serviceAccountName, security: ctx.security };
  const identity = (component: string) => ({ service: model.service, component });

  const build: Record<CronKind, (p: ProcessModel) => void> = {
    'tmp-cleanup': (p) => {
      const cleanup = spec.cron.tmpCleanup!;
      const volume = model.volumes.find((v) => v.name === cleanup.volume)!;
      const sole = volume.accessMode === 'ReadWriteMany' ? undefined : soleUserOf(ctx, cleanup.volume);
      new TmpCleanup(scope, 'tmp-cleanup', {
        ...base,
        ...p.schedule!,
        identity: identity(p.name),
        settings: podSettingsProps(model, p),
        claimName: volume.claimName,
        mountPath: volume.mountPath,
        subPath: cleanup.subPath,
        maxAgeHours: cleanup.maxAgeHours,
        resources: toResources(cleanup.resources),
        // The app's own command runs with the app's config and secrets; the built-in script needs neither.
        app: p.command ? { image: p.image!, command: [...p.command], workingDir: p.workingDir } : undefined,
        contributions: p.command ? ctx.contributions.for(p.name) : [],
        extraContainers: extraContainersOf(ctx, p),
        // A ReadWriteOnce claim attaches to one node: run where the app runs.
        colocateWith: sole ? identity(sole.name) : undefined,
      });
    },
    retention: (p) => {
      const retention = spec.cron.retention!;
      const own = databaseUrlFile(model.secrets!, retention.databaseUrlSecret);
      new RetentionPrune(scope, 'retention', {
        ...base,
        ...p.schedule!,
        identity: identity(p.name),
        settings: podSettingsProps(model, p),
        tables: retention.tables,
        column: retention.column,
        days: retention.days,
        batchSize: retention.batchSize,
        databaseUrlFileEnv: `${retention.databaseUrlSecret}_FILE`,
        resources: toResources(retention.resources),
        contributions: own ? [own] : ctx.contributions.for(p.name),
      });
    },
    generic: (p) => {
      new ScheduledJob(scope, `cron-${p.name}`, {
        ...base,
        ...p.schedule!,
        identity: identity(p.name),
        settings: podSettingsProps(model, p),
        container: processContainer(p, []),
        contributions: ctx.contributions.for(p.name),
        extraContainers: extraContainersOf(ctx, p),
      });
    },
  };
  for (const p of model.processes) if (p.cron) build[p.cron](p);
}
