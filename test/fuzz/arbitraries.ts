/**
 * fast-check generators for the fuzz tests: VALID projects (berth.yaml + one or two service
 * specs with overlays) that cover every feature of the spec, and mutations that break them.
 *
 * A valid project obeys every rule berth states (schema.ts, semantics.ts, the guardrails): the
 * generator builds it that way on purpose, so when berth rejects one, or synthesizes objects that
 * fail a check, berth is wrong, not the generator. Everything is plain data, dumped to YAML text
 * and loaded through the same `loadProject` the CLI uses.
 */
import fc from 'fast-check';
import * as yaml from 'js-yaml';
import { SourceFile } from '../../src/spec/load';
import { isSecretName } from '../../src/util/credentials';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

/** One service: its directory under charts/, the base spec and the overlays by environment. */
export interface ServiceCase {
  readonly dir: string;
  readonly spec: Record<string, Json>;
  readonly overlays: Record<string, Record<string, Json>>;
}

/** A whole project: berth.yaml and its services. */
export interface ProjectCase {
  readonly config: Record<string, Json>;
  readonly services: readonly ServiceCase[];
}

/** The files `loadProject` takes, with YAML text as a person would write it. */
export interface ProjectFiles {
  readonly config: SourceFile;
  readonly charts: SourceFile[];
}

/** YAML text of plain data (block style, keys in insertion order); JSON, which is YAML, if js-yaml cannot dump it. */
export function toYaml(data: Json): string {
  try {
    return yaml.dump(data, { lineWidth: -1, noRefs: true });
  } catch {
    return JSON.stringify(data);
  }
}

/** Renders a project as the files of a repository. */
export function toFiles(p: ProjectCase): ProjectFiles {
  const charts: SourceFile[] = [];
  for (const s of p.services) {
    charts.push({ path: `charts/${s.dir}/service.yaml`, text: toYaml(s.spec) });
    for (const [env, overlay] of Object.entries(s.overlays)) charts.push({ path: `charts/${s.dir}/${env}.yaml`, text: toYaml(overlay) });
  }
  return { config: { path: 'berth.yaml', text: toYaml(p.config) }, charts };
}

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/**
 * Names berth builds objects and policies from; some are taken: the built-in jobs, the egress
 * policy of externalHttps, and `to-…` / `…-ingress`, which NetworkPolicy names are made of.
 */
const RESERVED = new Set(['migrate', 'tmp-cleanup', 'retention', 'internet-https']);
const isFree = (n: string) => !RESERVED.has(n) && !n.startsWith('to-') && !n.endsWith('-ingress');

const NAMES = ['api', 'web', 'frontend', 'backend', 'auth', 'billing', 'worker', 'scheduler', 'report', 'sync', 'search', 'ingest', 'export', 'mailer', 'chroma', 'git', 'uploads', 'data', 'cache', 'postgres', 'redis', 'milvus', 'neo4j', 'app'];
const labelArbitraries = new Map<number, fc.Arbitrary<string>>();
/** A DNS label: a name people use (`api`, `worker-2`), or a random one (`w7`, `edge-x2`). Built once per length. */
export const dnsLabel = (maxHead = 7): fc.Arbitrary<string> => {
  let arb = labelArbitraries.get(maxHead);
  if (!arb) {
    arb = fc
      .oneof(
        { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...NAMES), fc.option(fc.integer({ min: 1, max: 99 }), { nil: undefined })).map(([n, i]) => (i === undefined ? n : `${n}-${i}`)) },
        { weight: 1, arbitrary: fc.stringMatching(new RegExp(`^[a-z][a-z0-9]{0,${maxHead}}(-[a-z0-9]{1,4})?$`)) },
      )
      .filter(isFree);
    labelArbitraries.set(maxHead, arb);
  }
  return arb;
};

/** A host name under example.com/org/net. */
export const hostname: fc.Arbitrary<string> = fc
  .tuple(fc.array(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), { minLength: 1, maxLength: 2 }), fc.constantFrom('example.com', 'example.org', 'example.net'))
  .map(([labels, domain]) => [...labels, domain].join('.'));

const ENV_NAMES = ['LOG_LEVEL', 'APP_ENV', 'WEB_CONCURRENCY', 'TIMEOUT', 'CORS_ORIGINS', 'FEATURE_FLAGS', 'CACHE_TTL', 'MAX_UPLOAD_MB', 'TZ', 'LANGUAGE', 'BASE_URL', 'WORKERS', 'QUEUE_NAME', 'REGION'];
/** An env var name that does not say "secret" (a secret-named literal is refused by design). */
export const envName: fc.Arbitrary<string> = fc
  .oneof(fc.constantFrom(...ENV_NAMES), fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/))
  .filter((n) => !isSecretName(n) && !/(^|_)(DEBUG|RELOAD|DEV_MODE|MOCK_MODE|STRICT_MODE|FLASK_ENV|ALLOW_DEV_LOGIN|GUNICORN_CMD_ARGS)$/.test(n) && n !== 'ALLOW_MOCK_IN_PROD');

/** An env value no guard could take for a credential: short, low-entropy, no password in a URL. */
export const envValue: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom('info', 'production', 'true', 'false', '4', '120', 'https://app.example.com', 'en_US', 'eu-west-1', ''),
  fc.stringMatching(/^[a-z0-9 ._/-]{0,12}$/),
  fc.integer({ min: 0, max: 99999 }).map(String),
);

const envMap = (max: number) => fc.dictionary(envName, envValue, { maxKeys: max });

const image = (name: string): fc.Arbitrary<string> =>
  fc
    .tuple(fc.constantFrom('registry.example.com', 'ghcr.io/acme', 'gcr.io/proj', 'docker.io/library'), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 20 }), fc.boolean())
    .map(([reg, a, b, digest]) =>
      digest ? `${reg}/${name}@sha256:${'0123456789abcdef'.repeat(4)}` : `${reg}/${name}:${a}.${b}.${(a * 7 + b) % 10}`,
    );

const quantityCpu = fc.constantFrom('50m', '100m', '250m', '500m', '1', '2');
const quantityMem = fc.constantFrom('64Mi', '128Mi', '256Mi', '512Mi', '1Gi', '2Gi');
/** Requests, and limits at or above them (the API server refuses a limit below the request). */
const resources: fc.Arbitrary<Json> = fc.record(
  { cpu: quantityCpu, memory: quantityMem, bump: fc.boolean(), cpuLimit: fc.boolean() },
  { requiredKeys: ['cpu', 'memory', 'bump', 'cpuLimit'] },
).map(({ cpu, memory, bump, cpuLimit }) => ({
  cpu,
  memory,
  ...(bump ? { memoryLimit: memory.replace(/^(\d+)/, (n) => String(Number(n) * 2)) } : {}),
  ...(cpuLimit ? { cpuLimit: '4' } : {}),
}));

const minute = fc.oneof(fc.integer({ min: 0, max: 59 }).map(String), fc.constantFrom('*', '*/5', '*/15', '0,30'));
const hour = fc.oneof(fc.integer({ min: 0, max: 23 }).map(String), fc.constantFrom('*', '*/6', '1-5'));
const dom = fc.oneof(fc.integer({ min: 1, max: 28 }).map(String), fc.constantFrom('*', '1,15'));
const month = fc.oneof(fc.integer({ min: 1, max: 12 }).map(String), fc.constantFrom('*', '1-6'));
const dow = fc.oneof(fc.integer({ min: 0, max: 6 }).map(String), fc.constantFrom('*', '1-5', 'MON', 'SUN'));
/** A five-field cron schedule that always runs. */
export const cronSchedule: fc.Arbitrary<string> = fc.tuple(minute, hour, dom, month, dow).map((f) => f.join(' '));
export const timeZone = fc.constantFrom('Etc/UTC', 'UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Tokyo', 'Australia/Sydney', 'America/Argentina/Buenos_Aires');

const sqlIdent = fc.stringMatching(/^[a-z_][a-z0-9_]{0,14}$/);

const someOf = <T>(items: readonly T[], min = 0): fc.Arbitrary<T[]> =>
  items.length <= min ? fc.constant([...items]) : fc.subarray([...items], { minLength: min });

// ---------------------------------------------------------------------------------------------
// A service
// ---------------------------------------------------------------------------------------------

/** What an environment offers a service's edge: its profile, and whether it names a Gateway. */
export interface EnvEdge {
  readonly name: string;
  readonly profile: 'nginx' | 'traefik' | 'gateway';
  readonly hasGateway: boolean;
  readonly production: boolean;
}

const ROUTE_PATHS = ['/', '/api', '/app', '/v1', '/ws', '/static', '/auth'];

/**
 * A valid service spec. `envs` are the project's environments: a Gateway profile anywhere needs a
 * Gateway reference, and loosened security in production needs a reason.
 */
export function serviceCase(serviceName: string, envs: readonly EnvEdge[], salt = 0): fc.Arbitrary<ServiceCase> {
  return fc.gen().map((g) => {
    // fc.gen draws from a clone of the random stream it is given: two services built side by side
    // would come out alike. Skipping `salt` draws sets them apart.
    for (let i = 0; i < salt; i++) g(fc.nat);
    const spec: Record<string, Json> = { name: serviceName };
    if (g(fc.boolean)) spec.description = `fuzzed service ${serviceName}`;
    if (g(() => fc.integer({ min: 0, max: 4 })) === 0) spec.namespace = `${serviceName}-ns`;
    spec.image = g(() => image(serviceName));

    // Names: one pool, so web processes, workers, singletons, cron jobs and dependencies never clash.
    const names = g(() => fc.uniqueArray(dnsLabel(), { minLength: 12, maxLength: 12 }));
    const take = (n: number) => names.splice(0, n);
    const webNames = take(g(() => fc.integer({ min: 1, max: 3 })));
    const workerNames = take(g(() => fc.integer({ min: 0, max: 2 })));
    const singletonNames = take(g(() => fc.integer({ min: 0, max: 1 })));
    const jobNames = take(g(() => fc.integer({ min: 0, max: 2 })));
    const depNames = take(g(() => fc.integer({ min: 0, max: 2 })));
    const volumeNames = take(g(() => fc.integer({ min: 0, max: 2 })));
    const hasMigration = g(fc.boolean);
    const hasEdgeWish = g(fc.boolean);

    // Which web processes are public; an edge needs at least one.
    const publicFlags = webNames.map(() => g(() => fc.integer({ min: 0, max: 3 })) > 0);
    const callersPool = [...webNames, ...workerNames, ...singletonNames];

    // Volumes and who mounts them. A claim with more than one user, or a scaled user, is ReadWriteMany.
    const mountUsers = [...webNames, ...workerNames, ...singletonNames, ...jobNames];
    const volumes: Record<string, Json> = {};
    const mountsOf = new Map<string, string[]>();
    const cleanupVolume = volumeNames.length && g(fc.boolean) ? volumeNames[0] : undefined;
    const rwx = new Set<string>();
    for (const v of volumeNames) {
      const users = g(() => someOf(mountUsers));
      for (const u of users) mountsOf.set(u, [...(mountsOf.get(u) ?? []), v]);
      const shared = users.length + (v === cleanupVolume ? 1 : 0) > 1;
      if (shared || g(fc.boolean)) rwx.add(v);
      volumes[v] = {
        size: g(() => fc.constantFrom('1Gi', '5Gi', '20Gi', '500Mi')),
        ...(rwx.has(v) ? { accessMode: 'ReadWriteMany', storageClassName: 'shared-rwx' } : { accessMode: g(() => fc.constantFrom('ReadWriteOnce', 'ReadWriteOncePod')) }),
        mountPath: `/var/lib/${serviceName}/${v}`,
        ...(g(() => fc.integer({ min: 0, max: 5 })) === 0 ? { readOnly: true } : {}),
      };
    }
    if (volumeNames.length) spec.volumes = volumes;
    const mountsRwo = (p: string) => (mountsOf.get(p) ?? []).some((v) => !rwx.has(v));
    const mounts = (p: string) => (mountsOf.has(p) ? { mounts: mountsOf.get(p) } : {});

    const procEnv = () => (g(fc.boolean) ? { env: g(() => envMap(2)) } : {});
    const procRes = () => (g(fc.boolean) ? { resources: g(() => resources) } : {});

    // Web processes.
    const web: Record<string, Json> = {};
    const usedPaths = new Set<string>();
    let routed: string[] = [];
    webNames.forEach((n, i) => {
      const isPublic = publicFlags[i];
      const port = g(() => fc.integer({ min: 1, max: 65535 }));
      const p: Record<string, Json> = {
        server: g(() => fc.constantFrom('gunicorn', 'uvicorn', 'waitress', 'other')),
        port,
        health: { liveness: '/health', ...(g(fc.boolean) ? { readiness: '/ready' } : {}), ...(g(fc.boolean) ? { startup: '/startup', startupTimeoutSeconds: g(() => fc.integer({ min: 10, max: 900 })) } : {}) },
        ...procEnv(),
        ...procRes(),
        ...mounts(n),
      };
      if (g(fc.boolean)) p.command = ['gunicorn', 'app.main:app', '--bind', `0.0.0.0:${port}`];
      if (g(fc.boolean)) p.args = ['--workers', '2'];
      if (g(fc.boolean)) p.workingDir = '/app';
      if (i > 0 && g(fc.boolean)) p.image = g(() => image(`${serviceName}-${n}`));
      if (mountsRwo(n)) p.replicas = 1;
      else if (g(() => fc.integer({ min: 0, max: 3 })) === 0) {
        const min = g(() => fc.integer({ min: 1, max: 3 }));
        p.autoscaling = { minReplicas: min, maxReplicas: g(() => fc.integer({ min, max: 10 })), cpuUtilization: g(() => fc.integer({ min: 10, max: 100 })) };
      } else if (g(fc.boolean)) p.replicas = g(() => fc.integer({ min: 1, max: 5 }));
      if (g(fc.boolean)) {
        const separate = g(fc.boolean);
        let mport = g(() => fc.integer({ min: 1, max: 65535 }));
        if (mport === port) mport = port === 65535 ? 1 : port + 1;
        p.metrics = { path: g(() => fc.constantFrom('/metrics', '/internal/metrics', '/api/metrics')), ...(separate ? { port: mport } : {}), multiprocess: g(fc.boolean) };
      }
      p.gracefulTimeoutSeconds = g(() => fc.integer({ min: 1, max: 600 }));
      if (!isPublic) {
        p.public = false;
        const others = callersPool.filter((c) => c !== n);
        // An internal process needs a caller; with none in the spec it must stay public.
        if (others.length === 0) delete p.public;
        else {
          p.allowFrom = g(() => someOf(others, 1));
          const urlEnv = `${n.toUpperCase().replace(/-/g, '_')}_URL`;
          if (!isSecretName(urlEnv) && g(fc.boolean)) p.urlEnv = urlEnv;
        }
      }
      web[n] = p;
    });
    spec.web = web;
    const publicWeb = Object.entries(web).filter(([, p]) => p.public !== false).map(([n]) => n);
    const hasEdge = hasEdgeWish && publicWeb.length > 0;
    if (hasEdge) {
      // Each routed prefix belongs to one process.
      for (const n of publicWeb) {
        const free = ROUTE_PATHS.filter((x) => !usedPaths.has(x));
        if (!free.length) break;
        const paths = g(() => someOf(free, 1)).slice(0, 2);
        paths.forEach((x) => usedPaths.add(x));
        web[n].paths = paths;
      }
      routed = [...usedPaths];
    }
    // Metrics on the web port of a public process are blocked at the edge: never a routed prefix.
    for (const n of publicWeb) {
      const m = web[n].metrics;
      if (m && m.port === undefined && (routed.includes(m.path) || m.path === '/')) m.path = '/internal/metrics';
      if (m && m.port === undefined && routed.includes(m.path)) delete web[n].metrics;
    }

    // Workers and singletons.
    const workers: Record<string, Json> = {};
    for (const n of workerNames) {
      const w: Record<string, Json> = { command: ['python', '-m', `${serviceName.replace(/-/g, '_')}.${n.replace(/-/g, '_')}`], ...procEnv(), ...procRes(), ...mounts(n) };
      w.replicas = mountsRwo(n) ? 1 : g(() => fc.integer({ min: 1, max: 4 }));
      if (g(fc.boolean)) w.probe = { exec: ['python', '-c', 'import sys; sys.exit(0)'], periodSeconds: g(() => fc.integer({ min: 5, max: 120 })) };
      if (g(fc.boolean)) w.terminationGracePeriodSeconds = g(() => fc.integer({ min: 1, max: 3600 }));
      const calls = g(() => someOf(webNames));
      if (calls.length) w.calls = calls;
      workers[n] = w;
    }
    if (workerNames.length || g(fc.boolean)) spec.workers = workers;
    const singletons: Record<string, Json> = {};
    for (const n of singletonNames) {
      const like = g(fc.boolean) ? g(() => fc.constantFrom(...webNames)) : undefined;
      singletons[n] = {
        ...(like ? { like } : { command: ['python', '-m', 'scheduler'] }),
        flag: g(() => fc.constantFrom('RUN_SCHEDULER', 'IS_LEADER', 'RUN_CRON')),
        ...procRes(),
        ...mounts(n),
      };
      const calls = g(() => someOf(webNames));
      if (calls.length) singletons[n].calls = calls;
    }
    if (singletonNames.length) spec.singletons = singletons;
    // A flag is "1" on its singleton and "0" everywhere else: it cannot also be shared config.
    const flags = new Set(Object.values(singletons).map((s) => s.flag));

    // Security.
    if (g(fc.boolean)) {
      const ro = g(() => fc.integer({ min: 0, max: 3 })) > 0;
      spec.security = {
        readOnlyRootFilesystem: ro,
        runAsUser: g(() => fc.integer({ min: 1, max: 65535 })),
        runAsGroup: g(() => fc.integer({ min: 1, max: 65535 })),
        fsGroup: g(() => fc.integer({ min: 1, max: 65535 })),
        ...(!ro || g(fc.boolean) ? { reason: 'the app writes its cache next to the code' } : {}),
      };
    }
    const env = g(() => envMap(4));
    for (const f of flags) delete env[f];
    spec.env = env;

    // Jobs: every process and job name, for consumers and usedBy.
    const jobs: string[] = [];
    if (hasMigration) {
      spec.migration = { command: ['alembic', 'upgrade', 'head'], ...(g(fc.boolean) ? { workingDir: '/app' } : {}), ...(g(fc.boolean) ? { backoffLimit: g(() => fc.integer({ min: 0, max: 10 })), activeDeadlineSeconds: g(() => fc.integer({ min: 30, max: 86400 })) } : {}) };
      jobs.push('migrate');
    }

    // Secrets: every source, every delivery.
    const secretNames = g(() => fc.uniqueArray(fc.constantFrom('DATABASE_URL', 'JWT_SECRET', 'REDIS_URL', 'OPENAI_API_KEY', 'SECRET_KEY', 'SMTP_PASSWORD'), { minLength: 1, maxLength: 4 }));
    const hasSecrets = g(fc.boolean);
    const hasRetention = hasSecrets && g(fc.boolean);
    const cron: Record<string, Json> = {};
    const cronCommon = () => ({
      ...(g(fc.boolean) ? { timeZone: g(() => timeZone) } : {}),
      ...(g(fc.boolean) ? { startingDeadlineSeconds: g(() => fc.integer({ min: 10, max: 86400 })), activeDeadlineSeconds: g(() => fc.integer({ min: 30, max: 86400 })) } : {}),
      ...(g(fc.boolean) ? { backoffLimit: g(() => fc.integer({ min: 0, max: 10 })), restartPolicy: g(() => fc.constantFrom('OnFailure', 'Never')) } : {}),
      ...(g(fc.boolean) ? { successfulJobsHistoryLimit: g(() => fc.integer({ min: 0, max: 20 })), failedJobsHistoryLimit: g(() => fc.integer({ min: 0, max: 20 })) } : {}),
    });
    if (cleanupVolume) {
      cron.tmpCleanup = {
        volume: cleanupVolume,
        ...(g(fc.boolean) ? { schedule: g(() => cronSchedule) } : {}),
        ...(g(fc.boolean) ? { subPath: 'tmp' } : {}),
        maxAgeHours: g(() => fc.integer({ min: 1, max: 720 })),
        ...(g(fc.boolean) ? { command: ['python', '-m', 'scripts.cleanup_tmp'] } : {}),
        ...cronCommon(),
      };
      jobs.push('tmp-cleanup');
    }
    if (hasRetention) {
      cron.retention = {
        tables: g(() => fc.uniqueArray(sqlIdent, { minLength: 1, maxLength: 3 })),
        ...(g(fc.boolean) ? { column: g(() => sqlIdent) } : {}),
        days: g(() => fc.integer({ min: 1, max: 3650 })),
        ...(g(fc.boolean) ? { batchSize: g(() => fc.integer({ min: 100, max: 100000 })) } : {}),
        databaseUrlSecret: g(() => fc.constantFrom(...secretNames)),
        ...(g(fc.boolean) ? { schedule: g(() => cronSchedule) } : {}),
        ...cronCommon(),
      };
      jobs.push('retention');
    }
    if (jobNames.length) {
      cron.jobs = {};
      for (const n of jobNames) {
        cron.jobs[n] = {
          schedule: g(() => cronSchedule),
          command: ['python', '-m', `jobs.${n.replace(/-/g, '_')}`],
          ...(g(fc.boolean) ? { env: g(() => envMap(2)) } : {}),
          ...mounts(n),
          ...cronCommon(),
        };
        jobs.push(n);
      }
    }
    if (Object.keys(cron).length) spec.cron = cron;
    const everyone = [...webNames, ...workerNames, ...singletonNames, ...jobs];

    if (hasSecrets) {
      const source = g(() => fc.constantFrom('existingSecret', 'externalSecret', 'sealedSecret'));
      const delivery = g(() => fc.constantFrom('files', 'dotenv', 'env'));
      const items: Record<string, Json> = {};
      // A .env file is one file per pod: its items share their consumers.
      const dotenvConsumers = delivery === 'dotenv' && g(fc.boolean) ? g(() => someOf(everyone, 1)) : undefined;
      if (dotenvConsumers && hasRetention && !dotenvConsumers.includes('retention')) dotenvConsumers.push('retention');
      for (const s of secretNames) {
        const item: Record<string, Json> = {};
        if (g(fc.boolean)) item.file = s.toLowerCase().replace(/_/g, '-');
        if (g(fc.boolean)) item.key = `${s.toLowerCase()}-key`;
        if (source === 'externalSecret') {
          item.remoteKey = `${serviceName}/app`;
          if (g(fc.boolean)) item.property = s.toLowerCase();
        }
        // kubeseal output: long, random-looking base64, public by design.
        if (source === 'sealedSecret') item.encrypted = `AgB${g(() => fc.base64String({ minLength: 64, maxLength: 128 }))}`;
        if (dotenvConsumers) item.consumers = [...dotenvConsumers];
        else if (delivery !== 'dotenv' && g(fc.boolean)) {
          const consumers = g(() => someOf(everyone, 1));
          // With files delivery the retention job reads the database URL from the shared secret files.
          if (hasRetention && cron.retention.databaseUrlSecret === s && !consumers.includes('retention')) consumers.push('retention');
          item.consumers = consumers;
        }
        items[s] = item;
      }
      spec.secrets = {
        source:
          source === 'existingSecret'
            ? { existingSecret: `${serviceName}-secrets` }
            : source === 'externalSecret'
              ? { externalSecret: { store: 'vault', storeKind: g(() => fc.constantFrom('SecretStore', 'ClusterSecretStore')), refreshInterval: g(() => fc.constantFrom('1h', '15m', '30s', '1h30m')) } }
              : { sealedSecret: { scope: g(() => fc.constantFrom('strict', 'namespace-wide', 'cluster-wide')) } },
        delivery,
        ...(delivery === 'dotenv' ? { dotenvPath: '/app/.env' } : {}),
        ...(delivery === 'files' && g(fc.boolean) ? { mountPath: '/run/app-secrets' } : {}),
        items,
      };
    }

    // Dependencies: in-cluster by pod labels, or outside by CIDR. A narrowed usedBy admits every
    // process given one of the dependency's secrets (berth refuses a spec that gives a process an
    // address it may not reach); its secrets are named, so no secret name links it by accident.
    if (depNames.length) {
      spec.dependencies = {};
      for (const d of depNames) {
        const inCluster = g(fc.boolean);
        let usedBy = g(fc.boolean) ? g(() => someOf(everyone, 1)) : undefined;
        const secrets = hasSecrets && g(fc.boolean) ? g(() => someOf(secretNames)) : usedBy ? [] : undefined;
        if (usedBy && secrets?.length) {
          const items = spec.secrets.items as Record<string, { consumers?: string[] }>;
          const given = secrets.flatMap((s) => [...(items[s].consumers ?? everyone), ...(hasRetention && cron.retention.databaseUrlSecret === s ? ['retention'] : [])]);
          usedBy = [...new Set([...usedBy, ...given])];
        }
        spec.dependencies[d] = {
          port: g(() => fc.integer({ min: 1, max: 65535 })),
          ...(g(() => fc.integer({ min: 0, max: 4 })) === 0 ? { protocol: 'UDP' } : {}),
          ...(g(fc.boolean) ? { host: `${d}.example.internal` } : {}),
          ...(inCluster
            ? { namespace: `${d}-db`, podLabels: { 'app.kubernetes.io/name': d } }
            : { cidr: `10.${g(() => fc.integer({ min: 0, max: 255 }))}.${g(() => fc.integer({ min: 0, max: 255 }))}.0/${g(() => fc.constantFrom(24, 32))}`.replace(/\.0\/32$/, '.7/32') }),
          ...(usedBy ? { usedBy } : {}),
          ...(secrets ? { secrets } : {}),
        };
      }
    }
    // The retention job connects to its database: some TCP dependency must admit it.
    if (hasRetention) {
      const deps = (spec.dependencies ?? {}) as Record<string, { protocol?: string; usedBy?: string[]; [field: string]: Json }>;
      const tcp = Object.values(deps).filter((d) => d.protocol !== 'UDP');
      if (!tcp.some((d) => d.usedBy === undefined || d.usedBy.includes('retention'))) {
        if (tcp.length) tcp[0].usedBy!.push('retention');
        // dnsLabel heads have at most 8 characters, so no process or dependency is named retention-db.
        else deps['retention-db'] = { port: 5432, namespace: 'retention-db', podLabels: { 'app.kubernetes.io/name': 'postgres' } };
        spec.dependencies = deps;
      }
    }
    // envValue holds https://app.example.com: an API listed here would be "given" to every process.
    const ext = g(() => fc.uniqueArray(hostname.filter((h) => h !== 'app.example.com'), { maxLength: 3 }));
    if (ext.length) {
      spec.externalHttps = ext;
      if (g(fc.boolean)) spec.externalHttpsUsedBy = g(() => someOf(everyone, 1));
    }

    // The edge, for whichever profile each environment (or the spec) picks.
    const overlays: Record<string, Record<string, Json>> = {};
    if (hasEdge) {
      const profile = g(fc.boolean) ? g(() => fc.constantFrom('nginx', 'traefik', 'gateway')) : undefined;
      const needsGateway = envs.some((e) => (profile ?? e.profile) === 'gateway' && !e.hasGateway);
      const internal = ['/metrics', '/__debug', '/admin', '/internal'].filter((x) => !routed.includes(x));
      spec.edge = {
        hosts: g(() => fc.uniqueArray(hostname, { minLength: 1, maxLength: 2 })),
        ...(profile ? { profile } : {}),
        ...(g(() => fc.integer({ min: 0, max: 3 })) === 0 ? { tls: g(() => fc.constantFrom({ clusterIssuer: 'letsencrypt-prod' }, { issuer: 'team-ca' }, { certificate: { issuer: 'corp-ca', issuerKind: 'Issuer' } })) } : {}),
        maxBodyMiB: g(() => fc.integer({ min: 1, max: 10240 })),
        websockets: g(fc.boolean),
        streaming: g(fc.boolean),
        timeoutSeconds: g(() => fc.integer({ min: 1, max: 86400 })),
        ...(g(fc.boolean) ? { hstsMaxAgeSeconds: g(() => fc.integer({ min: 0, max: 63072000 })) } : {}),
        internalPaths: g(() => someOf(internal)),
        ...(needsGateway || g(() => fc.integer({ min: 0, max: 4 })) === 0 ? { gateway: { name: 'public', namespace: 'gateway-system', ...(g(fc.boolean) ? { sectionName: 'https' } : {}) } } : {}),
      };
    }
    // Overlays change what environments usually change: hosts, config, replicas.
    for (const e of envs) {
      if (!g(fc.boolean)) continue;
      const o: Record<string, Json> = hasEdge ? { edge: { hosts: [`${serviceName}.${e.name}.example.com`] } } : {};
      if (g(fc.boolean)) o.env = g(() => envMap(2));
      for (const f of flags) if (o.env) delete o.env[f];
      const scalable = webNames.filter((n) => !mountsRwo(n) && !web[n].autoscaling);
      if (scalable.length && g(fc.boolean)) o.web = { [scalable[0]]: { replicas: g(() => fc.integer({ min: 1, max: 6 })) } };
      if (Object.keys(o).length) overlays[e.name] = o;
    }
    return { dir: serviceName, spec, overlays };
  });
}

// ---------------------------------------------------------------------------------------------
// A project
// ---------------------------------------------------------------------------------------------

const environment = (name: string, production: boolean) =>
  fc
    .record({
      profile: fc.constantFrom('nginx' as const, 'traefik' as const, 'gateway' as const),
      hasGateway: fc.boolean(),
      namesController: fc.boolean(),
      argocd: fc.option(fc.record({ prune: fc.boolean(), selfHeal: fc.boolean() }), { nil: undefined }),
      // NodeLocal DNSCache: its link-local address, and (kube-proxy in iptables mode) the kube-dns ClusterIP.
      dns: fc.option(fc.subarray(['169.254.20.10', '10.96.0.10'], { minLength: 1 }), { nil: undefined }),
    })
    .map(({ profile, hasGateway, namesController, argocd, dns }) => {
      const env: Record<string, Json> = {
        edgeProfile: profile,
        ingressClassName: profile === 'nginx' ? 'nginx' : profile === 'traefik' ? 'traefik' : 'gateway',
        clusterIssuer: production ? 'letsencrypt-prod' : 'letsencrypt-staging',
        ...(hasGateway ? { gateway: { name: 'shared', namespace: 'gateway-system' } } : {}),
        guardrails: true,
        production,
      };
      if (profile === 'nginx' && namesController) env.ingressController = { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } };
      if (profile === 'traefik' && namesController) env.ingressController = { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } };
      if (argocd) env.argocd = { project: 'platform', ...argocd };
      if (dns) env.dns = { extraAddresses: dns };
      return { name, env, edge: { name, profile, hasGateway, production } as EnvEdge };
    });

/** A valid project: staging and prod (any profile each), with one or two services. */
export function validProject(): fc.Arbitrary<ProjectCase> {
  // Not a namespace the cluster or Argo CD owns, and not another service's `<name>-ns` namespace.
  const serviceName = dnsLabel(9).filter((n) => n !== 'argocd' && !/^kube-/.test(n) && n !== 'default' && !n.endsWith('-ns'));
  return fc
    .tuple(environment('staging', false), environment('prod', true), fc.uniqueArray(serviceName, { minLength: 1, maxLength: 2 }), fc.integer({ min: 1, max: 40 }))
    .chain(([staging, prod, names, salt]) =>
      fc.tuple(...names.map((n, i) => serviceCase(n, [staging.edge, prod.edge], i * salt))).map((services) => ({
        // Two services never route one host and prefix (berth refuses it): a host the first service
        // already has moves under the second one's name. Overlay hosts are per service already.
        config: {
          repoURL: 'https://github.com/example/platform-gitops.git',
          targetRevision: 'main',
          environments: { staging: staging.env, prod: prod.env },
        },
        services: withOwnHosts(services),
      })),
    );
}

/** The services, with every base edge host taken by an earlier service prefixed by the later one's name. */
function withOwnHosts(services: ServiceCase[]): ServiceCase[] {
  const taken = new Set<string>();
  return services.map((svc) => {
    const edge = svc.spec.edge as { hosts: string[] } | undefined;
    if (!edge) return svc;
    const hosts = edge.hosts.map((h) => (taken.has(h) ? `${svc.dir}.${h}` : h));
    for (const h of hosts) taken.add(h);
    return { ...svc, spec: { ...svc.spec, edge: { ...edge, hosts } } };
  });
}

// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

/** A path into plain data. */
type Path = Array<string | number>;

function allPaths(data: Json, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(data)) data.forEach((v, i) => out.push([...prefix, i], ...allPaths(v, [...prefix, i])));
  else if (data && typeof data === 'object') for (const [k, v] of Object.entries(data)) out.push([...prefix, k], ...allPaths(v, [...prefix, k]));
  return out;
}

function parentOf(root: Json, path: Path): Json {
  let cur = root;
  for (const seg of path.slice(0, -1)) cur = cur[seg];
  return cur;
}

/**
 * Strings of any code points, lone surrogates included: what `fc.string({ unit: 'binary' })`
 * generates, without the table of every code point fast-check builds on its first use of that unit
 * (two seconds of CPU in every test file that uses it; it serves shrinking, which these runs skip).
 */
export function anyCodePoints(maxLength: number): fc.Arbitrary<string> {
  return fc.array(fc.integer({ min: 0, max: 0x10ffff }), { maxLength }).map((points) => String.fromCodePoint(...points));
}

/** Values that break types and ranges: the wrong type, out-of-range numbers, odd strings. */
const wildValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(-1, 0, 1, 65536, 2 ** 31, -(2 ** 53), 1e21, 0.5, Number.NaN, Number.POSITIVE_INFINITY, true, false, null, '', ' ', '0', 'latest', '/', '../..', '*', 'null', '~', '@daily'),
  fc.string({ maxLength: 40 }),
  anyCodePoints(20),
  fc.integer(),
  fc.double(),
  fc.array(fc.string({ maxLength: 8 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** A random key: a typo of a real one, a random string, or a name JavaScript objects carry. */
const wildKey: fc.Arbitrary<string> = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.constantFrom('constructor', 'toString', 'hasOwnProperty', 'value', 'replica', 'enviroment', 'ports', 'kind', 'apiVersion', 'internet-https', 'migrate', 'retention', 'tmp-cleanup', 'to-x', 'x-ingress', 'API', 'a.b', 'a/b', '-a', 'a'.repeat(64)),
);

/** One change to a spec as data. `at` picks the node among all nodes (modulo their count). */
export type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'set'; at: number; value: Json }
  | { kind: 'insert'; at: number; key: string; value: Json }
  | { kind: 'rename'; at: number; key: string }
  | { kind: 'copyName'; at: number; from: number }
  | { kind: 'retype'; at: number }
  | { kind: 'tweak'; at: number; how: number };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: wildValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), key: wildKey, value: wildValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), key: wildKey }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('copyName' as const), at: fc.nat(), from: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('retype' as const), at: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('tweak' as const), at: fc.nat(), how: fc.nat() }) },
);

/**
 * Near misses, the values a person gets almost right: a trailing slash, a `..`, an upper-case
 * letter, a value far too long, an octet past 255, a number one past its limit.
 */
const STRING_TWEAKS: ReadonlyArray<(s: string) => string> = [
  (s) => `${s}/`,
  (s) => `${s}/..`,
  (s) => `../${s}`,
  (s) => s.toUpperCase(),
  (s) => `${s} `,
  (s) => ` ${s}`,
  (s) => `${s}_x`,
  (s) => `${s}.`,
  (s) => `-${s}`,
  (s) => s.repeat(8),
  (s) => s.replace(/\d+/g, '999'),
  (s) => s.replace(/\d+/, '300'),
  (s) => s.replace(/\//g, ''),
  (s) => s.replace(/[a-z]/, (c) => c.toUpperCase()),
  (s) => `${s}\n`,
  (s) => `${s}:latest`,
  (s) => `${s}*`,
  () => '/',
  () => '.env',
  () => '..data',
];
const NUMBER_TWEAKS: ReadonlyArray<(n: number) => number> = [(n) => n + 1, (n) => n - 1, (n) => -n, (n) => n * 1000, (n) => n + 0.5, () => 0, () => 65536, () => 2 ** 31];


/** The same value as another type: 8000 → "8000", "x" → ["x"], {…} → [], [a] → a. */
function retype(v: Json): Json {
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : [v];
  if (typeof v === 'boolean') return v ? 'yes' : 0;
  if (Array.isArray(v)) return v.length ? v[0] : {};
  if (v && typeof v === 'object') return Object.keys(v);
  return 'null';
}

/** Applies one mutation to a deep copy; returns the copy. */
export function applyMutation(data: Json, m: Mutation): Json {
  const root = structuredClone(data);
  const paths = allPaths(root);
  if (paths.length === 0) return m.kind === 'insert' ? { [m.key]: m.value } : root;
  const path = paths[m.at % paths.length];
  const parent = parentOf(root, path);
  const last = path[path.length - 1];
  switch (m.kind) {
    case 'delete':
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete parent[last];
      break;
    case 'set':
      parent[last] = m.value;
      break;
    case 'retype':
      parent[last] = retype(parent[last]);
      break;
    case 'tweak': {
      const v = parent[last];
      if (typeof v === 'string') parent[last] = STRING_TWEAKS[m.how % STRING_TWEAKS.length](v);
      else if (typeof v === 'number') parent[last] = NUMBER_TWEAKS[m.how % NUMBER_TWEAKS.length](v);
      else if (typeof v === 'boolean') parent[last] = !v;
      else if (!Array.isArray(parent) && typeof last === 'string') {
        // A key: tweak the name itself (a process, a volume, a secret item, a dependency).
        const key = STRING_TWEAKS[m.how % STRING_TWEAKS.length](last);
        delete parent[last];
        Object.defineProperty(parent, key, { value: v, enumerable: true, writable: true, configurable: true });
      }
      break;
    }
    case 'insert': {
      const target = parent[last];
      if (target && typeof target === 'object' && !Array.isArray(target)) Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      else if (Array.isArray(target)) target.push(m.value);
      // Next to a scalar: a new key of its object, or a new item of its list (never a property of an array).
      else if (Array.isArray(parent)) parent.push(m.value);
      else Object.defineProperty(parent, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      break;
    }
    case 'rename':
    case 'copyName': {
      // Renames a key (a process, volume, dependency, secret…): to a random name, or to another key of the spec.
      if (Array.isArray(parent)) {
        parent[last as number] = m.kind === 'rename' ? m.key : String(paths[m.from % paths.length].slice(-1)[0]);
        break;
      }
      const key = m.kind === 'rename' ? m.key : String(paths[m.from % paths.length].slice(-1)[0]);
      const value = parent[last];
      delete parent[last];
      Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
      break;
    }
  }
  return root;
}

/** One change to YAML text: truncation, a stray character, a lost or doubled line. */
export type TextMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'insertChar'; at: number; char: string }
  | { kind: 'deleteLine'; at: number }
  | { kind: 'duplicateLine'; at: number }
  | { kind: 'indentLine'; at: number; by: string };

export const textMutation: fc.Arbitrary<TextMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insertChar' as const), at: fc.nat(), char: fc.oneof(fc.constantFrom(':', '-', '[', '{', '"', "'", '&', '*', '!', '|', '>', '#', '%', '@', '`', '\t', '\n', ' ', '\u0000', '\uFEFF'), fc.string({ minLength: 1, maxLength: 3 })) }),
  fc.record({ kind: fc.constant('deleteLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateLine' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('indentLine' as const), at: fc.nat(), by: fc.constantFrom(' ', '  ', '\t', '-') }),
);

export function applyTextMutation(text: string, m: TextMutation): string {
  const lines = text.split('\n');
  const line = m.at % Math.max(1, lines.length);
  switch (m.kind) {
    case 'truncate':
      return text.slice(0, m.at % (text.length + 1));
    case 'insertChar': {
      const at = m.at % (text.length + 1);
      return text.slice(0, at) + m.char + text.slice(at);
    }
    case 'deleteLine':
      return [...lines.slice(0, line), ...lines.slice(line + 1)].join('\n');
    case 'duplicateLine':
      return [...lines.slice(0, line + 1), ...lines.slice(line)].join('\n');
    case 'indentLine':
      return [...lines.slice(0, line), m.by + lines[line], ...lines.slice(line + 1)].join('\n');
  }
}

/** Which file of the project a mutation lands in. */
export type Target = { file: 'spec' | 'overlay' | 'config'; service: number };

/** A valid project and the mutations that break it (as data, or as text afterwards). */
export interface MutatedProject {
  readonly project: ProjectCase;
  readonly target: Target;
  readonly mutations: readonly Mutation[];
  readonly textMutations: readonly TextMutation[];
}

export function mutatedProject(): fc.Arbitrary<MutatedProject> {
  const target = fc.record({ file: fc.constantFrom('spec', 'spec', 'spec', 'spec', 'overlay', 'config'), service: fc.nat() }) as fc.Arbitrary<Target>;
  // No .filter here: with fast-check 4.10.2 a filtered record holding an fc.gen value loses its other keys.
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ project: validProject(), target, mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }), textMutations: fc.array(textMutation, { maxLength: 1 }) }) },
    { weight: 1, arbitrary: fc.record({ project: validProject(), target, mutations: fc.constant([]), textMutations: fc.array(textMutation, { minLength: 1, maxLength: 2 }) }) },
  );
}

/** The files of a mutated project: data mutations first, then text mutations on that file. */
export function mutatedFiles(m: MutatedProject): ProjectFiles {
  const files = toFiles(m.project);
  const s = m.project.services[m.target.service % m.project.services.length];
  let path: string;
  let data: Json;
  if (m.target.file === 'config') {
    path = 'berth.yaml';
    data = m.project.config;
  } else if (m.target.file === 'overlay' && Object.keys(s.overlays).length) {
    const env = Object.keys(s.overlays).sort()[0];
    path = `charts/${s.dir}/${env}.yaml`;
    data = s.overlays[env];
  } else {
    path = `charts/${s.dir}/service.yaml`;
    data = s.spec;
  }
  for (const mu of m.mutations) data = applyMutation(data, mu);
  let text = toYaml(data);
  for (const tm of m.textMutations) text = applyTextMutation(text, tm);
  if (path === 'berth.yaml') return { config: { path, text }, charts: files.charts };
  const charts = files.charts.filter((f) => f.path !== path);
  charts.push({ path, text });
  return { config: files.config, charts };
}

// ---------------------------------------------------------------------------------------------
// Running properties
// ---------------------------------------------------------------------------------------------

/** The seed of every property: fixed, so a CI failure replays; `FUZZ_SEED` picks another. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261122);

/** Runs per property: `FUZZ_RUNS` (`npm run fuzz` sets 10,000 unless you set it), else the CI-sized default. */
export function fuzzRuns(ciDefault: number): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : ciDefault;
}

/** Renders project files for a failure report: each file's path, then its text. */
export function describeFiles(files: ProjectFiles, maxChars = 8000): string {
  const text = [files.config, ...files.charts].map((f) => `--- ${f.path}\n${f.text}`).join('\n');
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n… (${text.length - maxChars} more characters)` : text;
}

/** Runs `check`; on failure, appends the files it was given to the error, as a person reads them. */
export function withFiles<T>(files: ProjectFiles, check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof Error) e.message += `\n\nThe project, as files:\n${describeFiles(files)}`;
    throw e;
  }
}

/** A jest timeout for a property: generous per run, so only a hang trips it. */
export function fuzzTimeout(runs: number, msPerRun = 1500): number {
  return 60_000 + runs * msPerRun;
}

/**
 * `fc.assert` with the fixed seed; on failure the error starts with the command that replays
 * it (fast-check's own report, with the counterexample and its seed and path, follows).
 */
export function assertProperty<T>(property: fc.IPropertyWithHooks<T> | fc.IProperty<T>, runs: number, name: string): { ms: number } {
  const t0 = Date.now();
  try {
    fc.assert(property as fc.IProperty<T>, assertOptions(runs));
  } catch (e) {
    throw replayable(e, runs, name);
  }
  return { ms: Date.now() - t0 };
}

/** {@link assertProperty} for a property whose predicate is async (one that runs CLI commands in process). */
export async function assertAsyncProperty<T>(property: fc.IAsyncPropertyWithHooks<T> | fc.IAsyncProperty<T>, runs: number, name: string): Promise<{ ms: number }> {
  const t0 = Date.now();
  try {
    await fc.assert(property as fc.IAsyncProperty<T>, assertOptions(runs));
  } catch (e) {
    throw replayable(e, runs, name);
  }
  return { ms: Date.now() - t0 };
}

/** The options of every property: the fixed seed, FUZZ_PATH, and no shrinking unless asked for. */
function assertOptions(runs: number): fc.Parameters<unknown> {
  const path = process.env.FUZZ_PATH;
  return {
    seed: FUZZ_SEED,
    numRuns: runs,
    ...(path ? { path } : {}),
    // Shrinking these generators runs the property thousands of times (over 25 minutes and 4 GB
    // for one mutated project): a failure is reported as found, with its files, seed and path;
    // FUZZ_SHRINK=1 with FUZZ_PATH shrinks that one case.
    endOnFailure: process.env.FUZZ_SHRINK !== '1',
    // Shrinking an expensive property can run for long: stop in time to report what was found.
    interruptAfterTimeLimit: fuzzTimeout(runs) - 30_000,
    markInterruptAsFailure: true,
  };
}

/** A property's failure, starting with the command that replays it. */
function replayable(e: unknown, runs: number, name: string): unknown {
  const err = e as Error;
  err.message = `fuzz property "${name}" failed; replay with FUZZ_SEED=${FUZZ_SEED} FUZZ_RUNS=${runs}, add FUZZ_PATH=<path from the report below> to replay just that case and FUZZ_SHRINK=1 to shrink it\n\n${err.message}`;
  return err;
}
