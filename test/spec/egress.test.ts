/**
 * src/spec/egress.ts: a process given a dependency's address or credentials, or the URL of an
 * API that externalHttps lists, must be let out by the NetworkPolicies. The check reads the same
 * `dependencyUsers`/`internetCallers` the policies are written from; the last tests evaluate
 * the synthesized policies to show the two agree.
 */
import { checkEgressNeeds as checkWithModel, hostsIn } from '../../src/spec/egress';
import { resolveService } from '../../src/model/service-model';
import { formatProblems, SpecError } from '../../src/spec/errors';
import { loadProject, SourceFile } from '../../src/spec/load';
import { ServiceSpec, ServiceSpecInput } from '../../src/spec/schema';
import { Endpoint, evaluate, NetworkPolicy, PodEndpoint } from '../../src/explain/reachability';
import { environment, specInput, synthSpec } from '../helpers';

const web = { port: 8000, health: { liveness: '/health' } };
const secrets = (items: Record<string, object>) => ({ source: { existingSecret: 'demo-secrets' }, items });
const postgres = { host: 'demo-postgres-rw.databases.svc.cluster.local', port: 5432, namespace: 'databases', podLabels: { 'cnpg.io/cluster': 'demo' } };
const redis = { host: 'demo-redis.databases.svc.cluster.local', port: 6379, namespace: 'databases', podLabels: { app: 'redis' } };

/** The check on a spec and its model in the default environment. */
const checkEgressNeeds = (spec: ServiceSpec) => checkWithModel(spec, resolveService(spec, environment(), 'staging'));

/** The problems of a spec, as `path: message`. */
function problems(overrides: Partial<ServiceSpecInput>): string[] {
  return checkEgressNeeds(ServiceSpec.parse(specInput(overrides))).map((p) => `${p.path}: ${p.message}`);
}

const CONFIG: SourceFile = { path: 'berth.yaml', text: 'repoURL: https://github.com/example/gitops.git\nenvironments:\n  staging: {}\n' };
/** The formatted error `berth synth` prints for one service.yaml. */
function errorOf(text: string): string {
  try {
    loadProject(CONFIG, [{ path: 'charts/demo/service.yaml', text }]);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return formatProblems((e as SpecError).problems);
  }
  throw new Error('expected the load to fail');
}

describe('hostsIn', () => {
  test('URLs with credentials and paths, host:port, dotted names and lists', () => {
    expect(hostsIn('postgresql://app:pw@demo-postgres-rw.databases:5432/app?sslmode=require')).toEqual([{ host: 'demo-postgres-rw.databases', port: 5432, https: false }]);
    expect(hostsIn('https://API.openai.com/v1')).toEqual([{ host: 'api.openai.com', https: true }]);
    expect(hostsIn('demo-redis.databases:6379')).toEqual([{ host: 'demo-redis.databases', port: 6379, https: false }]);
    expect(hostsIn('kafka-0.kafka:9092,kafka-1.kafka:9092')).toEqual([{ host: 'kafka-0.kafka', port: 9092, https: false }, { host: 'kafka-1.kafka', port: 9092, https: false }]);
    expect(hostsIn('10.1.2.3')).toEqual([{ host: '10.1.2.3', https: false }]);
  });

  // A backtracking pattern would hang here for minutes (jest's timeout fails it); speed itself is
  // the benchmark's business.
  test('a megabyte of one token, or of short ones, is read and holds no host', () => {
    expect(hostsIn('a-'.repeat(500_000))).toEqual([]);
    expect(hostsIn('a.b-'.repeat(1_000).concat(' ').repeat(250))).toEqual([]);
  });

  test('words, numbers and paths name no host', () => {
    for (const v of ['production', '4', 'true', '/var/lib/app', 'gpt-4o-mini', '', 'en_US']) expect([v, hostsIn(v)]).toEqual([v, []]);
  });
});

describe('checkEgressNeeds: dependencies', () => {
  test('no usedBy: every process and job may connect, nothing to report', () => {
    expect(problems({
      secrets: secrets({ DATABASE_URL: {} }),
      migration: { command: ['alembic', 'upgrade', 'head'] },
      dependencies: { postgres: { ...postgres, secrets: ['DATABASE_URL'] } },
    })).toEqual([]);
  });

  test('fails when the migration gets the database URL but usedBy leaves it out (the onboarding bug of issue 19)', () => {
    const spec = `name: demo
image: registry.example.com/demo:1.0.0
secrets:
  source: { existingSecret: demo-secrets }
  items:
    DATABASE_URL: { key: database_url }
web:
  api: { port: 8000, health: { liveness: /health } }
workers:
  worker: { command: [arq, app.Worker] }
migration: { command: [alembic, upgrade, head] }
dependencies:
  postgres:
    host: demo-postgres-rw.databases.svc.cluster.local
    port: 5432
    namespace: databases
    podLabels: { cnpg.io/cluster: demo }
    secrets: [DATABASE_URL]
    usedBy: [api, worker]
`;
    expect(errorOf(spec)).toBe([
      'charts/demo/service.yaml',
      '  ✖ The migration Job (migrate) is given the address or credentials of dependency "postgres" (secret DATABASE_URL), but dependencies.postgres.usedBy does not list it, so the NetworkPolicies deny its connection',
      '    → at dependencies.postgres.usedBy (line 19)',
      '    → fix: add migrate to dependencies.postgres.usedBy, or remove usedBy so every process and job may connect; if migrate never connects to postgres, give secret DATABASE_URL only to the processes that do',
    ].join('\n'));
  });

  test('fails when a cron job\'s own env names the dependency\'s host, in another cluster-DNS spelling', () => {
    expect(problems({
      workers: { worker: { command: ['arq', 'app.Worker'] } },
      cron: { jobs: { report: { schedule: '0 6 * * *', command: ['python', '-m', 'report'], env: { CACHE_URL: 'redis://demo-redis.databases:6379/1' } } } },
      dependencies: { redis: { ...redis, usedBy: ['api', 'worker'] } },
    })).toEqual([
      'dependencies.redis.usedBy: Cron job "report" is given the address or credentials of dependency "redis" (cron.jobs.report.env.CACHE_URL), but dependencies.redis.usedBy does not list it, so the NetworkPolicies deny its connection',
    ]);
  });

  test('a secret whose name, remoteKey or property names the dependency is its, unless the dependency lists its secrets', () => {
    const base = {
      workers: { worker: { command: ['arq', 'app.Worker'] } },
      secrets: { source: { externalSecret: { store: 'vault' } }, items: { REDIS_URL: { remoteKey: 'demo/app', consumers: ['worker'] }, CACHE: { remoteKey: 'demo/redis', consumers: ['worker'] }, BROKER: { remoteKey: 'demo/app', property: 'redis_url', consumers: ['worker'] } } },
    } satisfies Partial<ServiceSpecInput>;
    expect(problems({ ...base, dependencies: { redis: { ...redis, usedBy: ['api'] } } })).toEqual([
      'dependencies.redis.usedBy: Worker "worker" is given the address or credentials of dependency "redis" (secret REDIS_URL, secret CACHE, secret BROKER), but dependencies.redis.usedBy does not list it, so the NetworkPolicies deny its connection',
    ]);
    // Named, the list is the whole truth: an empty one says no secret of this service is its.
    expect(problems({ ...base, dependencies: { redis: { ...redis, usedBy: ['api'], secrets: [] } } })).toEqual([]);
    // Whole words only: REDISTRIBUTE_KEY does not name redis.
    expect(problems({ ...base, secrets: secrets({ REDISTRIBUTE_KEY: {} }), dependencies: { redis: { ...redis, usedBy: ['api'] } } })).toEqual([]);
  });

  test('shared config (the service env, secrets without consumers) counts for every process; the built-in cleanup script gets none', () => {
    expect(problems({
      env: { REDIS_HOST: 'demo-redis.databases.svc.cluster.local' },
      volumes: { scratch: { size: '1Gi', accessMode: 'ReadWriteMany', mountPath: '/scratch' } },
      cron: { tmpCleanup: { volume: 'scratch' } },
      workers: { worker: { command: ['arq', 'app.Worker'] } },
      dependencies: { redis: { ...redis, usedBy: ['api'] } },
    })).toEqual([
      'dependencies.redis.usedBy: Worker "worker" is given the address or credentials of dependency "redis" (env.REDIS_HOST), but dependencies.redis.usedBy does not list it, so the NetworkPolicies deny its connection',
    ]);
  });

  test('a singleton is given its `like` process\'s env', () => {
    expect(problems({
      web: { api: { ...web, env: { DB: 'demo-postgres-rw.databases:5432' } } },
      singletons: { scheduler: { like: 'api', flag: 'RUN_SCHEDULER' } },
      dependencies: { postgres: { ...postgres, usedBy: ['api'] } },
    })).toEqual([
      'dependencies.postgres.usedBy: Singleton "scheduler" is given the address or credentials of dependency "postgres" (web.api.env.DB), but dependencies.postgres.usedBy does not list it, so the NetworkPolicies deny its connection',
    ]);
  });

  test('a dependency outside the cluster: an address inside its cidr', () => {
    expect(problems({
      web: { api: web, auth: { ...web, port: 6001, public: false, allowFrom: ['api'], env: { LDAP_URL: 'ldaps://192.168.10.5:636' } } },
      dependencies: { ldap: { port: 636, cidr: '192.168.10.0/24', usedBy: ['api'] } },
    })).toEqual([
      'dependencies.ldap.usedBy: Web process "auth" is given the address or credentials of dependency "ldap" (web.auth.env.LDAP_URL), but dependencies.ldap.usedBy does not list it, so the NetworkPolicies deny its connection',
    ]);
  });

  test('no declared host: a Service in its namespace names it only when it alone there matches', () => {
    const pg = { port: 5432, namespace: 'databases', podLabels: { 'cnpg.io/cluster': 'demo' }, usedBy: ['api'] };
    const worker = (value: string) => ({ worker: { command: ['arq', 'app.Worker'], env: { DB_HOST: value } } });
    expect(problems({ workers: worker('demo-postgres-rw.databases'), dependencies: { postgres: pg } })).toHaveLength(1);
    // Two dependencies in the namespace: the port decides, and without one nothing is claimed.
    const two = { postgres: pg, cache: { port: 6379, namespace: 'databases', podLabels: { app: 'redis' }, usedBy: ['api'] } };
    expect(problems({ workers: worker('demo-postgres-rw.databases:5432'), dependencies: two })).toEqual([expect.stringContaining('dependency "postgres" (workers.worker.env.DB_HOST)')]);
    expect(problems({ workers: worker('demo-postgres-rw.databases'), dependencies: two })).toEqual([]);
  });

  test('the retention job: its databaseUrlSecret, and a dependency to reach at all', () => {
    const retention = { tables: ['logs'], days: 30, databaseUrlSecret: 'DATABASE_URL' };
    expect(problems({ secrets: secrets({ DATABASE_URL: {} }), cron: { retention }, dependencies: { postgres: { ...postgres, secrets: ['DATABASE_URL'], usedBy: ['api'] } } })).toEqual([
      'dependencies.postgres.usedBy: The retention CronJob (retention) is given the address or credentials of dependency "postgres" (cron.retention.databaseUrlSecret DATABASE_URL), but dependencies.postgres.usedBy does not list it, so the NetworkPolicies deny its connection',
    ]);
    expect(problems({ secrets: secrets({ DATABASE_URL: {} }), cron: { retention } })).toEqual([
      'cron.retention: The retention CronJob connects to the database in secret DATABASE_URL, but no dependency is open to it, so the NetworkPolicies deny every connection it makes',
    ]);
    expect(problems({ secrets: secrets({ DATABASE_URL: {} }), cron: { retention }, dependencies: { postgres } })).toEqual([]);
  });

  test('fails when dependencies.<d>.secrets names an unknown secret', () => {
    const found = checkEgressNeeds(ServiceSpec.parse(specInput({ secrets: secrets({ DATABASE_URL: {} }), dependencies: { postgres: { ...postgres, secrets: ['DATABASE_UR'] } } })));
    expect(found).toEqual([{ path: 'dependencies.postgres.secrets[0]', message: 'Unknown secret "DATABASE_UR"', fix: 'known: DATABASE_URL' }]);
  });
});

describe('checkEgressNeeds: a singleton like a web process', () => {
  const base = { env: { DATABASE_HOST: 'demo-postgres-rw.databases.svc.cluster.local' } };
  const deps = { postgres: { ...postgres, usedBy: ['api'] } };

  test('fails when it is given its like process\'s address of a dependency it may not reach (at the web process\'s field), unless its own value of the key replaces it, as in its container', () => {
    expect(problems({ web: { api: { ...web, ...base } }, singletons: { beat: { flag: 'RUN_BEAT', like: 'api' } }, dependencies: deps })).toEqual([
      'dependencies.postgres.usedBy: Singleton "beat" is given the address or credentials of dependency "postgres" (web.api.env.DATABASE_HOST), but dependencies.postgres.usedBy does not list it, so the NetworkPolicies deny its connection',
    ]);
    expect(problems({ web: { api: { ...web, ...base } }, singletons: { beat: { flag: 'RUN_BEAT', like: 'api', env: { DATABASE_HOST: 'localhost' } } }, dependencies: deps })).toEqual([]);
  });
});

describe('checkEgressNeeds: externalHttps', () => {
  const ext = { externalHttps: ['api.openai.com', '*.googleapis.com'] };

  test('fails when a process given a listed API URL is not in externalHttpsUsedBy', () => {
    const found = checkEgressNeeds(ServiceSpec.parse(specInput({
      ...ext,
      externalHttpsUsedBy: ['api'],
      workers: { worker: { command: ['arq', 'app.Worker'], env: { OPENAI_BASE_URL: 'https://api.openai.com/v1', GEMINI: 'https://generativelanguage.googleapis.com' } } },
    })));
    expect(found).toEqual([{
      path: 'externalHttpsUsedBy',
      message: 'Worker "worker" is given the URL of an API that externalHttps lists (workers.worker.env.OPENAI_BASE_URL, workers.worker.env.GEMINI), but externalHttpsUsedBy does not list it, so the NetworkPolicies deny its HTTPS egress',
      fix: 'add worker to externalHttpsUsedBy, or remove externalHttpsUsedBy so every web process, worker, singleton and cron job may call out; if worker never calls it, give workers.worker.env.OPENAI_BASE_URL, workers.worker.env.GEMINI only to the processes that do',
    }]);
  });

  test('fails when the migration\'s own env holds a listed API URL: built-in jobs are let out only when named', () => {
    expect(problems({ ...ext, migration: { command: ['flask', 'db', 'upgrade'], env: { EMBEDDINGS: 'https://api.openai.com/v1/embeddings' } } })).toEqual([
      'externalHttps: The migration Job (migrate) is given the URL of an API that externalHttps lists (migration.env.EMBEDDINGS), but built-in jobs get no HTTPS egress unless externalHttpsUsedBy names them',
    ]);
  });

  test('shared config reaches the built-in jobs without making them callers; unlisted hosts (CORS origins, links) say nothing', () => {
    expect(problems({ ...ext, env: { OPENAI_BASE_URL: 'https://api.openai.com/v1' }, migration: { command: ['alembic', 'upgrade', 'head'] } })).toEqual([]);
    expect(problems({ ...ext, externalHttpsUsedBy: ['api'], workers: { worker: { command: ['arq', 'app.Worker'], env: { CORS_ORIGINS: 'https://demo.example.com' } } } })).toEqual([]);
  });
});

describe('the check and the NetworkPolicies read one fact', () => {
  const podOf = (component: string): PodEndpoint => ({ kind: 'pod', namespace: 'demo', name: component, labels: { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': component } });
  const db: Endpoint = { kind: 'pod', namespace: 'databases', name: 'pg', labels: { 'cnpg.io/cluster': 'demo' } };
  const reaches = (input: ServiceSpecInput, from: string) => evaluate(synthSpec(input).filter((o) => o.kind === 'NetworkPolicy') as NetworkPolicy[], podOf(from), db, 5432).allowed;

  test('every process the check reports is denied by the synthesized policies; once listed, it is allowed and not reported', () => {
    const input = (usedBy: string[]) => specInput({
      secrets: secrets({ DATABASE_URL: {} }),
      workers: { worker: { command: ['arq', 'app.Worker'] } },
      migration: { command: ['alembic', 'upgrade', 'head'] },
      cron: { jobs: { report: { schedule: '0 6 * * *', command: ['python', '-m', 'report'] } } },
      dependencies: { postgres: { ...postgres, secrets: ['DATABASE_URL'], usedBy } },
    });
    const reported = (usedBy: string[]) => checkEgressNeeds(ServiceSpec.parse(input(usedBy))).map((p) => /\((\w+)\) is given|"(\w+)" is given/.exec(p.message)!.slice(1).find(Boolean));
    expect(reported(['api'])).toEqual(['worker', 'migrate', 'report']);
    for (const p of ['worker', 'migrate', 'report']) expect([p, reaches(input(['api']), p)]).toEqual([p, false]);
    expect(reaches(input(['api']), 'api')).toBe(true);
    const all = ['api', 'worker', 'migrate', 'report'];
    expect(reported(all)).toEqual([]);
    for (const p of all) expect([p, reaches(input(all), p)]).toEqual([p, true]);
  });
});
