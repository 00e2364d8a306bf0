/**
 * The resolved model: every default applied and every derived fact worked out once, from the
 * spec and the environment.
 */
import { resolveService, ServiceModel } from '../../src/model/service-model';
import { ServiceSpec, ServiceSpecInput } from '../../src/spec/schema';
import { checkSemantics } from '../../src/spec/semantics';
import { environment, specInput } from '../helpers';

const model = (overrides: Partial<ServiceSpecInput>, env = environment(), envName = 'staging'): ServiceModel => resolveService(ServiceSpec.parse(specInput(overrides)), env, envName);

const full: Partial<ServiceSpecInput> = {
  workingDir: '/app',
  web: {
    api: { port: 8000, health: { liveness: '/health' }, public: true, paths: ['/'], mounts: ['uploads'], replicas: 1, metrics: { path: '/metrics' } },
    auth: { port: 6001, health: { liveness: '/health' }, public: false, allowFrom: ['api'], urlEnv: 'AUTH_URL' },
    static: { port: 8080, image: 'registry.example.com/static:1.0.0', health: { liveness: '/' }, public: true, paths: ['/static'] },
  },
  workers: { queue: { command: ['celery', 'worker'], calls: ['auth'] } },
  singletons: { beat: { like: 'api', flag: 'RUN_SCHEDULER', env: { EXTRA: '1' } } },
  migration: { command: ['alembic', 'upgrade', 'head'] },
  volumes: { uploads: { size: '1Gi', mountPath: '/data/uploads' } },
  cron: {
    tmpCleanup: { volume: 'uploads', maxAgeHours: 24 },
    retention: { schedule: '0 3 * * *', tables: ['events'], column: 'created_at', days: 30, databaseUrlSecret: 'DATABASE_URL' },
    jobs: { report: { schedule: '@daily', command: ['python', '-m', 'report'], workingDir: '/reports' } },
  },
  secrets: { source: { existingSecret: 'demo-env' }, items: { DATABASE_URL: {}, JWT_SECRET: { file: 'jwt', consumers: ['api', 'auth'] } } },
  dependencies: { postgres: { port: 5432, namespace: 'db', podLabels: { app: 'pg' }, usedBy: ['api', 'migrate', 'retention'] } },
  externalHttps: ['api.example.com'],
  edge: { hosts: ['demo.example.com'], internalPaths: ['/admin'] },
};

describe('resolveService', () => {
  test('the namespace is the service name unless the spec sets one', () => {
    expect(model({}).namespace).toBe('demo');
    expect(model({ namespace: 'demo-ns' }).namespace).toBe('demo-ns');
  });

  test('one uniform list of processes: kind, name, field, object name, in spec order', () => {
    expect(model(full).processes.map((p) => [p.kind, p.cron ?? '', p.name, p.field, p.objectName])).toEqual([
      ['web', '', 'api', 'web.api', 'demo-api'],
      ['web', '', 'auth', 'web.auth', 'demo-auth'],
      ['web', '', 'static', 'web.static', 'demo-static'],
      ['worker', '', 'queue', 'workers.queue', 'demo-queue'],
      ['singleton', '', 'beat', 'singletons.beat', 'demo-beat'],
      ['migration', '', 'migrate', 'migration', 'demo-migrate'],
      ['cronjob', 'tmp-cleanup', 'tmp-cleanup', 'cron.tmpCleanup', 'demo-tmp-cleanup'],
      ['cronjob', 'retention', 'retention', 'cron.retention', 'demo-retention'],
      ['cronjob', 'generic', 'report', 'cron.jobs.report', 'demo-report'],
    ]);
  });

  test('images, commands and working directories are resolved once', () => {
    const m = model(full);
    const p = (name: string) => m.processes.find((x) => x.name === name)!;
    expect([p('api').image, p('api').workingDir]).toEqual(['registry.example.com/demo:1.0.0', '/app']);
    // A process with an image of its own keeps that image's WORKDIR.
    expect([p('static').image, p('static').workingDir]).toEqual(['registry.example.com/static:1.0.0', undefined]);
    expect([p('beat').image, p('beat').workingDir, p('beat').env]).toEqual(['registry.example.com/demo:1.0.0', '/app', { EXTRA: '1' }]);
    expect(p('report').workingDir).toBe('/reports');
    // The built-in scripts run berth's own image, with no app command.
    expect([p('tmp-cleanup').image, p('tmp-cleanup').command, p('retention').image]).toEqual([undefined, undefined, undefined]);
    expect(p('report').schedule?.schedule).toBe('@daily');
    expect(p('api').labels).toEqual({ 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': 'api', 'app.kubernetes.io/part-of': 'demo', 'app.kubernetes.io/managed-by': 'berth' });
  });

  test('who calls whom, who may reach whom, and who may leave the cluster', () => {
    const m = model(full);
    const p = (name: string) => m.processes.find((x) => x.name === name)!;
    expect(p('auth').callers).toEqual(['api', 'queue']);
    expect([p('api').calls, p('queue').calls, p('beat').calls]).toEqual([['auth'], ['auth'], []]);
    expect(m.dependencies.map((d) => [d.name, d.users])).toEqual([['postgres', ['api', 'migrate', 'retention']]]);
    expect(m.processes.filter((x) => x.dependencies.includes('postgres')).map((x) => x.name)).toEqual(['api', 'migrate', 'retention']);
    // The built-in jobs never call an API; the app's own code may.
    expect(m.internetCallers).toEqual(['api', 'auth', 'static', 'queue', 'beat', 'report']);
    expect(m.processes.filter((x) => x.internet).map((x) => x.name)).toEqual(m.internetCallers);
  });

  test('secret items: file, key and consumers defaulted once, and what each process is given', () => {
    const m = model(full);
    expect(m.secrets?.secretName).toBe('demo-env');
    expect(m.secrets?.items.map((i) => [i.name, i.file, i.key, i.everyone])).toEqual([
      ['DATABASE_URL', 'database_url', 'database_url', true],
      ['JWT_SECRET', 'jwt', 'jwt', false],
    ]);
    const p = (name: string) => m.processes.find((x) => x.name === name)!;
    expect([p('api').secretItems, p('queue').secretItems, p('retention').secretItems, p('tmp-cleanup').secretItems]).toEqual([['DATABASE_URL', 'JWT_SECRET'], ['DATABASE_URL'], ['DATABASE_URL'], []]);
    expect(model({ secrets: { source: { sealedSecret: {} }, items: { A: { encrypted: 'x'.repeat(20) } } } }).secrets?.secretName).toBe('demo-secrets');
  });

  test('volumes: claim names and the processes that mount them (the cleanup job mounts its own)', () => {
    expect(model(full).volumes.map((v) => [v.name, v.claimName, v.users, v.accessMode])).toEqual([['uploads', 'demo-uploads', ['api'], 'ReadWriteOnce']]);
  });
});

describe('the edge in the model', () => {
  const traefik = environment({ edgeProfile: 'traefik', ingressClassName: 'traefik-ext', clusterIssuer: 'letsencrypt-staging' });

  test('the service profile wins over the environment, and so does its controller', () => {
    const m = model({ ...full, edge: { hosts: ['demo.example.com'], profile: 'nginx' } }, traefik);
    expect([m.edgeProfile, m.edge?.profile]).toEqual(['nginx', 'nginx']);
    expect(m.ingressController).toEqual({ namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } });
  });

  test('class, TLS, routes and internal paths (metrics paths on the public port included) resolved with the environment', () => {
    const edge = model(full, traefik).edge!;
    expect(edge.className).toBe('traefik-ext');
    expect(edge.tls).toEqual({ clusterIssuer: 'letsencrypt-staging' });
    expect(edge.routes).toEqual([{ process: 'api', path: '/' }, { process: 'static', path: '/static' }]);
    expect(edge.internalPaths).toEqual(['/admin', '/metrics']);
    expect(edge.hstsMaxAgeSeconds).toBe(31536000);
  });

  test('no edge: the environment profile still picks the controller that reaches public processes', () => {
    const m = model({}, traefik);
    expect(m.edge).toBeUndefined();
    expect(m.edgeProfile).toBe('traefik');
    expect(m.ingressController?.namespace).toBe('traefik');
  });

  test('a Gateway from the environment when the spec names none', () => {
    const gw = environment({ edgeProfile: 'gateway', gateway: { name: 'shared', namespace: 'gateways' } });
    const edge = model({ edge: { hosts: ['demo.example.com'] } }, gw).edge!;
    expect(edge.gateway).toEqual({ name: 'shared', namespace: 'gateways' });
  });
});

describe('the spec the tests above resolve', () => {
  test('is valid: the cross-field rules, which run on the model, find nothing', () => {
    const spec = ServiceSpec.parse(specInput(full));
    const env = environment();
    expect(checkSemantics(spec, env, 'staging', resolveService(spec, env, 'staging'))).toEqual([]);
  });
});
