/**
 * The public entrance, end to end: for every reference system in both environments, the
 * synthesized route objects send `/` (or the first public path) to the app and deny every
 * internal path; and one service (rag) routes the same way under each controller profile.
 */
import { App } from 'cdk8s';
import { ServiceChart } from '../../src/chart/service-chart';
import { inferModel, routeRequest, RoutingModel } from '../../src/explain/routing';
import { loadRepo, synthRepo } from '../../src/main';
import { Environment, ServiceSpec, ServiceSpecInput } from '../../src/spec/schema';

const root = process.cwd();
const output = synthRepo({ root });
const project = loadRepo(root);

/** The objects written to dist/<env>/<service>/. */
const unit = (env: string, service: string) => output.manifests.filter((m) => m.file.startsWith(`dist/${env}/${service}/`)).map((m) => m.object);

/** What each reference system must route, and what it must never let through. */
const systems: Record<string, { public: Array<[string, string]>; internal: string[] }> = {
  rag: {
    public: [['/', 'rag-frontend:http'], ['/api/chat/stream', 'rag-backend:http'], ['/health', 'rag-backend:http'], ['/assets/app.js', 'rag-frontend:http']],
    internal: ['/metrics', '/metrics/', '/metrics/extra'],
  },
  reporting: {
    public: [['/', 'reporting-api:http'], ['/api/healthz', 'reporting-api:http'], ['/api/reports/7', 'reporting-api:http']],
    internal: ['/api/metrics', '/api/metrics/'],
  },
  'vector-chat': {
    public: [['/', 'vector-chat-app:http'], ['/ws', 'vector-chat-app:http'], ['/health', 'vector-chat-app:http']],
    internal: ['/__debug', '/__debug/', '/__debug/sqlite', '/__debug/milvus/collections'],
  },
  fluxion: { public: [['/', 'fluxion-api:http'], ['/ws/chat', 'fluxion-api:http'], ['/openapi.json', 'fluxion-api:http']], internal: [] },
  george: { public: [['/', 'george-frontend:http'], ['/api/projects', 'george-api:http'], ['/api', 'george-api:http']], internal: [] },
};
const envModels: Record<string, RoutingModel> = { staging: 'traefik', prod: 'nginx' };

describe.each(Object.keys(envModels))('%s: every reference system', (env) => {
  test.each(Object.keys(systems))('%s: public paths reach the app, internal paths are denied', (service) => {
    const objects = unit(env, service);
    expect(inferModel(objects)).toBe(envModels[env]);
    const spec = project.units.find((u) => u.env === env && u.name === service)!.spec;
    const hosts = spec.edge!.hosts;
    expect(hosts.length).toBeGreaterThan(0);
    for (const host of hosts) {
      for (const [path, want] of systems[service].public) {
        expect({ host, path, ...routeRequest(objects, { host, path }) }).toMatchObject({ host, path, routed: want });
      }
      for (const path of systems[service].internal) {
        expect({ host, path, ...routeRequest(objects, { host, path }) }).toMatchObject({ host, path, routed: 'blocked' });
      }
      // Plain HTTP is turned away to HTTPS before anything is routed.
      expect(routeRequest(objects, { host, path: '/' }, { scheme: 'http' }).routed).toBe('redirected');
      // Another host gets nothing from this service.
      expect(routeRequest(objects, { host: 'other.example.org', path: '/' }).routed).toBe('none');
    }
  });

  test('every metrics path served on a public port is blocked, even when the spec does not list it', () => {
    for (const u of project.units.filter((x) => x.env === env)) {
      const objects = unit(env, u.name);
      for (const p of Object.values(u.spec.web)) {
        if (!p.public || !p.metrics || p.metrics.port !== undefined) continue;
        expect({ service: u.name, ...routeRequest(objects, { host: u.spec.edge!.hosts[0], path: p.metrics.path }) }).toMatchObject({ service: u.name, routed: 'blocked' });
      }
    }
  });

  test('george: no path reaches the six internal services', () => {
    const objects = unit(env, 'george');
    const internal = ['auth', 'filesystem', 'chroma', 'billing', 'git', 'external-data'].map((n) => `george-${n}`);
    for (const path of ['/', '/api', '/auth', '/filesystem/x', '/billing', '/internal', '/api/auth/login']) {
      const { routed } = routeRequest(objects, { host: 'george.example.com', path });
      for (const svc of internal) expect(routed.startsWith(`${svc}:`)).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// One service, three controller profiles
// ---------------------------------------------------------------------------------------------

/** rag, reduced to what the edge sees: a backend with metrics on its public port and a frontend. */
const rag: ServiceSpecInput = {
  name: 'rag',
  image: 'registry.example.com/rag-backend:1.4.2',
  web: {
    backend: { port: 8000, paths: ['/api', '/health'], health: { liveness: '/health' }, metrics: { path: '/metrics', multiprocess: true } },
    frontend: { server: 'other', image: 'registry.example.com/rag-frontend:1.4.2', port: 8080, paths: ['/'], health: { liveness: '/' } },
  },
  edge: { hosts: ['rag.example.com'], maxBodyMiB: 25, streaming: true, timeoutSeconds: 300 },
};

function synthProfile(profile: RoutingModel): any[] {
  const env = Environment.parse({
    edgeProfile: profile,
    ingressClassName: profile === 'gateway' ? 'unused' : profile,
    gateway: { name: 'public', namespace: 'gateway', sectionName: 'https' },
  });
  const spec = ServiceSpec.parse(rag);
  return new ServiceChart(new App({ outdir: '/nonexistent' }), 'rag', { spec, env, envName: 'test' }).toJson();
}

describe.each(['traefik', 'nginx', 'gateway'] as RoutingModel[])('rag on the %s profile', (profile) => {
  const objects = synthProfile(profile);

  test('writes the objects of that profile', () => {
    expect(inferModel(objects)).toBe(profile);
    const kinds = new Set(objects.map((o) => o.kind));
    expect(kinds.has(profile === 'gateway' ? 'HTTPRoute' : 'Ingress')).toBe(true);
    expect(kinds.has('Middleware')).toBe(profile === 'traefik');
  });

  test.each([
    ['/', 'rag-frontend:http'],
    ['/index.html', 'rag-frontend:http'],
    ['/api', 'rag-backend:http'],
    ['/api/chat/stream', 'rag-backend:http'],
    ['/health', 'rag-backend:http'],
    ['/metrics', 'blocked'],
    ['/metrics/', 'blocked'],
    ['/metrics/anything', 'blocked'],
  ])('%s → %s', (path, want) => {
    expect(routeRequest(objects, { host: 'rag.example.com', path }).routed).toBe(want);
  });

  test('the metrics path was added to the blocked paths automatically (the spec lists no internalPaths)', () => {
    const blocks = objects.filter((o) => o.metadata?.annotations?.['berth.dev/route-role'] === 'block');
    expect(blocks.map((o) => o.metadata.annotations['berth.dev/internal-paths'])).toEqual(['/metrics']);
  });

  test('without the block object, /metrics would reach the app: the block is what denies it', () => {
    const open = objects.filter((o) => o.metadata?.annotations?.['berth.dev/route-role'] !== 'block');
    expect(routeRequest(open, { host: 'rag.example.com', path: '/metrics' }).routed).toBe('rag-frontend:http');
  });
});

describe('where the profiles differ', () => {
  test('Traefik turns an Ingress Prefix into a string prefix: /apix reaches the /api backend there only', () => {
    expect(routeRequest(synthProfile('nginx'), { host: 'rag.example.com', path: '/apix' }).routed).toBe('rag-frontend:http');
    expect(routeRequest(synthProfile('gateway'), { host: 'rag.example.com', path: '/apix' }).routed).toBe('rag-frontend:http');
    expect(routeRequest(synthProfile('traefik'), { host: 'rag.example.com', path: '/apix' }).routed).toBe('rag-backend:http');
  });

  test('Traefik: a missing allowlist Middleware disables the blocking router (why Middlewares sync first)', () => {
    const objects = synthProfile('traefik').filter((o) => !(o.kind === 'Middleware' && o.metadata.name === 'rag-internal-only'));
    expect(routeRequest(objects, { host: 'rag.example.com', path: '/metrics' }).routed).toBe('rag-frontend:http');
  });

  test('ingress-nginx: the allowlist admits loopback, the denylist refuses even that', () => {
    const objects = synthProfile('nginx');
    expect(routeRequest(objects, { host: 'rag.example.com', path: '/metrics', clientIp: '127.0.0.1' }).routed).toBe('blocked');
    const allowOnly = objects.map((o) =>
      o.metadata?.name === 'rag-internal'
        ? { ...o, metadata: { ...o.metadata, annotations: { ...o.metadata.annotations, 'nginx.ingress.kubernetes.io/denylist-source-range': undefined } } }
        : o,
    );
    expect(routeRequest(allowOnly, { host: 'rag.example.com', path: '/metrics', clientIp: '127.0.0.1' }).routed).toBe('rag-frontend:http');
    expect(routeRequest(allowOnly, { host: 'rag.example.com', path: '/metrics' }).routed).toBe('blocked');
  });
});
