/**
 * Issue 21 items 5 and 6: init containers, native sidecars and extra volumes, from the spec
 * through the model to the pods berth writes, and every way they are refused.
 */
import { checkPodSecurity } from '../../src/check/pod-security';
import { renderPodTemplate } from '../../src/constructs/workloads/pod';
import { explainService } from '../../src/explain/explain';
import { resolveService, ServiceModel } from '../../src/model/service-model';
import { findSecretLiterals, loadProject } from '../../src/spec/load';
import { ServiceSpec, ServiceSpecInput } from '../../src/spec/schema';
import { checkSemantics } from '../../src/spec/semantics';
import { environment, find, podTemplates, specInput, synthSpec } from '../helpers';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const COLLECTOR = { image: 'otel/opentelemetry-collector-contrib:0.116.1', ports: { 'otlp-grpc': 4317 }, mounts: ['otel-config'], resources: { cpu: '50m', memory: '128Mi' } };
const WAIT = { image: 'postgres:17.2-alpine', command: ['pg_isready'], resources: { cpu: '10m', memory: '32Mi' } };

/** A service with a collector sidecar and a wait-for-db init container for every app pod. */
const base = (overrides: Partial<ServiceSpecInput> = {}): ServiceSpecInput =>
  specInput({
    sidecars: { 'otel-collector': COLLECTOR },
    initContainers: { 'wait-for-db': WAIT },
    extraVolumes: { 'otel-config': { configMap: { name: 'demo-otel' }, mountPath: '/etc/otelcol' } },
    workers: { worker: { command: ['arq', 'demo.Worker'] } },
    migration: { command: ['alembic', 'upgrade', 'head'] },
    volumes: { data: { size: '1Gi', mountPath: '/data', accessMode: 'ReadWriteMany' } },
    cron: {
      tmpCleanup: { volume: 'data' },
      retention: { tables: ['events'], days: 30, databaseUrlSecret: 'DATABASE_URL' },
      jobs: { report: { schedule: '@daily', command: ['python', '-m', 'report'] } },
    },
    secrets: { source: { existingSecret: 'demo-secrets' }, items: { DATABASE_URL: {}, OTEL_TOKEN: { consumers: ['api', 'worker'] } } },
    dependencies: { postgres: { port: 5432, namespace: 'db', podLabels: { app: 'pg' } } },
    ...overrides,
  });

const model = (input: ServiceSpecInput): ServiceModel => resolveService(ServiceSpec.parse(input), environment(), 'staging');
const problems = (input: ServiceSpecInput): string[] => {
  const spec = ServiceSpec.parse(input);
  return checkSemantics(spec, environment(), 'staging', resolveService(spec, environment(), 'staging')).map((p) => `${p.path}: ${p.message}`);
};
const schemaErrors = (input: ServiceSpecInput): string[] => {
  const r = ServiceSpec.safeParse(input);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};
const podOf = (objects: Obj[], kind: string, name: string): Obj => {
  const o = find(objects, kind, name);
  return kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
};
const names = (cs: Obj[] | undefined) => (cs ?? []).map((c) => c.name);

describe('the model', () => {
  test('every process that runs app code gets the service-level containers, in order', () => {
    const m = model(base());
    const of = (name: string) => m.processes.find((p) => p.name === name)!;
    for (const p of ['api', 'worker', 'migrate', 'report']) {
      expect([of(p).sidecars.map((c) => c.name), of(p).initContainers.map((c) => c.name)]).toEqual([['otel-collector'], ['wait-for-db']]);
    }
    expect(of('api').sidecars[0]).toMatchObject({ role: 'sidecar', field: 'sidecars.otel-collector', image: COLLECTOR.image, ports: [{ name: 'otlp-grpc', port: 4317 }] });
    expect(of('api').initContainers[0]).toMatchObject({ role: 'init', field: 'initContainers.wait-for-db', ports: [] });
  });

  test("berth's built-in retention and tmp cleanup scripts get none; a tmp cleanup running the app's command does", () => {
    const m = model(base());
    for (const p of ['retention', 'tmp-cleanup']) {
      const proc = m.processes.find((x) => x.name === p)!;
      expect([proc.sidecars, proc.initContainers]).toEqual([[], []]);
    }
    const own = model(base({ cron: { tmpCleanup: { volume: 'data', command: ['python', '-m', 'cleanup'] } } }));
    expect(own.processes.find((p) => p.name === 'tmp-cleanup')!.sidecars.map((c) => c.name)).toEqual(['otel-collector']);
  });

  test('a process replaces a service-level container by name, in place, drops one with false, and adds its own after', () => {
    const m = model(base({
      web: {
        api: {
          port: 8000,
          health: { liveness: '/health' },
          sidecars: { 'otel-collector': { ...COLLECTOR, image: 'otel/opentelemetry-collector-contrib:0.117.0' }, proxy: { image: 'envoyproxy/envoy:v1.32.3' } },
          initContainers: { 'wait-for-db': false },
        },
      },
    }));
    const api = m.processes.find((p) => p.name === 'api')!;
    expect(api.sidecars.map((c) => [c.name, c.image, c.field])).toEqual([
      ['otel-collector', 'otel/opentelemetry-collector-contrib:0.117.0', 'web.api.sidecars.otel-collector'],
      ['proxy', 'envoyproxy/envoy:v1.32.3', 'web.api.sidecars.proxy'],
    ]);
    expect(api.initContainers).toEqual([]);
    // The other processes keep the service's.
    expect(m.processes.find((p) => p.name === 'worker')!.initContainers.map((c) => c.name)).toEqual(['wait-for-db']);
  });

  test('extra volumes: read-only by default except an emptyDir; used by the processes whose app or extra containers mount them', () => {
    const m = model(base({
      extraVolumes: {
        'otel-config': { configMap: { name: 'demo-otel' }, mountPath: '/etc/otelcol' },
        scratch: { emptyDir: { sizeLimit: '64Mi' }, mountPath: '/scratch' },
      },
      workers: { worker: { command: ['arq'], mounts: ['scratch'] } },
    }));
    expect(m.extraVolumes.map((v) => [v.name, v.readOnly, v.users])).toEqual([
      ['otel-config', true, ['api', 'worker', 'migrate', 'report']],
      ['scratch', false, ['worker']],
    ]);
  });

  test('a claim mounted only by a sidecar is still a claim of that pod (ReadWriteOnce rules see it)', () => {
    const m = model(specInput({ volumes: { spool: { size: '1Gi', mountPath: '/spool' } }, sidecars: { shipper: { image: 'fluent/fluent-bit:3.2.2', mounts: ['spool'] } } }));
    expect(m.volumes[0].users).toEqual(['api']);
  });
});

describe('the pods', () => {
  const objects = synthSpec(base());

  test('sidecars are native: init containers with restartPolicy Always, before the init containers', () => {
    const pod = podOf(objects, 'Deployment', 'demo-api');
    expect(pod.initContainers.map((c: Obj) => [c.name, c.restartPolicy])).toEqual([['otel-collector', 'Always'], ['wait-for-db', undefined]]);
    expect(names(pod.containers)).toEqual(['api']);
  });

  test('Jobs and CronJobs get native sidecars too, so they complete when the app container exits', () => {
    for (const [kind, name] of [['Job', 'demo-migrate'], ['CronJob', 'demo-report']]) {
      const pod = podOf(objects, kind, name);
      expect(pod.initContainers.find((c: Obj) => c.name === 'otel-collector')).toMatchObject({ restartPolicy: 'Always' });
    }
    expect(podOf(objects, 'CronJob', 'demo-retention').initContainers).toBeUndefined();
    expect(podOf(objects, 'CronJob', 'demo-tmp-cleanup').initContainers).toBeUndefined();
  });

  test("every extra container has exactly the app container's hardening and the pod's /tmp", () => {
    const pod = podOf(objects, 'Deployment', 'demo-api');
    for (const c of pod.initContainers) {
      expect(c.securityContext).toEqual(pod.containers[0].securityContext);
      expect(c.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    }
    // Each its own resources, from the spec: requests, and a memory limit equal to the request.
    const own = (r: { cpu: string; memory: string }) => ({ requests: r, limits: { memory: r.memory } });
    expect(pod.initContainers.map((c: Obj) => [c.name, c.resources])).toEqual([['otel-collector', own(COLLECTOR.resources)], ['wait-for-db', own(WAIT.resources)]]);
    expect(pod.initContainers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('a container mounts the extra volumes it names, and the pod gets the volume', () => {
    const pod = podOf(objects, 'Deployment', 'demo-api');
    expect(pod.volumes).toContainEqual({ name: 'otel-config', configMap: { name: 'demo-otel' } });
    expect(pod.initContainers[0].volumeMounts).toContainEqual({ name: 'otel-config', mountPath: '/etc/otelcol', readOnly: true });
    expect(pod.containers[0].volumeMounts.map((m: Obj) => m.name)).not.toContain('otel-config');
  });

  test('a uid of its own is the only security setting a container may change', () => {
    const pod = podOf(synthSpec(base({ sidecars: { 'otel-collector': { ...COLLECTOR, securityContext: { runAsUser: 10002, runAsGroup: 10003 } } } })), 'Deployment', 'demo-api');
    expect(pod.initContainers[0].securityContext).toMatchObject({ runAsUser: 10002, runAsGroup: 10003, runAsNonRoot: true, allowPrivilegeEscalation: false });
  });

  test('sidecar ports and probes are rendered; an init container has neither', () => {
    const pod = podOf(synthSpec(base({
      sidecars: { 'otel-collector': { ...COLLECTOR, ports: { 'otlp-grpc': 4317, health: 13133 }, probes: { startup: { httpGet: { path: '/', port: 'health' }, periodSeconds: 2 } } } },
    })), 'Deployment', 'demo-api');
    expect(pod.initContainers[0].ports).toEqual([{ name: 'otlp-grpc', containerPort: 4317, protocol: 'TCP' }, { name: 'health', containerPort: 13133, protocol: 'TCP' }]);
    expect(pod.initContainers[0].startupProbe).toEqual({ httpGet: { path: '/', port: 'health' }, periodSeconds: 2, timeoutSeconds: 3, failureThreshold: 3 });
    expect(pod.initContainers[1].ports).toBeUndefined();
  });

  test('secrets reach a container the way they reach the app: files, env or the .env', () => {
    const withSecret = (secrets: NonNullable<ServiceSpecInput['secrets']>) => base({ secrets, sidecars: { 'otel-collector': { ...COLLECTOR, secrets: ['OTEL_TOKEN'] } } });
    const files = podOf(synthSpec(withSecret({ source: { existingSecret: 'demo-secrets' }, items: { DATABASE_URL: {}, OTEL_TOKEN: {} } })), 'Deployment', 'demo-api').initContainers[0];
    expect(files.env).toEqual([{ name: 'OTEL_TOKEN_FILE', value: '/run/secrets/otel_token' }]);
    expect(files.volumeMounts).toContainEqual({ name: 'secrets', mountPath: '/run/secrets', readOnly: true });
    const env = podOf(synthSpec(withSecret({ source: { existingSecret: 'demo-secrets' }, delivery: 'env', items: { DATABASE_URL: {}, OTEL_TOKEN: {} } })), 'Deployment', 'demo-api').initContainers[0];
    expect(env.env).toEqual([{ name: 'OTEL_TOKEN', valueFrom: { secretKeyRef: { name: 'demo-secrets', key: 'otel_token' } } }]);
    const dotenv = podOf(synthSpec(withSecret({ source: { existingSecret: 'demo-secrets' }, delivery: 'dotenv', dotenvPath: '/app/.env', items: { DATABASE_URL: {}, OTEL_TOKEN: {} } })), 'Deployment', 'demo-api').initContainers[0];
    expect(dotenv.volumeMounts).toContainEqual({ name: 'dotenv', mountPath: '/app/.env', subPath: '.env', readOnly: true });
  });

  test('configMap, secret, emptyDir and projected extra volumes render their one source', () => {
    const objects2 = synthSpec(specInput({
      extraVolumes: {
        cfg: { configMap: { name: 'demo-cfg', items: [{ key: 'a.yaml', path: 'a.yaml' }], defaultMode: 0o444 }, mountPath: '/etc/cfg' },
        creds: { secret: { secretName: 'demo-creds' }, mountPath: '/etc/creds' },
        scratch: { emptyDir: { sizeLimit: '64Mi', medium: 'Memory' }, mountPath: '/scratch' },
        both: { projected: { sources: [{ configMap: { name: 'demo-cfg' } }, { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }] }, mountPath: '/etc/both', subPath: 'labels' },
      },
      web: { api: { port: 8000, health: { liveness: '/health' }, mounts: ['cfg', 'creds', 'scratch', 'both'] } },
    }));
    const pod = podOf(objects2, 'Deployment', 'demo-api');
    const vol = (n: string) => pod.volumes.find((v: Obj) => v.name === n);
    expect(vol('cfg')).toEqual({ name: 'cfg', configMap: { name: 'demo-cfg', items: [{ key: 'a.yaml', path: 'a.yaml' }], defaultMode: 0o444 } });
    expect(vol('creds')).toEqual({ name: 'creds', secret: { secretName: 'demo-creds', defaultMode: 0o440 } });
    expect(vol('scratch')).toEqual({ name: 'scratch', emptyDir: { sizeLimit: '64Mi', medium: 'Memory' } });
    expect(vol('both').projected.sources).toEqual([{ configMap: { name: 'demo-cfg' } }, { downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }]);
    const mounts = pod.containers[0].volumeMounts;
    expect(mounts).toContainEqual({ name: 'scratch', mountPath: '/scratch' });
    expect(mounts).toContainEqual({ name: 'both', mountPath: '/etc/both', readOnly: true, subPath: 'labels' });
  });

  test('every pod still passes Pod Security "restricted"', () => {
    expect(checkPodSecurity(objects.map((object) => ({ file: 'dist/staging/demo/manifests.yaml', object })))).toEqual([]);
    expect(podTemplates(objects).length).toBeGreaterThan(4);
  });

  test('a sidecar tampered into running as root (a patch, a hand edit) is caught by Pod Security at its init container', () => {
    const tampered = JSON.parse(JSON.stringify(find(objects, 'Deployment', 'demo-api')));
    tampered.spec.template.spec.initContainers[0].securityContext = { ...tampered.spec.template.spec.initContainers[0].securityContext, runAsUser: 0, privileged: true };
    const findings = checkPodSecurity([{ file: 'dist/staging/demo/manifests.yaml', object: tampered }]).map((f) => f.path);
    expect(findings).toEqual(expect.arrayContaining(['spec.template.spec.initContainers[0].securityContext.runAsUser', 'spec.template.spec.initContainers[0].securityContext.privileged']));
  });

  test('berth explain lists each workload\'s init containers and sidecars, and shows the sidecar ports closed to everyone', () => {
    const text = explainService(objects, { env: environment(), service: 'demo', envName: 'staging' }).text;
    expect(text).toContain('Init containers and sidecars of demo');
    expect(text).toContain('    sidecar otel-collector: otel/opentelemetry-collector-contrib:0.116.1 (ports otlp-grpc 4317)');
    expect(text).toContain('    init wait-for-db: postgres:17.2-alpine');
    const e = explainService(objects, { env: environment() });
    const cells = e.inbound.cells.filter((c) => c.port === 4317);
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.every((c) => !c.allowed)).toBe(true);
  });
});

describe('refused', () => {
  test('fails when a container asks for root or privileged', () => {
    expect(schemaErrors(base({ sidecars: { x: { image: 'busybox:1.37.0', securityContext: { runAsUser: 0 } } } }))).toEqual([
      expect.stringMatching(/^sidecars\.x\.securityContext\.runAsUser: must be a non-root uid: every berth container runs as non-root/),
    ]);
    expect(schemaErrors(base({ initContainers: { x: { image: 'busybox:1.37.0', securityContext: { privileged: true as false } } } }))).toEqual([
      expect.stringMatching(/^initContainers\.x\.securityContext\.privileged: must be false or omitted: berth never runs a privileged container/),
    ]);
  });

  test('fails when an image is not pinned', () => {
    expect(schemaErrors(base({ sidecars: { x: { image: 'busybox:latest' } } }))[0]).toMatch(/^sidecars\.x\.image: must not use the "latest" tag/);
  });

  test('fails when an emptyDir has no sizeLimit, or a volume has no source or two', () => {
    expect(schemaErrors(specInput({ extraVolumes: { s: { emptyDir: {}, mountPath: '/s' } } }))).toEqual(["extraVolumes.s.emptyDir.sizeLimit: sizeLimit is required: an emptyDir without one can fill the node's disk (with medium Memory, its memory) and get every pod on the node evicted"]);
    expect(schemaErrors(specInput({ extraVolumes: { s: { mountPath: '/s' } } }))).toEqual(['extraVolumes.s: sets no source: set exactly one of configMap, secret, emptyDir and projected']);
    expect(schemaErrors(specInput({ extraVolumes: { s: { mountPath: '/s', emptyDir: { sizeLimit: '1Mi' }, configMap: { name: 'c' } } } }))).toEqual(['extraVolumes.s: sets configMap and emptyDir: set exactly one source']);
  });

  test('fails when an extra volume takes the name of one of berth\'s own pod volumes, or of a claim', () => {
    for (const [name, use] of [['tmp', 'a scratch directory (tmp)'], ['secrets', 'the secret files of the process'], ['service-account-token', 'the projected service-account token (serviceAccount.token)'], ['data-x', 'the claims of volumes (data-<name>)']]) {
      expect(problems(base({ extraVolumes: { [name]: { emptyDir: { sizeLimit: '1Mi' }, mountPath: '/x' } } }))).toContain(`extraVolumes.${name}: Extra volume name "${name}" is berth's own pod volume name for ${use}`);
    }
    expect(problems(base({ extraVolumes: { data: { emptyDir: { sizeLimit: '1Mi' }, mountPath: '/x' } } }))).toContain('extraVolumes.data: "data" is both a claim in volumes and an extra volume, so a mount of it is ambiguous');
  });

  test('fails when an extra volume is mounted where berth mounts something', () => {
    expect(problems(base({ extraVolumes: { x: { emptyDir: { sizeLimit: '1Mi' }, mountPath: '/run/secrets' } } }))).toContain('extraVolumes.x.mountPath: Extra volume "x" is mounted at /run/secrets, where berth mounts the secret files (secrets.mountPath)');
    expect(problems(base({ extraVolumes: { x: { emptyDir: { sizeLimit: '1Mi' }, mountPath: '/tmp/' } } }))).toContain('extraVolumes.x.mountPath: Extra volume "x" is mounted at /tmp, where berth mounts the /tmp scratch volume');
  });

  test('fails when a container mounts an unknown volume, or names an unknown secret (reported once for a service-level one)', () => {
    expect(problems(base({ sidecars: { 'otel-collector': { ...COLLECTOR, mounts: ['nope'] } } }))).toEqual(['sidecars.otel-collector.mounts[0]: Unknown volume "nope"']);
    expect(problems(base({ initContainers: { w: { ...WAIT, secrets: ['NOPE'] } } }))).toEqual(['initContainers.w.secrets[0]: Unknown secret item "NOPE"']);
  });

  test('fails when a container names a secret its process is not given', () => {
    expect(problems(base({ sidecars: { 'otel-collector': { ...COLLECTOR, secrets: ['OTEL_TOKEN'] } } }))).toEqual([
      'sidecars.otel-collector.secrets[0]: Secret "OTEL_TOKEN" is not given to migration, so its sidecar "otel-collector" cannot have it',
      'sidecars.otel-collector.secrets[0]: Secret "OTEL_TOKEN" is not given to cron.jobs.report, so its sidecar "otel-collector" cannot have it',
    ]);
  });

  test('fails when a container name is taken in the pod, a probe names a port the sidecar lacks, or a port is taken', () => {
    expect(problems(base({ sidecars: { api: { image: 'busybox:1.37.0' } } }))).toContain('sidecars.api: Container name "api" is also the app container of web.api in the pods of web.api');
    expect(problems(base({ sidecars: { 'wait-for-db': { image: 'busybox:1.37.0' } } }))).toContain('initContainers.wait-for-db: Container name "wait-for-db" is also the sidecar sidecars.wait-for-db in the pods of web.api');
    expect(problems(base({ sidecars: { 'otel-collector': { ...COLLECTOR, probes: { liveness: { httpGet: { path: '/', port: 'health' } } } } } }))).toEqual(['sidecars.otel-collector.probes.liveness.httpGet.port: Probe port "health" is not a port of sidecar "otel-collector"']);
    expect(problems(base({ sidecars: { 'otel-collector': { ...COLLECTOR, ports: { app: 8000 } } } }))).toEqual(['sidecars.otel-collector.ports.app: Port 8000 of sidecar "otel-collector" is also the port of web.api; the containers of a pod share its network']);
  });

  test('fails when a sidecar env value looks like a credential (the leak guard scans every container env block)', () => {
    const found = findSecretLiterals('charts/demo/service.yaml', {
      sidecars: { c: { env: { EXPORTER_TOKEN: 'abc' } } },
      web: { api: { initContainers: { w: { env: { PASSWORD: 'hunter2hunter2' } } } } },
    }).map((p) => p.path);
    expect(found).toEqual(expect.arrayContaining(['sidecars.c.env.EXPORTER_TOKEN', 'web.api.initContainers.w.env.PASSWORD']));
  });
});

describe('the pod construct', () => {
  const pod = (extraContainers: Parameters<typeof renderPodTemplate>[0]['extraContainers'], scratch?: { tmp?: boolean }) =>
    renderPodTemplate({
      labels: { app: 'demo' },
      serviceAccountName: 'demo',
      security: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, readOnlyRootFilesystem: false, reason: 'the image writes next to its code' },
      container: { name: 'app', image: 'registry.example.com/demo:1.0.0', resources: { cpu: '100m', memory: '128Mi' } },
      scratch,
      extraContainers,
    });
  const resources = { cpu: '10m', memory: '32Mi' };

  test("an extra container follows the pod's readOnlyRootFilesystem, like the app container", () => {
    const spec = pod({ initContainers: [{ name: 'init', image: 'busybox:1.37.0', resources }] }).spec!;
    expect(spec.initContainers![0].securityContext!.readOnlyRootFilesystem).toBe(false);
    expect(spec.initContainers![0].securityContext).toEqual(spec.containers[0].securityContext);
  });

  test('no /tmp scratch volume in the pod, no /tmp mount in the extra container', () => {
    expect(pod({ initContainers: [{ name: 'init', image: 'busybox:1.37.0', resources }] }, { tmp: false }).spec!.initContainers![0].volumeMounts).toBeUndefined();
  });

  test('fails when a container name is used twice in the pod', () => {
    expect(() => pod({ sidecars: [{ name: 'app', image: 'busybox:1.37.0', resources }] })).toThrow('pod: container name "app" is used twice in one pod (the app container is "app"); give the init container or sidecar another name');
  });

  test('fails when a container asks for uid 0', () => {
    expect(() => pod({ initContainers: [{ name: 'init', image: 'busybox:1.37.0', resources, runAsUser: 0 }] })).toThrow('pod: container "init" runAsUser/runAsGroup 0 must be a non-root id (at least 1); Pod Security "restricted" refuses root');
  });

  test('fails when a container mounts a volume the pod does not have', () => {
    expect(() => pod({ sidecars: [{ name: 'side', image: 'busybox:1.37.0', resources, mounts: [{ name: 'nope', mountPath: '/x' }] }] })).toThrow('pod: container "side" mounts volume "nope", which the pod does not have; add it to the pod\'s contributions');
  });
});

describe('per environment', () => {
  test("an overlay changes a sidecar's image in one environment and drops a process's init container in another", () => {
    const config = { path: 'berth.yaml', text: 'repoURL: https://github.com/example/gitops.git\nenvironments:\n  staging: {}\n  prod: { production: true }\n' };
    const service = [
      'name: demo',
      'image: registry.example.com/demo:1.0.0',
      'sidecars:',
      '  otel-collector: { image: otel/opentelemetry-collector-contrib:0.116.1 }',
      'initContainers:',
      '  wait-for-db: { image: postgres:17.2-alpine, command: [pg_isready] }',
      'web:',
      '  api: { port: 8000, health: { liveness: /health } }',
    ].join('\n');
    const project = loadProject(config, [
      { path: 'charts/demo/service.yaml', text: service },
      { path: 'charts/demo/prod.yaml', text: 'sidecars:\n  otel-collector: { image: otel/opentelemetry-collector-contrib:0.117.0 }\n' },
      { path: 'charts/demo/staging.yaml', text: 'web:\n  api:\n    initContainers: { wait-for-db: false }\n' },
    ]);
    const api = (env: string) => project.units.find((u) => u.env === env)!.model.processes.find((p) => p.name === 'api')!;
    expect(api('prod').sidecars.map((c) => c.image)).toEqual(['otel/opentelemetry-collector-contrib:0.117.0']);
    expect(api('prod').initContainers.map((c) => c.name)).toEqual(['wait-for-db']);
    expect(api('staging').sidecars.map((c) => c.image)).toEqual(['otel/opentelemetry-collector-contrib:0.116.1']);
    expect(api('staging').initContainers).toEqual([]);
  });
});
