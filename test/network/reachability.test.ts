/**
 * What the NetworkPolicies of the five reference systems ALLOW, in both environments, on the
 * real synthesized output: endpoints are built here from the spec and from the pod templates
 * the workload constructs wrote, and every verdict comes from the NetworkPolicy evaluator.
 * Nothing here looks at the shape of the YAML.
 */
import { explainService } from '../../src/explain/explain';
import { Endpoint, evaluate, ExternalEndpoint, NetworkPolicy, PodEndpoint, Protocol } from '../../src/explain/reachability';
import { buildOutput } from '../../src/app';
import { loadRepo } from '../../src/main';
import { Environment, ServiceSpec } from '../../src/spec/schema';
import { processNames } from '../../src/spec/processes';
import { REPO } from '../helpers';

const project = loadRepo(REPO);
// The project loaded above, synthesized as `berth synth` does (synthRepo would load it again).
const output = buildOutput(project);
const environments = project.config.environments;

interface Unit {
  readonly env: string;
  readonly service: string;
  readonly spec: ServiceSpec;
  readonly environment: Environment;
  readonly objects: any[];
  readonly policies: NetworkPolicy[];
  readonly namespace: string;
  /** One pod per process and job, by process name. */
  readonly pods: ReadonlyMap<string, PodEndpoint>;
}

const external = (ip: string, name?: string): ExternalEndpoint => ({ kind: 'external', ip, name });
const pod = (namespace: string, name: string, labels: Record<string, string>, ip?: string): PodEndpoint => ({ kind: 'pod', namespace, name, labels, ip });

/** Pod templates of the workloads in the output, by their component label. */
function templates(objects: readonly any[]): Map<string, any> {
  const out = new Map<string, any>();
  for (const o of objects) {
    const t = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : ['Deployment', 'Job'].includes(o.kind) ? o.spec.template : undefined;
    if (t) out.set(t.metadata.labels['app.kubernetes.io/component'], t);
  }
  return out;
}

function unitOf(env: string, service: string, spec: ServiceSpec): Unit {
  const objects: any[] = output.manifests.filter((m) => m.file.startsWith(`dist/${env}/${service}/`)).map((m) => m.object);
  const namespace = spec.namespace ?? spec.name;
  const nsLabels = objects.find((o) => o.kind === 'Namespace').metadata.labels;
  const byComponent = templates(objects);
  const names = processNames(spec);
  const pods = new Map<string, PodEndpoint>();
  [...names.web, ...names.workers, ...names.singletons, ...names.jobs].forEach((name, i) => {
    const t = byComponent.get(name);
    // The real pod labels and ports; a job whose construct is not in this build yet gets the
    // labels every berth workload carries, so its policies are still checked.
    const labels = t?.metadata.labels ?? { 'app.kubernetes.io/name': spec.name, 'app.kubernetes.io/component': name };
    const ports = (t?.spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => ({ name: p.name, port: p.containerPort, protocol: p.protocol ?? 'TCP' })));
    pods.set(name, { kind: 'pod', namespace, namespaceLabels: nsLabels, name, labels, ports, ip: `10.244.${i + 1}.7` });
  });
  return { env, service, spec, environment: environments[env], objects, policies: objects.filter((o) => o.kind === 'NetworkPolicy'), namespace, pods };
}

const units: Unit[] = project.units.map((u) => unitOf(u.env, u.name, u.spec));
const unitTable = units.map((u) => [`${u.service} in ${u.env}`, u] as const);

const allows = (u: Unit, from: Endpoint, to: Endpoint, port: number, protocol: Protocol = 'TCP') => evaluate(u.policies, from, to, port, protocol).allowed;

/** A verdict to check: who connects to whom, on which port, and whether it must be allowed. */
type Case = readonly [from: Endpoint, to: Endpoint, port: number, allowed: boolean, protocol?: Protocol];
const endpointName = (e: Endpoint) => (e.kind === 'external' ? e.ip : `${e.namespace}/${e.name}`);

/**
 * The cases whose verdict is not the one expected, one line each. A test checks thousands of
 * verdicts with one `expect` on this list (empty when all are right, never when there was nothing
 * to check) rather than one per verdict:
 * jest's cost per call, a stack trace each, was most of this file's time; a failure lists every
 * wrong verdict.
 */
function wrongVerdicts(u: Unit, cases: readonly Case[]): string[] {
  // An empty list would pass having checked nothing.
  if (cases.length === 0) return [`no cases for ${u.spec.name}: the test checked nothing`];
  return cases
    .filter(([from, to, port, allowed, protocol]) => allows(u, from, to, port, protocol) !== allowed)
    .map(([from, to, port, allowed, protocol = 'TCP']) => `${endpointName(from)} → ${endpointName(to)} on ${port}/${protocol} is ${allowed ? 'denied' : 'allowed'}`);
}

/** Every port something listens on in the service: the web ports and separate metrics ports. */
function listening(u: Unit): Array<{ process: string; pod: PodEndpoint; port: number; kind: 'http' | 'metrics' }> {
  return Object.entries(u.spec.web).flatMap(([name, w]) => [
    { process: name, pod: u.pods.get(name)!, port: w.port, kind: 'http' as const },
    ...(w.metrics?.port ? [{ process: name, pod: u.pods.get(name)!, port: w.metrics.port, kind: 'metrics' as const }] : []),
  ]);
}

/** Ports worth knocking on: where things listen, plus a few that must never be open. */
function knockPorts(u: Unit): number[] {
  return [...new Set([...listening(u).map((l) => l.port), 22, 80, 443, 5432, 8080])];
}

const controllerOf = (u: Unit) => {
  const c = u.environment.ingressController!;
  return pod(c.namespace, 'controller', { ...c.podLabels }, '10.244.201.3');
};
const prometheusOf = (u: Unit) => pod(u.environment.prometheus.namespace, 'prometheus', { ...u.environment.prometheus.podLabels }, '10.244.202.3');
const stranger = pod('default', 'stranger', { app: 'stranger' }, '10.244.200.3');
const internetClient = external('203.0.113.10', 'internet client');
const dns = pod('kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, '10.244.203.3');

/** Who may call a web process, as the spec declares it: its allowFrom, and workers/singletons whose calls name it. */
function declaredCallers(spec: ServiceSpec, web: string): Set<string> {
  const calls = [...Object.entries(spec.workers), ...Object.entries(spec.singletons)].filter(([, p]) => p.calls.includes(web)).map(([n]) => n);
  return new Set([...spec.web[web].allowFrom, ...calls]);
}

function dependencyEndpoint(name: string, d: ServiceSpec['dependencies'][string]): Endpoint {
  if (d.cidr) return external(d.cidr.split('/')[0], name);
  return pod(d.namespace!, name, { ...d.podLabels }, '10.244.210.3');
}

test('the reference systems and ledger are synthesized in both environments', () => {
  expect(units.map((u) => `${u.env}/${u.service}`).sort()).toEqual(
    ['prod', 'staging'].flatMap((e) => ['fluxion', 'george', 'ledger', 'rag', 'reporting', 'vector-chat'].map((s) => `${e}/${s}`)),
  );
  // The environments name their controllers; the checks below rely on it.
  expect(environments.staging.ingressController).toEqual({ namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } });
  expect(environments.prod.ingressController).toEqual({ namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } });
});

describe.each(unitTable)('%s', (_title, u) => {
  test('every NetworkPolicy lives in the service namespace and selects only its pods', () => {
    expect(u.policies.length).toBeGreaterThan(0);
    for (const p of u.policies) {
      expect(p.metadata.namespace).toBe(u.namespace);
      expect(p.spec.podSelector?.matchLabels?.['app.kubernetes.io/name']).toBe(u.service);
    }
  });

  test('a stranger, a pod wearing the controller or Prometheus labels elsewhere, and the internet reach nothing', () => {
    const impostors = [
      stranger,
      pod('default', 'fake-controller', { ...u.environment.ingressController!.podLabels }),
      pod(u.environment.ingressController!.namespace, 'other-pod', { app: 'something-else' }),
      pod('default', 'fake-prometheus', { ...u.environment.prometheus.podLabels }),
      internetClient,
    ];
    const cases: Case[] = [];
    for (const from of impostors) {
      for (const to of u.pods.values()) {
        for (const port of knockPorts(u)) cases.push([from, to, port, false]);
      }
    }
    expect(wrongVerdicts(u, cases)).toEqual([]);
  });

  test('the ingress controller reaches only the http ports of public web processes', () => {
    const controller = controllerOf(u);
    const cases: Case[] = [];
    for (const [name, target] of u.pods) {
      const web = u.spec.web[name];
      for (const port of knockPorts(u)) cases.push([controller, target, port, Boolean(web?.public) && port === web.port]);
    }
    expect(wrongVerdicts(u, cases)).toEqual([]);
  });

  test('only Prometheus reaches metrics ports, and Prometheus reaches nothing else', () => {
    const prometheus = prometheusOf(u);
    const cases: Case[] = [];
    for (const [name, target] of u.pods) {
      const web = u.spec.web[name];
      const metricsPort = web?.metrics ? (web.metrics.port ?? web.port) : undefined;
      for (const port of knockPorts(u)) cases.push([prometheus, target, port, port === metricsPort]);
      // A separate metrics port answers Prometheus alone: not the edge, not the other processes.
      if (web?.metrics?.port) {
        for (const from of [controllerOf(u), ...u.pods.values()]) cases.push([from, target, web.metrics.port, false]);
      }
    }
    expect(wrongVerdicts(u, cases)).toEqual([]);
  });

  test('processes reach each other only where allowFrom or calls says so', () => {
    const cases: Case[] = [];
    for (const [to, target] of u.pods) {
      const web = u.spec.web[to];
      for (const [from, source] of u.pods) {
        for (const port of knockPorts(u)) cases.push([source, target, port, web !== undefined && port === web.port && declaredCallers(u.spec, to).has(from)]);
      }
    }
    expect(wrongVerdicts(u, cases)).toEqual([]);
  });

  test('every process and job reaches DNS, only kube-dns, only on 53', () => {
    const cases: Case[] = [];
    for (const source of u.pods.values()) {
      cases.push([source, dns, 53, true, 'UDP'], [source, dns, 53, true, 'TCP'], [source, dns, 80, false]);
      cases.push([source, pod('default', 'fake-dns', { 'k8s-app': 'kube-dns' }), 53, false, 'UDP']);
      cases.push([source, pod('kube-system', 'metrics-server', { 'k8s-app': 'metrics-server' }), 53, false, 'UDP']);
    }
    expect(wrongVerdicts(u, cases)).toEqual([]);
  });

  test('each declared dependency is reachable from the processes that use it, and only on its port', () => {
    const all = [...u.pods.keys()];
    const cases: Case[] = [];
    for (const [dep, d] of Object.entries(u.spec.dependencies)) {
      const users = new Set(d.usedBy ?? all);
      const target = dependencyEndpoint(dep, d);
      for (const [name, source] of u.pods) {
        cases.push([source, target, d.port, users.has(name), d.protocol], [source, target, d.port + 1, false, d.protocol]);
        // The same labels in a namespace the dependency does not live in are not the dependency.
        if (target.kind === 'pod') cases.push([source, { ...target, namespace: 'default' }, d.port, false, d.protocol]);
      }
    }
    if (cases.length === 0) {
      // No dependency declared (fluxion): the database it might have had is out of reach too.
      const database = pod('databases', `${u.spec.name}-db`, { 'cnpg.io/cluster': `${u.spec.name}-db` });
      for (const source of u.pods.values()) cases.push([source, database, 5432, false]);
    }
    expect(wrongVerdicts(u, cases)).toEqual([]);
  });

  test('no pod reaches the metadata service or a private address beyond its dependencies', () => {
    const forbidden = ['169.254.169.254', '169.254.170.2', '10.0.0.1', '10.96.0.1', '172.16.0.1', '192.168.0.1', '100.64.0.1', '127.0.0.1'];
    const cases: Case[] = [];
    for (const source of u.pods.values()) {
      for (const ip of forbidden) {
        for (const port of [80, 443, 5432, 6379, 22]) cases.push([source, external(ip), port, false]);
      }
    }
    expect(wrongVerdicts(u, cases)).toEqual([]);
  });

  test('nothing else leaves: HTTPS to public addresses only for the callers of externalHttps', () => {
    const names = processNames(u.spec);
    const appCode = [...names.web, ...names.workers, ...names.singletons, ...Object.keys(u.spec.cron.jobs)];
    const callers = new Set(u.spec.externalHttps.length ? (u.spec.externalHttpsUsedBy ?? appCode) : []);
    const publicServer = external('93.184.216.34', 'public server');
    const cases: Case[] = [];
    for (const [name, source] of u.pods) {
      cases.push([source, publicServer, 443, callers.has(name)]);
      for (const port of [80, 22, 8443, 5432]) cases.push([source, publicServer, port, false]);
      cases.push([source, stranger, 8000, false], [source, pod('databases', 'someone-elses-db', { 'cnpg.io/cluster': 'other' }), 5432, false], [source, controllerOf(u), 80, false]);
    }
    // The built-in jobs never leave the cluster.
    for (const job of ['migrate', 'tmp-cleanup', 'retention']) {
      const source = u.pods.get(job);
      if (source) cases.push([source, publicServer, 443, false]);
    }
    expect(wrongVerdicts(u, cases)).toEqual([]);
  });

  test('berth explain agrees: nothing from outside but the controller and Prometheus, no metadata', () => {
    const { inbound, outbound } = explainService(u.objects, { env: u.environment, service: u.service, envName: u.env });
    const allowedFrom = (source: string) => inbound.cells.filter((c) => c.source === source && c.allowed);
    expect(allowedFrom('stranger')).toEqual([]);
    expect(allowedFrom('internet')).toEqual([]);
    expect(allowedFrom('ingress-controller').map((c) => `${c.destination}:${c.port}`).sort()).toEqual(
      Object.entries(u.spec.web).filter(([, w]) => w.public).map(([n, w]) => `${n}:${w.port}`).sort(),
    );
    expect(outbound.cells.filter((c) => c.destination === 'metadata' && c.allowed)).toEqual([]);
    expect(outbound.cells.filter((c) => c.destination === 'dns').every((c) => c.allowed)).toBe(true);
  });
});

describe('george: six internal services', () => {
  const internals = ['auth', 'filesystem', 'chroma', 'billing', 'git', 'external-data'];

  test.each(['staging', 'prod'])('in %s they answer the API and nobody else', (env) => {
    const u = units.find((x) => x.env === env && x.service === 'george')!;
    expect(internals.map((n) => u.spec.web[n].port)).toEqual([6001, 6002, 6003, 6004, 6005, 6006]);
    const cases: Case[] = [];
    for (const name of internals) {
      const target = u.pods.get(name)!;
      const port = u.spec.web[name].port;
      cases.push([u.pods.get('api')!, target, port, true]);
      for (const from of [controllerOf(u), stranger, internetClient, prometheusOf(u), u.pods.get('frontend')!, ...internals.map((i) => u.pods.get(i)!)]) cases.push([from, target, port, false]);
    }
    expect(wrongVerdicts(u, cases)).toEqual([]);
  });
});

describe('rag: Postgres and Redis, /metrics internal', () => {
  test.each(['staging', 'prod'])('in %s the jobs reach Postgres but not Redis, and /metrics answers only the edge and Prometheus', (env) => {
    const u = units.find((x) => x.env === env && x.service === 'rag')!;
    const pg = dependencyEndpoint('postgres', u.spec.dependencies.postgres);
    const redis = dependencyEndpoint('redis', u.spec.dependencies.redis);
    for (const job of ['migrate', 'retention']) {
      expect(allows(u, u.pods.get(job)!, pg, 5432)).toBe(true);
      expect(allows(u, u.pods.get(job)!, redis, 6379)).toBe(false);
    }
    expect(allows(u, u.pods.get('tmp-cleanup')!, pg, 5432)).toBe(false);
    expect(allows(u, u.pods.get('frontend')!, pg, 5432)).toBe(false);
    // Metrics share the backend port: layer 4 cannot hide the path, the edge blocks /metrics.
    expect(u.spec.web.backend.metrics?.port).toBeUndefined();
    expect(u.spec.edge?.internalPaths).toContain('/metrics');
    expect(allows(u, prometheusOf(u), u.pods.get('backend')!, 8000)).toBe(true);
    expect(allows(u, prometheusOf(u), u.pods.get('frontend')!, 8080)).toBe(false);
  });
});

describe('vector-chat: Milvus', () => {
  test.each(['staging', 'prod'])('in %s the app reaches Milvus on 19530 in its namespace only', (env) => {
    const u = units.find((x) => x.env === env && x.service === 'vector-chat')!;
    const milvus = pod('milvus', 'milvus', { 'app.kubernetes.io/name': 'milvus' });
    expect(allows(u, u.pods.get('app')!, milvus, 19530)).toBe(true);
    // Milvus's own etcd and MinIO are Milvus's business, not the app's.
    expect(allows(u, u.pods.get('app')!, pod('milvus', 'etcd', { 'app.kubernetes.io/name': 'etcd' }), 2379)).toBe(false);
    expect(allows(u, u.pods.get('app')!, pod('milvus', 'minio', { 'app.kubernetes.io/name': 'minio' }), 9000)).toBe(false);
  });
});
