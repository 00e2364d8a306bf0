/**
 * Runs the retention-prune script, the exact text the CronJob runs, against a real PostgreSQL
 * server started here (Debian's `postgresql` package: `.ci/postgres.sh` installs it), with the
 * host's psql, under the host's sh (dash) and under BusyBox's sh (the Alpine image's shell) when
 * BusyBox is installed.
 */
import { spawn, spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { RETENTION_PRUNE_SCRIPT } from '../../src/constructs/jobs/scripts';

/** The newest `/usr/lib/postgresql/<major>/bin` holding initdb. */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = fs.existsSync(root) ? fs.readdirSync(root).filter((v) => fs.existsSync(path.join(root, v, 'bin', 'initdb'))) : [];
  if (majors.length === 0) throw new Error('PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: run `sh .ci/postgres.sh` first');
  majors.sort((a, b) => Number(b) - Number(a));
  return path.join(root, majors[0], 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function check(r: ReturnType<typeof spawnSync>, what: string): string {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}): ${r.stdout}${r.stderr}`);
  return String(r.stdout);
}

const bin = postgresBin();
const asRoot = process.getuid?.() === 0;
/** initdb and postgres refuse to run as root: run them as the package's `postgres` user. */
const asServer = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);

let base: string;
let data: string;
let port: number;
/** A directory for the URL files, readable by the user running the script only. */
let secrets: string;

function server(cmd: string, args: string[], opts: SpawnSyncOptions = {}): string {
  const [c, a] = asServer(path.join(bin, cmd), args);
  return check(spawnSync(c, a, { encoding: 'utf8', ...opts }), `${cmd} ${args.join(' ')}`);
}

/** SQL as the superuser, over the Unix socket in the test's directory (trust auth). */
function sql(statements: string, database = 'rag'): string {
  return check(
    spawnSync(path.join(bin, 'psql'), ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', base, '-p', String(port), '-U', 'postgres', '-d', database], {
      input: statements,
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin' },
    }),
    'psql',
  ).trim();
}

beforeAll(async () => {
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-pg-'));
  secrets = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-pg-secrets-'));
  data = path.join(base, 'data');
  if (asRoot) {
    const uid = Number(check(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }), 'id -u postgres'));
    const gid = Number(check(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }), 'id -g postgres'));
    fs.chownSync(base, uid, gid);
  }
  port = await freePort();
  server('initdb', ['-D', data, '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--auth-local=trust', '--auth-host=scram-sha-256', '--no-sync']);
  server('pg_ctl', ['-D', data, '-l', path.join(base, 'server.log'), '-w', '-t', '60', '-o', `-p ${port} -k ${base} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);

  sql(
    `CREATE ROLE rag LOGIN PASSWORD 'SECRETPASS';
     CREATE ROLE rag_special LOGIN PASSWORD 'p@ss:w/rd%é';
     CREATE DATABASE rag OWNER rag;`,
    'postgres',
  );
  sql(
    `CREATE TABLE chat_history (id serial PRIMARY KEY, message text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
     CREATE TABLE query_logs (id serial PRIMARY KEY, query text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
     ALTER TABLE chat_history OWNER TO rag;
     ALTER TABLE query_logs OWNER TO rag;
     GRANT SELECT, DELETE ON chat_history, query_logs TO rag_special;`,
  );
});

afterAll(() => {
  if (data && fs.existsSync(path.join(data, 'postmaster.pid'))) server('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
  for (const dir of [base, secrets]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** chat_history: 5 rows 120 days old, 3 rows 10 days old; query_logs: 2 and 2. */
function seed(): void {
  sql(
    `TRUNCATE chat_history, query_logs;
     INSERT INTO chat_history (message, created_at) SELECT 'old ' || i, now() - interval '120 days' FROM generate_series(1, 5) i;
     INSERT INTO chat_history (message, created_at) SELECT 'recent ' || i, now() - interval '10 days' FROM generate_series(1, 3) i;
     INSERT INTO query_logs (query, created_at) SELECT 'old ' || i, now() - interval '120 days' FROM generate_series(1, 2) i;
     INSERT INTO query_logs (query, created_at) SELECT 'recent ' || i, now() - interval '10 days' FROM generate_series(1, 2) i;`,
  );
}

function rows(table: string): string[] {
  const out = sql(`SELECT ${table === 'chat_history' ? 'message' : 'query'} FROM ${table} ORDER BY id`);
  return out ? out.split('\n') : [];
}

function urlFile(url: string): string {
  const file = path.join(secrets, `database_url_${Math.random().toString(36).slice(2)}`);
  // As the secret volume writes it: the value and, as often as not, a trailing newline.
  fs.writeFileSync(file, `${url}\n`, { mode: 0o400 });
  return file;
}

interface Shell {
  readonly name: string;
  readonly sh: string[];
}

const shells: Shell[] = [{ name: 'sh', sh: ['sh'] }];
if (spawnSync('sh', ['-c', 'command -v busybox']).status === 0) shells.push({ name: 'busybox sh', sh: ['busybox', 'sh'] });

function prune(shell: Shell, env: Record<string, string>, pathPrefix = bin) {
  const [cmd, ...args] = shell.sh;
  const r = spawnSync(cmd, [...args, '-c', RETENTION_PRUNE_SCRIPT], {
    env: { PATH: `${pathPrefix}:/usr/bin:/bin`, HOME: secrets, PRUNE_DAYS: '90', ...env },
    encoding: 'utf8',
    timeout: 60000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: r.stdout + r.stderr };
}

const url = () => `postgresql+psycopg2://rag:SECRETPASS@127.0.0.1:${port}/rag`;

describe.each(shells)('retention-prune script with $name and psql', (shell) => {
  test('deletes the rows older than the cut-off in batches, keeps the rest, never prints the password', () => {
    seed();
    const env = { DATABASE_URL_FILE: urlFile(url()), PRUNE_TABLES: 'chat_history public.query_logs', PRUNE_BATCH_SIZE: '2' };

    const r = prune(shell, env);

    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      [
        'retention-prune: deleting rows older than 90 days by created_at from chat_history public.query_logs, 2 rows per transaction',
        'retention-prune: chat_history: 2 rows so far',
        'retention-prune: chat_history: 4 rows so far',
        'retention-prune: chat_history: deleted 5 rows',
        'retention-prune: public.query_logs: 2 rows so far',
        'retention-prune: public.query_logs: deleted 2 rows',
        '',
      ].join('\n'),
    );
    expect(r.output).not.toContain('SECRETPASS');
    expect(rows('chat_history')).toEqual(['recent 1', 'recent 2', 'recent 3']);
    expect(rows('query_logs')).toEqual(['recent 1', 'recent 2']);

    const again = prune(shell, env);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('retention-prune: chat_history: deleted 0 rows\nretention-prune: public.query_logs: deleted 0 rows\n');
    expect(again.output).not.toContain('SECRETPASS');
    expect(rows('chat_history')).toHaveLength(3);
  });

  test('honours days and column: nothing is 200 days old', () => {
    seed();
    const r = prune(shell, { DATABASE_URL_FILE: urlFile(url()), PRUNE_TABLES: 'chat_history', PRUNE_DAYS: '200', PRUNE_COLUMN: 'created_at' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('retention-prune: chat_history: deleted 0 rows\n');
    expect(rows('chat_history')).toHaveLength(8);
  });

  test('decodes a percent-encoded password, as SQLAlchemy writes it', () => {
    seed();
    const r = prune(shell, {
      DATABASE_URL_FILE: urlFile(`postgresql+psycopg2://rag_special:p%40ss%3Aw%2Frd%25%C3%A9@127.0.0.1:${port}/rag?sslmode=disable`),
      PRUNE_TABLES: 'query_logs',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('retention-prune: query_logs: deleted 2 rows\n');
    expect(r.output).not.toMatch(/p%40ss|p@ss/);
  });

  test('fails on a wrong password without printing it', () => {
    seed();
    const r = prune(shell, { DATABASE_URL_FILE: urlFile(`postgresql://rag:WRONGPASS@127.0.0.1:${port}/rag`), PRUNE_TABLES: 'chat_history' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('password authentication failed for user "rag"');
    expect(r.stderr).toContain('retention-prune: chat_history: the delete failed after 0 rows (see the error above)');
    expect(r.output).not.toContain('WRONGPASS');
    expect(rows('chat_history')).toHaveLength(8);
  });

  test('gives up on a locked table after lock_timeout instead of waiting', async () => {
    seed();
    // Another session holds the table; the batch must fail in seconds, not queue behind it.
    const holder = spawn(path.join(bin, 'psql'), ['-X', '-q', '-h', base, '-p', String(port), '-U', 'postgres', '-d', 'rag', '-c', 'BEGIN; LOCK TABLE chat_history IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);'], {
      stdio: 'ignore',
      env: { PATH: '/usr/bin:/bin' },
    });
    try {
      for (let i = 0; i < 100 && sql(`SELECT count(*) FROM pg_locks WHERE relation = 'chat_history'::regclass AND mode = 'AccessExclusiveLock' AND granted`) !== '1'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const started = Date.now();
      const r = prune(shell, { DATABASE_URL_FILE: urlFile(url()), PRUNE_TABLES: 'chat_history' });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('canceling statement due to lock timeout');
      expect(r.stderr).toContain('retention-prune: chat_history: the delete failed after 0 rows (see the error above)');
      expect(Date.now() - started).toBeLessThan(20000);
    } finally {
      sql(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(60)%' AND pid <> pg_backend_pid()`);
      holder.kill();
    }
    expect(rows('chat_history')).toHaveLength(8);
  });

  test('fails with a clear message when the URL file is missing', () => {
    const r = prune(shell, { DATABASE_URL_FILE: path.join(secrets, 'not-mounted', 'database_url'), PRUNE_TABLES: 'chat_history' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`retention-prune: cannot read the database URL file ${secrets}/not-mounted/database_url (DATABASE_URL_FILE): is the secret mounted?\n`);
  });

  test('fails with a clear message when DATABASE_URL_FILE is not set', () => {
    const r = prune(shell, { PRUNE_TABLES: 'chat_history' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('retention-prune: DATABASE_URL_FILE is not set: set it to the path of the file holding the database URL\n');
  });

  test('fails on an empty URL file', () => {
    const file = path.join(secrets, 'empty');
    fs.writeFileSync(file, '');
    const r = prune(shell, { DATABASE_URL_FILE: file, PRUNE_TABLES: 'chat_history' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`retention-prune: the database URL file ${file} is empty\n`);
  });

  test('refuses a URL that is not PostgreSQL without printing it', () => {
    const file = urlFile('mysql+pymysql://rag:SECRETPASS@db:3306/rag');
    const r = prune(shell, { DATABASE_URL_FILE: file, PRUNE_TABLES: 'chat_history' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`retention-prune: the database URL in ${file} is not a PostgreSQL URL: expected postgresql://... or postgresql+driver://...\n`);
    expect(r.output).not.toContain('SECRETPASS');
  });

  test.each([
    [{ PRUNE_TABLES: 'chat_history;drop' }, "retention-prune: table 'chat_history;drop' is not a plain SQL identifier: use lower-case letters, digits and _, optionally schema.table\n"],
    [{ PRUNE_TABLES: '*' }, "retention-prune: table '*' is not a plain SQL identifier: use lower-case letters, digits and _, optionally schema.table\n"],
    [{ PRUNE_TABLES: 'a.b.c' }, "retention-prune: table 'a.b.c' is not a plain SQL identifier: use lower-case letters, digits and _, optionally schema.table\n"],
    [{ PRUNE_TABLES: 'chat_history', PRUNE_COLUMN: 'created_at)or(1=1' }, "retention-prune: column 'created_at)or(1=1' is not a plain SQL identifier: use lower-case letters, digits and _\n"],
    [{ PRUNE_TABLES: 'chat_history', PRUNE_DAYS: '0' }, "retention-prune: PRUNE_DAYS must be a whole number of days above 0, got '0'\n"],
    [{ PRUNE_TABLES: 'chat_history', PRUNE_DAYS: '1 day' }, "retention-prune: PRUNE_DAYS must be a whole number of days above 0, got '1 day'\n"],
    [{ PRUNE_TABLES: 'chat_history', PRUNE_BATCH_SIZE: '-1' }, "retention-prune: PRUNE_BATCH_SIZE must be a whole number above 0, got '-1'\n"],
    [{ PRUNE_TABLES: '' }, 'retention-prune: PRUNE_TABLES is not set: list the tables to prune, separated by spaces\n'],
  ])('refuses unsafe input before connecting: %j', (env, message) => {
    seed();
    const r = prune(shell, { DATABASE_URL_FILE: urlFile(url()), ...env });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(message);
    expect(rows('chat_history')).toHaveLength(8);
  });

  test('hands psql a URL without the password, and the password through PGPASSWORD', () => {
    // A stand-in psql that records what it was given.
    const fake = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-fake-psql-'));
    try {
      fs.writeFileSync(path.join(fake, 'psql'), `#!/bin/sh\nprintf '%s\\n' "$@" >>"${fake}/argv"\nprintf '%s' "$PGPASSWORD" >"${fake}/password"\necho 0\n`, { mode: 0o755 });
      const r = prune(shell, { DATABASE_URL_FILE: urlFile(`postgresql+psycopg2://rag:SECRETPASS@db.example.internal:5432/rag?sslmode=require`), PRUNE_TABLES: 'chat_history' }, fake);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const argv = fs.readFileSync(path.join(fake, 'argv'), 'utf8');
      expect(argv).not.toContain('SECRETPASS');
      expect(argv.split('\n')).toContain('postgresql://rag@db.example.internal:5432/rag?sslmode=require');
      expect(argv).toContain("SET lock_timeout = '5s'");
      expect(argv).toContain("SET statement_timeout = '5min'");
      expect(argv).toContain(
        'WITH batch AS (DELETE FROM "chat_history" WHERE ctid = ANY (ARRAY(SELECT ctid FROM "chat_history" WHERE "created_at" < now() - make_interval(days => 90) LIMIT 5000)) AND "created_at" < now() - make_interval(days => 90) RETURNING 1) SELECT count(*) FROM batch',
      );
      expect(fs.readFileSync(path.join(fake, 'password'), 'utf8')).toBe('SECRETPASS');
    } finally {
      fs.rmSync(fake, { recursive: true, force: true });
    }
  });
});
