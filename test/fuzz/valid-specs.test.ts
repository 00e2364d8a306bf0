/**
 * Property-based fuzzing on VALID projects (see arbitraries.ts): every one loads, synthesizes
 * and passes every check; synthesis is deterministic; and the NetworkPolicies it writes keep
 * strangers out, keep the cloud metadata service unreachable, keep internal processes off the
 * edge, and still let the declared traffic through.
 *
 * CI-sized by default; `npm run fuzz` runs 10,000 cases per property (FUZZ_RUNS), and
 * FUZZ_SEED / FUZZ_PATH replay a failure.
 */
import fc from 'fast-check';
import { buildOutput, checkOutput, SynthOutput } from '../../src/app';
import { ingressControllerPods } from '../../src/model/edge';
import { validateSchema } from '../../src/check/schema';
import { Endpoint, evaluate, ExternalEndpoint, NetworkPolicy, PodEndpoint } from '../../src/explain/reachability';
import { LoadedProject, loadProject, ServiceUnit } from '../../src/spec/load';
import { processNames } from '../../src/spec/processes';
import { assertProperty, FUZZ_SEED, fuzzRuns, fuzzTimeout, ProjectCase, ProjectFiles, toFiles, validProject, withFiles } from './arbitraries';

/** Runs per property; determinism is cheap to break and costly to check (two synths), so it runs half. */
const RUNS = fuzzRuns(25);
const DETERMINISM_RUNS = process.env.FUZZ_RUNS ? RUNS : 12;
const timings: Record<string, { runs: number; ms: number; maxRunMs: number }> = {};

/** Loads and synthesizes the project's files exactly as `berth synth` does, in memory. */
function synth(files: ProjectFiles): { project: LoadedProject; output: SynthOutput } {
  const project = loadProject(files.config, files.charts);
  return { project, output: buildOutput(project) };
}

/**
 * {@link synth}, once per project in this file: the properties share a seed, so (c) meets the
 * projects (a) synthesized, and only reads the result (the checks of (a) do not change their
 * objects). Determinism (b) synthesizes twice in a row, as before.
 */
const synthesized = new Map<string, ReturnType<typeof synth>>();
/** Outputs kept: every CI-sized run; under `npm run fuzz` the first ones, so memory stays bounded. */
const KEPT = 100;
function synthOnce(files: ProjectFiles): ReturnType<typeof synth> {
  const key = JSON.stringify(files);
  const kept = synthesized.get(key);
  if (kept) return kept;
  const result = synth(files);
  if (synthesized.size < KEPT) synthesized.set(key, result);
  return result;
}

/**
 * A property over valid projects that also records the slowest run, which a hang would show. The
 * project's files are written once per run (YAML dumps are a good part of a run's time) and
 * given to the check with the project.
 */
function timed(name: string, check: (p: ProjectCase, files: ProjectFiles) => void, runs = RUNS): fc.IProperty<[ProjectCase]> {
  timings[name] = { runs, ms: 0, maxRunMs: 0 };
  return fc.property(validProject(), (p) => {
    const t0 = Date.now();
    const files = toFiles(p);
    withFiles(files, () => check(p, files));
    timings[name].maxRunMs = Math.max(timings[name].maxRunMs, Date.now() - t0);
  });
}

afterAll(() => {
  // eslint-disable-next-line no-console
  console.log(`fuzz (valid specs), seed ${FUZZ_SEED}:\n${Object.entries(timings).map(([n, t]) => `  ${n}: ${t.runs} runs in ${(t.ms / 1000).toFixed(1)} s (slowest run ${t.maxRunMs} ms)`).join('\n')}`);
});

describe('fuzz: valid specs', () => {
  test(
    '(a) every valid project loads, synthesizes and passes every check with zero findings',
    () => {
      const name = 'a: load + synth + checks';
      const { ms } = assertProperty(
        timed(name, (p, files) => {
          const { project, output } = synthOnce(files);
          // Every service in every environment made it into the output.
          expect(project.units).toHaveLength(p.services.length * 2);
          const findings = checkOutput(project, output, { schema: validateSchema });
          expect(findings).toEqual([]);
        }),
        RUNS,
        name,
      );
      timings[name].ms = ms;
    },
    fuzzTimeout(RUNS),
  );

  test(
    '(b) synthesis is deterministic: the same files twice give identical output',
    () => {
      const name = 'b: determinism';
      const { ms } = assertProperty(
        timed(name, (_, files) => {
          const first = synth(files).output.files;
          const second = synth(files).output.files;
          expect([...second.keys()]).toEqual([...first.keys()]);
          for (const [file, text] of first) expect(second.get(file)).toBe(text);
        }, DETERMINISM_RUNS),
        DETERMINISM_RUNS,
        name,
      );
      timings[name].ms = ms;
    },
    fuzzTimeout(DETERMINISM_RUNS),
  );

  test(
    '(c) NetworkPolicies: strangers, the metadata service and internal processes stay apart; declared traffic flows',
    () => {
      const name = 'c: reachability';
      const { ms } = assertProperty(
        timed(name, (_, files) => {
          const { project, output } = synthOnce(files);
          for (const unit of project.units) checkReachability(project, output, unit);
        }),
        RUNS,
        name,
      );
      timings[name].ms = ms;
    },
    fuzzTimeout(RUNS),
  );
});

// ---------------------------------------------------------------------------------------------
// Reachability
// ---------------------------------------------------------------------------------------------

const METADATA: ExternalEndpoint = { kind: 'external', ip: '169.254.169.254', name: 'cloud metadata' };

/** The pods of one service in one environment, from the pod templates berth wrote. */
function podsOf(objects: readonly any[], namespace: string): Map<string, PodEndpoint> {
  const nsLabels = objects.find((o) => o.kind === 'Namespace')?.metadata.labels ?? {};
  const pods = new Map<string, PodEndpoint>();
  let i = 0;
  for (const o of objects) {
    const t = o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : ['Deployment', 'Job'].includes(o.kind) ? o.spec.template : undefined;
    if (!t) continue;
    const component = t.metadata.labels['app.kubernetes.io/component'];
    const ports = (t.spec.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((cp: any) => ({ name: cp.name, port: cp.containerPort, protocol: cp.protocol ?? 'TCP' })));
    i++;
    pods.set(component, { kind: 'pod', name: component, namespace, namespaceLabels: nsLabels, labels: t.metadata.labels, ports, ip: `10.244.${Math.floor(i / 200)}.${(i % 200) + 10}` });
  }
  return pods;
}

function checkReachability(project: LoadedProject, output: SynthOutput, unit: ServiceUnit): void {
  const { spec } = unit;
  const env = project.config.environments[unit.env];
  const namespace = spec.namespace ?? spec.name;
  const objects = output.manifests.filter((m) => m.file.startsWith(`dist/${unit.env}/${unit.name}/`)).map((m) => m.object);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as NetworkPolicy[];
  const pods = podsOf(objects, namespace);
  const where = `${unit.name} in ${unit.env}`;
  const verdict = (from: Endpoint, to: Endpoint, port: number, protocol: 'TCP' | 'UDP' = 'TCP') => evaluate(policies, from, to, port, protocol);
  const mustNot = (what: string, from: Endpoint, to: Endpoint, port: number) => {
    const v = verdict(from, to, port);
    if (v.allowed) throw new Error(`${where}: ${what} on ${port} is allowed: ${v.reason}`);
  };
  const must = (what: string, from: Endpoint, to: Endpoint, port: number, protocol: 'TCP' | 'UDP' = 'TCP') => {
    const v = verdict(from, to, port, protocol);
    if (!v.allowed) throw new Error(`${where}: ${what} on ${port}/${protocol} is denied: ${v.reason}`);
  };

  // Every process and job has a pod template, and every pod is isolated both ways.
  const names = processNames(spec);
  for (const n of [...names.web, ...names.workers, ...names.singletons, ...names.jobs]) {
    if (!pods.has(n)) throw new Error(`${where}: no pod template for process or job "${n}" (have ${[...pods.keys()].join(', ')})`);
  }
  const listening = [...pods.values()].flatMap((pod) => (pod.ports ?? []).map((cp) => ({ pod, port: cp.port })));

  // (1) Strangers: a pod in another namespace, one there wearing the service's own labels, and
  // one wearing the ingress controller's labels in the wrong namespace, reach no port of the service.
  const controller = ingressControllerPods(env, spec.edge);
  const strangers: PodEndpoint[] = [
    { kind: 'pod', name: 'stranger', namespace: 'stranger', labels: { app: 'stranger' }, ip: '10.250.0.9' },
    { kind: 'pod', name: 'impostor', namespace: 'stranger', labels: { 'app.kubernetes.io/name': spec.name, 'app.kubernetes.io/component': names.web[0] }, ip: '10.250.0.10' },
    { kind: 'pod', name: 'fake-controller', namespace: 'stranger', labels: { ...(controller?.podLabels ?? {}) }, ip: '10.250.0.11' },
    { kind: 'pod', name: 'debug', namespace, labels: { run: 'debug' }, ip: '10.250.0.12' },
  ];
  for (const s of strangers) for (const { pod, port } of listening) mustNot(`${s.namespace}/${s.name} → ${pod.name}`, s, pod, port);

  // (2) No pod reaches the cloud metadata service, on any port it answers.
  for (const pod of pods.values()) for (const port of [80, 443, 8080]) mustNot(`${pod.name} → metadata`, pod, METADATA, port);

  // (3) Internal web processes are unreachable from the ingress controller; public ones behind an
  // edge are reachable on their web port, and never on a separate metrics port.
  const controllerPod: PodEndpoint | undefined = controller && { kind: 'pod', name: 'controller', namespace: controller.namespace, labels: { ...controller.podLabels }, ip: '10.251.0.5' };
  for (const [n, w] of Object.entries(spec.web)) {
    const pod = pods.get(n)!;
    if (!controllerPod) continue;
    if (!w.public) {
      mustNot(`ingress controller → internal ${n}`, controllerPod, pod, w.port);
      if (w.metrics?.port) mustNot(`ingress controller → internal ${n} metrics`, controllerPod, pod, w.metrics.port);
    } else if (spec.edge) {
      must(`ingress controller → public ${n}`, controllerPod, pod, w.port);
      if (w.metrics?.port) mustNot(`ingress controller → ${n} metrics port`, controllerPod, pod, w.metrics.port);
    }
    // Prometheus scrapes every process that serves metrics.
    if (w.metrics) {
      const prom: PodEndpoint = { kind: 'pod', name: 'prometheus', namespace: env.prometheus.namespace, labels: { ...env.prometheus.podLabels }, ip: '10.251.0.6' };
      must(`prometheus → ${n} metrics`, prom, pod, w.metrics.port ?? w.port);
    }
  }

  // (4) Declared traffic flows: callers to the web processes they call, processes to their
  // dependencies, and processes that call the internet to a public address on 443.
  for (const [n, w] of Object.entries(spec.web)) {
    const callers = new Set([...w.allowFrom, ...Object.entries({ ...spec.workers, ...spec.singletons }).filter(([, p]) => p.calls.includes(n)).map(([c]) => c)]);
    for (const c of callers) if (c !== n) must(`${c} → ${n}`, pods.get(c)!, pods.get(n)!, w.port);
  }
  for (const [d, dep] of Object.entries(spec.dependencies)) {
    const target: Endpoint = dep.cidr
      ? { kind: 'external', ip: dep.cidr.replace(/\.0\/\d+$/, '.9').replace(/\/\d+$/, ''), name: d }
      : { kind: 'pod', name: d, namespace: dep.namespace!, labels: { ...(dep.podLabels ?? {}) }, ip: '10.252.0.5' };
    for (const u of dep.usedBy ?? [...pods.keys()]) must(`${u} → dependency ${d}`, pods.get(u)!, target, dep.port, dep.protocol);
  }
  // The internet on 443: exactly the processes that call the external APIs (externalHttpsUsedBy,
  // else every web process, worker, singleton and cron job, not berth's own jobs), no other.
  const internet: ExternalEndpoint = { kind: 'external', ip: '93.184.216.34', name: 'internet' };
  const declared = spec.externalHttpsUsedBy ?? [...names.web, ...names.workers, ...names.singletons, ...Object.keys(spec.cron.jobs)];
  const callers = new Set(spec.externalHttps.length ? declared : []);
  for (const [n, pod] of pods) {
    if (callers.has(n)) must(`${n} → internet`, pod, internet, 443);
    else mustNot(`${n} → internet`, pod, internet, 443);
  }

  // (5) DNS: every pod reaches the kube-dns pods and each of the environment's extra DNS addresses
  // on UDP and TCP 53, and an extra address on no other port.
  const kubeDns: PodEndpoint = { kind: 'pod', name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.253.0.10' };
  const extra: ExternalEndpoint[] = env.dns.extraAddresses.map((ip) => ({ kind: 'external', ip, name: 'dns' }));
  for (const [n, pod] of pods) {
    for (const to of [kubeDns, ...extra]) for (const protocol of ['UDP', 'TCP'] as const) must(`${n} → DNS ${endpointName(to)}`, pod, to, 53, protocol);
    for (const to of extra) mustNot(`${n} → DNS ${to.ip}`, pod, to, 80);
  }
}

const endpointName = (e: Endpoint) => (e.kind === 'external' ? e.ip : `${e.namespace}/${e.name}`);
