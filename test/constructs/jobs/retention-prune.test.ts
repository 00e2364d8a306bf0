import { App, Chart } from 'cdk8s';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { POSTGRES_CLIENT_IMAGE, RetentionPrune, RetentionPruneProps } from '../../../src/constructs/jobs/retention-prune';
import { RETENTION_PRUNE_SCRIPT } from '../../../src/constructs/jobs/scripts';
import { PodContribution } from '../../../src/constructs/workloads/pod';

const security = { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 };

/** What the secret-files construct contributes for a `DATABASE_URL` secret delivered as a file. */
const databaseUrlFile: PodContribution = {
  volumes: [{ name: 'secrets', secret: { secretName: 'rag-secrets', defaultMode: 0o440, items: [{ key: 'DATABASE_URL', path: 'database_url' }] } }],
  mounts: [{ name: 'secrets', mountPath: '/run/secrets', readOnly: true }],
  env: [{ name: 'DATABASE_URL_FILE', value: '/run/secrets/database_url' }],
};

/** The rag seed: chat_history and query_logs older than 90 days. */
const minimal: RetentionPruneProps = {
  identity: { service: 'rag', component: 'retention' },
  serviceAccountName: 'rag',
  security,
  tables: ['chat_history', 'query_logs'],
  contributions: [databaseUrlFile],
};

const full: RetentionPruneProps = {
  ...minimal,
  tables: ['chat_history', 'audit.query_logs'],
  column: 'logged_at',
  days: 30,
  batchSize: 1000,
  schedule: '45 1 * * 0',
  timeZone: 'America/New_York',
  startingDeadlineSeconds: 3600,
  activeDeadlineSeconds: 7200,
  backoffLimit: 3,
  restartPolicy: 'Never',
  successfulJobsHistoryLimit: 2,
  failedJobsHistoryLimit: 4,
  ttlSecondsAfterFinished: 604800,
  image: 'registry.example.com/mirror/postgres:17.11-alpine',
  resources: { cpu: '100m', memory: '64Mi' },
  databaseUrlFileEnv: 'PG_URL_FILE',
  contributions: [{ ...databaseUrlFile, env: [{ name: 'PG_URL_FILE', value: '/run/secrets/database_url' }] }],
};

function synth(props: RetentionPruneProps): any[] {
  const chart = new Chart(new App(), 'test', { disableResourceNameHashes: true, namespace: 'rag' });
  new RetentionPrune(chart, 'Retention', props);
  return chart.toJson();
}

function container(props: RetentionPruneProps): any {
  return synth(props)[0].spec.jobTemplate.spec.template.spec.containers[0];
}

/** The script is tested by running it against PostgreSQL (test/integration). */
function withoutScript(objects: any[]): any[] {
  return JSON.parse(JSON.stringify(objects).split(JSON.stringify(RETENTION_PRUNE_SCRIPT)).join('"<RETENTION_PRUNE_SCRIPT>"'));
}

describe('RetentionPrune', () => {
  test('minimal props', () => {
    expect(withoutScript(synth(minimal))).toMatchSnapshot();
  });

  test('full props', () => {
    expect(withoutScript(synth(full))).toMatchSnapshot();
  });

  test('writes one valid CronJob, nightly at 03:30 UTC, never overlapping', () => {
    for (const props of [minimal, full]) {
      const objects = synth(props);
      expect(objects).toHaveLength(1);
      expect(() => new CronJob(objects[0]).validate()).not.toThrow();
      expect(objects[0].metadata.name).toBe('rag-retention');
      expect(objects[0].spec.concurrencyPolicy).toBe('Forbid');
    }
    expect(synth(minimal)[0].spec).toMatchObject({ schedule: '30 3 * * *', timeZone: 'Etc/UTC', startingDeadlineSeconds: 600 });
    expect(synth(full)[0].spec).toMatchObject({ schedule: '45 1 * * 0', timeZone: 'America/New_York', startingDeadlineSeconds: 3600 });
  });

  test('runs the script in the pinned PostgreSQL client image', () => {
    const c = container(minimal);
    expect(POSTGRES_CLIENT_IMAGE).toMatch(/^postgres:17\.11-alpine@sha256:[a-f0-9]{64}$/);
    expect(c.image).toBe(POSTGRES_CLIENT_IMAGE);
    // `command` replaces the image's docker-entrypoint.sh, which would start a server.
    expect(c.command).toEqual(['/bin/sh', '-c', RETENTION_PRUNE_SCRIPT]);
    expect(c.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '128Mi' } });
    expect(container(full).image).toBe('registry.example.com/mirror/postgres:17.11-alpine');
  });

  test('passes tables, column, days and batch size as env, defaults 90 days by created_at', () => {
    expect(container(minimal).env).toEqual([
      { name: 'DATABASE_URL_FILE', value: '/run/secrets/database_url' },
      { name: 'PRUNE_TABLES', value: 'chat_history query_logs' },
      { name: 'PRUNE_COLUMN', value: 'created_at' },
      { name: 'PRUNE_DAYS', value: '90' },
      { name: 'PRUNE_BATCH_SIZE', value: '5000' },
    ]);
  });

  test('reads the URL from the mounted secret file, never from the manifest', () => {
    const objects = synth(minimal);
    const p = objects[0].spec.jobTemplate.spec.template;
    expect(p.spec.volumes).toContainEqual({ name: 'secrets', secret: { secretName: 'rag-secrets', defaultMode: 0o440, items: [{ key: 'DATABASE_URL', path: 'database_url' }] } });
    // A whole-directory secret mount (no subPath) is refreshed in place when the secret rotates.
    expect(p.spec.containers[0].volumeMounts).toContainEqual({ name: 'secrets', mountPath: '/run/secrets', readOnly: true });
    expect(p.spec.containers[0].volumeMounts.every((m: { subPath?: string }) => m.subPath === undefined)).toBe(true);
    expect(JSON.stringify(withoutScript(objects))).not.toMatch(/postgres(ql)?(\+\w+)?:\/\//);
    expect(p.spec.containers[0].env.map((e: { name: string }) => e.name)).not.toContain('PGPASSWORD');
  });

  test('points DATABASE_URL_FILE at another env var when the secret has another name', () => {
    const env = container(full).env;
    expect(env).toEqual([
      { name: 'PG_URL_FILE', value: '/run/secrets/database_url' },
      { name: 'PRUNE_TABLES', value: 'chat_history audit.query_logs' },
      { name: 'PRUNE_COLUMN', value: 'logged_at' },
      { name: 'PRUNE_DAYS', value: '30' },
      { name: 'PRUNE_BATCH_SIZE', value: '1000' },
      { name: 'DATABASE_URL_FILE', value: '$(PG_URL_FILE)' },
    ]);
  });

  test('runs hardened, as the service user', () => {
    const p = synth(minimal)[0].spec.jobTemplate.spec.template;
    expect(p.spec.automountServiceAccountToken).toBe(false);
    expect(p.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
    expect(p.spec.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true });
  });

  test('fails when a table name is not a safe identifier', () => {
    expect(() => synth({ ...minimal, tables: ['chat_history', 'query_logs; DROP TABLE users'] })).toThrow(
      'RetentionPrune rag-retention: tables[1] "query_logs; DROP TABLE users" is not a plain SQL identifier: use lower-case letters, digits and "_" (at most 63), optionally schema.table, such as chat_history or public.chat_history',
    );
    for (const table of ['Chat_History', '"chat_history"', '1logs', 'a.b.c', 'logs--', '']) {
      expect(() => synth({ ...minimal, tables: [table] })).toThrow(`tables[0] "${table}" is not a plain SQL identifier`);
    }
  });

  test('fails when the column is not a safe identifier', () => {
    expect(() => synth({ ...minimal, column: 'created_at OR 1=1' })).toThrow(
      'RetentionPrune rag-retention: column "created_at OR 1=1" is not a plain SQL identifier: use lower-case letters, digits and "_" (at most 63), such as created_at',
    );
  });

  test('fails when there is no table', () => {
    expect(() => synth({ ...minimal, tables: [] })).toThrow('RetentionPrune rag-retention: tables is empty: list at least one table to prune, such as ["chat_history"]');
  });

  test('fails when days is not positive', () => {
    expect(() => synth({ ...minimal, days: 0 })).toThrow(
      'RetentionPrune rag-retention: days must be a whole number of days of at least 1, got 0: set it to how long rows are kept, such as 90',
    );
    expect(() => synth({ ...minimal, days: -7 })).toThrow('days must be a whole number of days of at least 1, got -7');
    expect(() => synth({ ...minimal, days: 0.5 })).toThrow('days must be a whole number of days of at least 1, got 0.5');
  });

  test('fails when batchSize is not positive', () => {
    expect(() => synth({ ...minimal, batchSize: 0 })).toThrow('RetentionPrune rag-retention: batchSize must be a whole number of rows of at least 1, got 0: such as 5000');
  });

  test('fails when no contribution provides the database URL file', () => {
    expect(() => synth({ ...minimal, contributions: [] })).toThrow(
      'RetentionPrune rag-retention: no contribution sets DATABASE_URL_FILE (databaseUrlFileEnv): pass the secret-file contribution that mounts the database URL in contributions',
    );
  });

  test('fails when databaseUrlFileEnv is not an env var name', () => {
    expect(() => synth({ ...minimal, databaseUrlFileEnv: 'DATABASE-URL' })).toThrow(
      'RetentionPrune rag-retention: databaseUrlFileEnv "DATABASE-URL" is not an env var name: use letters, digits and "_", such as DATABASE_URL_FILE',
    );
  });
});
