/**
 * Nightly deletion of old rows (chat history, query logs) from PostgreSQL, in small batches so
 * that no long transaction holds locks or bloats the table, in a pinned PostgreSQL client image.
 *
 * The database URL is never in the manifest: the job reads it from the secret file another
 * construct mounts (contributed through `contributions`, which also sets the `<NAME>_FILE` env
 * var). Table and column names are checked here, at synth time, and again by the script.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { objectName } from '../workloads/labels';
import { checkProcessProps, EnvVar, ResourceProps } from '../workloads/pod';
import { JOB_RESOURCES, JobPodProps, JobScheduleProps, ScheduledJob } from './scheduled-job';
import { RETENTION_PRUNE_SCRIPT } from './scripts';

/**
 * The PostgreSQL 17.11 client (psql) on Alpine, pinned by tag and by the digest of its
 * multi-platform image index. psql 17 talks to servers back to 9.2.
 */
export const POSTGRES_CLIENT_IMAGE = 'postgres:17.11-alpine@sha256:b0f9560a2de083e2cc7382e75f808c7381a32852a7ec49117deedb300e552b24';

/** A table name: a lower-case SQL identifier, optionally `schema.table`. */
const TABLE = /^[a-z_][a-z0-9_]{0,62}(\.[a-z_][a-z0-9_]{0,62})?$/;
/** A column name: a lower-case SQL identifier. */
const COLUMN = /^[a-z_][a-z0-9_]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Which tables to prune, by which column, after how many days. */
export interface RetentionPruneProps extends JobScheduleProps, JobPodProps {
  /** Tables to prune, in this order: lower-case identifiers, optionally `schema.table`. */
  readonly tables: readonly string[];
  /** The timestamp column compared with the cut-off. @default 'created_at' */
  readonly column?: string;
  /** Rows whose `column` is older than this many days are deleted. @default 90 */
  readonly days?: number;
  /** Rows deleted per transaction. @default 5000 */
  readonly batchSize?: number;
  /**
   * The env var holding the path of the file with the database URL, set by one of the
   * `contributions` (the secret-file one, e.g. `DATABASE_URL_FILE` for a secret `DATABASE_URL`).
   * @default 'DATABASE_URL_FILE'
   */
  readonly databaseUrlFileEnv?: string;
  /** @default '30 3 * * *' */
  readonly schedule?: string;
  /** @default POSTGRES_CLIENT_IMAGE */
  readonly image?: string;
  /** @default - 50m CPU, 128Mi memory */
  readonly resources?: ResourceProps;
}

/** A CronJob that deletes rows older than a number of days from PostgreSQL tables. */
export class RetentionPrune extends Construct {
  /** The CronJob name. */
  readonly name: string;
  readonly cronJob: ApiObject;

  constructor(scope: Construct, id: string, props: RetentionPruneProps) {
    super(scope, id);
    checkProcessProps(this, props, props.image === undefined ? undefined : { prop: 'image', value: props.image });
    const where = `RetentionPrune ${objectName(props.identity)}`;
    const column = props.column ?? 'created_at';
    const days = props.days ?? 90;
    const batchSize = props.batchSize ?? 5000;
    const urlFileEnv = props.databaseUrlFileEnv ?? 'DATABASE_URL_FILE';
    if (props.tables.length === 0) {
      throw new Error(`${where}: tables is empty: list at least one table to prune, such as ["chat_history"]`);
    }
    props.tables.forEach((table, i) => {
      if (!TABLE.test(table)) {
        throw new Error(`${where}: tables[${i}] "${table}" is not a plain SQL identifier: use lower-case letters, digits and "_" (at most 63), optionally schema.table, such as chat_history or public.chat_history`);
      }
    });
    if (!COLUMN.test(column)) {
      throw new Error(`${where}: column "${column}" is not a plain SQL identifier: use lower-case letters, digits and "_" (at most 63), such as created_at`);
    }
    if (!Number.isInteger(days) || days < 1) {
      throw new Error(`${where}: days must be a whole number of days of at least 1, got ${days}: set it to how long rows are kept, such as 90`);
    }
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new Error(`${where}: batchSize must be a whole number of rows of at least 1, got ${batchSize}: such as 5000`);
    }
    if (!ENV_NAME.test(urlFileEnv)) {
      throw new Error(`${where}: databaseUrlFileEnv "${urlFileEnv}" is not an env var name: use letters, digits and "_", such as DATABASE_URL_FILE`);
    }
    if (!(props.contributions ?? []).some((c) => c.env?.some((e) => e.name === urlFileEnv))) {
      throw new Error(`${where}: no contribution sets ${urlFileEnv} (databaseUrlFileEnv): pass the secret-file contribution that mounts the database URL in contributions`);
    }

    const env: EnvVar[] = [
      { name: 'PRUNE_TABLES', value: props.tables.join(' ') },
      { name: 'PRUNE_COLUMN', value: column },
      { name: 'PRUNE_DAYS', value: String(days) },
      { name: 'PRUNE_BATCH_SIZE', value: String(batchSize) },
      // Kubernetes expands $(NAME) from env defined before it: the contribution's, here.
      ...(urlFileEnv === 'DATABASE_URL_FILE' ? [] : [{ name: 'DATABASE_URL_FILE', value: `$(${urlFileEnv})` }]),
    ];

    const job = new ScheduledJob(this, 'Job', {
      ...props,
      schedule: props.schedule ?? '30 3 * * *',
      container: {
        image: props.image ?? POSTGRES_CLIENT_IMAGE,
        command: ['/bin/sh', '-c', RETENTION_PRUNE_SCRIPT],
        env,
        resources: props.resources ?? JOB_RESOURCES,
      },
    });
    this.name = job.name;
    this.cronJob = job.cronJob;
  }
}
