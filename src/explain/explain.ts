/**
 * `berth explain`: who can talk to a service, and where its pods can go, read from the
 * synthesized objects of one service in one environment (never from the spec, so it explains
 * what Argo CD will apply). Only the probes come from outside the objects: the environment's
 * Prometheus and DNS, and the ingress controller of the service's own edge profile, read from
 * the service's model (src/model/), the one its edge objects and policies were written for.
 *
 * Probes (sources): a stranger pod in `default`, a client on the internet, the ingress
 * controller, Prometheus, and one pod per process of the service (Deployments, Jobs, CronJobs,
 * with their pod labels and container ports). Destinations: each process on each container
 * port; DNS (kube-dns, and each of the environment's `dns.extraAddresses`, UDP and TCP 53);
 * each dependency an egress policy opens (`berth.dev/egress-to`); a public address on 443; the
 * cloud metadata service.
 * Every probe is evaluated against every destination with the NetworkPolicy semantics of
 * `reachability.ts`.
 */
import { COMPONENT_LABEL, PART_OF_LABEL } from '../constructs/workloads/labels';
import type { SynthOutput } from '../app';
import { ingressControllerPods, PodsRef } from '../model/edge';
import type { ServiceModel } from '../model/service-model';
import { EGRESS_TO_LABEL, NAMESPACE_NAME_LABEL } from '../util/annotations';
import type { Environment } from '../spec/schema';
import { computeMatrix, Destination, formatMatrix, MatrixCell, Probe, ReachabilityMatrix } from './matrix';
import { renderMermaid } from './mermaid';
import { explainPods } from './pods';
import { ContainerPort, Endpoint, NetworkPolicy, PodEndpoint, Protocol } from './reachability';

// Synthesized objects are open-ended JSON, read defensively.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type K8sObject = Record<string, any>;

/** What `explainService` needs besides the objects. */
export interface ExplainOptions {
  /** The environment the objects were synthesized for: its ingress controller and Prometheus. */
  readonly env: Environment;
  /**
   * The model of the service in this environment: its ingress controller (of the service's own
   * edge profile) is the probe, as it is the controller its policies admit.
   * @default - the controller of the environment's own profile
   */
  readonly model?: Pick<ServiceModel, 'ingressController'>;
  /** Shown in the heading. @default - the Namespace's `app.kubernetes.io/part-of` label */
  readonly service?: string;
  /** Shown in the heading. @default - none */
  readonly envName?: string;
  /** List every cell's verdict and the rule that decided it under the tables. @default false */
  readonly reasons?: boolean;
}

/** The reachability of one service, as data, text and a diagram. */
export interface Explanation {
  /** Every probe against every destination. */
  readonly matrix: ReachabilityMatrix;
  /** Every probe against the service's own ports: who can connect to its pods. */
  readonly inbound: ReachabilityMatrix;
  /** The service's pods against everything outside the service: where they can connect. */
  readonly outbound: ReachabilityMatrix;
  /** A legend and the inbound and outbound tables. */
  readonly text: string;
  /** The allowed paths of `inbound` and `outbound` as a Mermaid flowchart. */
  readonly mermaid: string;
}

/** The output formats of `berth explain`. */
export type ExplainFormat = 'text' | 'mermaid' | 'json';

/** A client on the internet (TEST-NET-3, RFC 5737: never a real host). */
const INTERNET_CLIENT_IP = '203.0.113.10';
/** A public server on the internet, the destination of outbound HTTPS. */
const INTERNET_SERVER_IP = '93.184.216.34';
/** The cloud metadata service (AWS, GCP, Azure, OpenStack): node credentials, never for apps. */
export const METADATA_IP = '169.254.169.254';

/** The pod name and `app` label of the stranger probe: any pod that is not the service's. */
const STRANGER = 'stranger';

const WORKLOAD_RANK: Readonly<Record<string, number>> = { Deployment: 0, StatefulSet: 1, DaemonSet: 2, Job: 3, CronJob: 4 };

/** Builds the probes, evaluates them and renders the result, for the objects of ONE service/environment. */
export function explainService(objects: readonly K8sObject[], opts: ExplainOptions): Explanation {
  const namespaceObject = objects.find((o) => o.kind === 'Namespace');
  const workloads = workloadPods(objects, namespaceObject?.metadata?.labels ?? {});
  const namespace = namespaceObject?.metadata?.name ?? workloads[0]?.endpoint.namespace;
  if (namespace === undefined) throw new Error('explain: the objects hold neither a Namespace nor a workload; pass the objects of one synthesized service');
  const service = opts.service ?? namespaceObject?.metadata?.labels?.[PART_OF_LABEL] ?? namespace;
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy') as NetworkPolicy[];

  // Fixed endpoints take their plain name unless a process or dependency already has it.
  const dependencies = dependencyDestinations(policies, new Set(workloads.map((w) => w.name)));
  const taken = new Set([...workloads.map((w) => w.name), ...dependencies.map((d) => d.label)]);
  const fixed = (name: string) => (taken.has(name) ? `${name}-probe` : name);
  const pod = (ns: string, name: string, labels: Readonly<Record<string, string>>, ip: string): PodEndpoint => ({ kind: 'pod', namespace: ns, name, labels, ip });

  const controllerRef = opts.model ? opts.model.ingressController : ingressControllerPods(opts.env);
  const internet = fixed('internet');
  const outsiders: Probe[] = [
    { name: fixed('stranger'), endpoint: pod('default', STRANGER, { app: STRANGER }, '10.244.200.10') },
    { name: internet, endpoint: { kind: 'external', name: 'internet client', ip: INTERNET_CLIENT_IP } },
    ...(controllerRef ? [{ name: fixed('ingress-controller'), endpoint: refPod(controllerRef, 'ingress-controller', '10.244.201.10') }] : []),
    { name: fixed('prometheus'), endpoint: refPod(opts.env.prometheus, 'prometheus', '10.244.202.10') },
  ];
  const insiders: Probe[] = workloads.map((w) => ({ name: w.name, endpoint: w.endpoint }));

  const serviceDestinations: Destination[] = workloads.flatMap((w) =>
    (w.endpoint.ports ?? []).map((p) => ({ label: w.name, endpoint: w.endpoint, port: p.port, protocol: p.protocol })));
  const dnsPod = pod('kube-system', 'kube-dns', { 'k8s-app': 'kube-dns' }, '10.244.203.10');
  const dns = fixed('dns');
  // Where the environment says DNS also answers (NodeLocal DNSCache), one column pair per address.
  const dnsAddresses: Destination[] = opts.env.dns.extraAddresses.flatMap((ip) => {
    const endpoint: Endpoint = { kind: 'external', name: 'DNS address', ip };
    return (['UDP', 'TCP'] as const).map((protocol) => ({ label: fixed(`dns-${ip}`), endpoint, port: 53, protocol }));
  });
  const outsideDestinations: Destination[] = [
    { label: dns, endpoint: dnsPod, port: 53, protocol: 'UDP' },
    { label: dns, endpoint: dnsPod, port: 53, protocol: 'TCP' },
    ...dnsAddresses,
    ...dependencies,
    { label: internet, endpoint: { kind: 'external', name: 'public server', ip: INTERNET_SERVER_IP }, port: 443 },
    { label: fixed('metadata'), endpoint: { kind: 'external', name: 'cloud metadata', ip: METADATA_IP }, port: 80 },
  ];

  const matrix = computeMatrix(policies, [...outsiders, ...insiders], [...serviceDestinations, ...outsideDestinations]);
  const inbound = slice(matrix, matrix.sources, [0, serviceDestinations.length]);
  const outbound = slice(matrix, insiders.map((p) => p.name), [serviceDestinations.length, matrix.columns.length]);
  // Outsiders' own egress is not this service's to govern (a stranger may well reach the
  // internet); the diagram shows what reaches the service and where the service goes. Its
  // cells are the two tables', not a full grid: renderMermaid draws from sources and cells.
  const mermaid = renderMermaid({ sources: matrix.sources, columns: [...inbound.columns, ...outbound.columns], cells: [...inbound.cells, ...outbound.cells] });

  // One legend line per name: `internet` is a client inbound and a server outbound.
  const legend = new Map<string, string[]>();
  for (const [name, endpoint] of [...outsiders.map((p) => [p.name, p.endpoint] as const), ...outsideDestinations.map((d) => [d.label, d.endpoint] as const)]) {
    const what = describe(endpoint);
    const lines = legend.get(name) ?? [];
    if (!lines.includes(what)) legend.set(name, [...lines, what]);
  }
  const width = Math.max(...[...legend.keys()].map((n) => n.length));
  const text = [
    `berth explain ${service}${opts.envName ? ` (${opts.envName})` : ''}: namespace ${namespace}, ${policies.length} NetworkPolicies\n`,
    [...legend].map(([name, what]) => `  ${name.padEnd(width)}  ${what.join('; ')}\n`).join(''),
    `Who can connect to the pods of ${service} (destination ports are container ports):\n`,
    inbound.columns.length ? formatMatrix(inbound, { reasons: opts.reasons }) : '(no process of the service listens on a port)\n',
    `Where the pods of ${service} can connect:\n`,
    insiders.length ? formatMatrix(outbound, { reasons: opts.reasons }) : '(the service has no pods)\n',
    containersSection(service, workloads),
    // Who the pods are and where they run, when the spec says more than berth's defaults.
    explainPods(objects, service),
  ].filter((part) => part !== '').join('\n');
  return { matrix, inbound, outbound, text, mermaid };
}

/**
 * What `berth explain <service> [--env <env>] [--format text|mermaid|json]` prints: the
 * explanation of the objects synthesized for that service and environment.
 * @param model the service's model in that environment @default - the environment's own ingress controller
 */
export function explainCommand(output: SynthOutput, env: Environment, service: string, envName: string, format: ExplainFormat = 'text', model?: Pick<ServiceModel, 'ingressController'>, added: readonly AddedObject[] = []): string {
  const here = output.units.filter((u) => u.kind === 'manifests' && u.env === envName);
  const mine = here.filter((u) => u.service === service).flatMap((u) => u.objects);
  if (mine.length === 0) {
    const known = [...new Set(here.map((u) => u.service))].sort();
    throw new Error(`explain: no service "${service}" in environment "${envName}" (services there: ${known.join(', ') || 'none'})`);
  }
  const explanation = explainService(mine.map((m) => m.object), { env, model, service, envName });
  switch (format) {
    case 'text': return explanation.text + addedText(added);
    case 'mermaid': return explanation.mermaid;
    case 'json': return JSON.stringify({ service, environment: envName, ...explanation.matrix, ...(added.length ? { added } : {}) }, null, 2) + '\n';
    default: throw new Error(`explain: format "${String(format)}" is not one of text, mermaid, json`);
  }
}

/** How a service's own files reach an object: extra/, a patch, or the TypeScript hook adding or changing it. */
export type AddedHow = 'extra' | 'patched' | 'hook-adds' | 'hook-changes';

/** An object the service's own files add or change: an extra object, one a patch changes, one the hook adds or changes. */
export interface AddedObject {
  readonly kind: string;
  readonly name: string;
  /** Where: `charts/ledger/extra/podmonitor.yaml (document 1)`, `charts/ledger/service.yaml patches[0]`, `charts/ledger/chart.ts`. */
  readonly from: string;
  readonly how: AddedHow;
}

const HOW_TEXT: Record<AddedHow, string> = {
  extra: 'extra object from',
  patched: 'patched by',
  'hook-adds': 'added by the hook',
  'hook-changes': 'changed by the hook',
};

/** The objects the service adds (extra/, its hook) or patches, under the tables: they are part of what the policies above decide. */
function addedText(added: readonly AddedObject[]): string {
  if (added.length === 0) return '';
  const rows = added.map((a) => [`${a.kind} ${a.name}`, `${HOW_TEXT[a.how]} ${a.from}`]);
  const width = Math.max(...rows.map(([w]) => w.length));
  return `\nObjects the service adds or patches (docs/escape-hatches.md):\n\n${rows.map(([w, f]) => `  ${w.padEnd(width)}  ${f}`).join('\n')}\n`;
}

/** One pod per workload of the namespace, named by its process (`app.kubernetes.io/component`). */
function workloadPods(objects: readonly K8sObject[], namespaceLabels: Readonly<Record<string, string>>): Array<{ name: string; endpoint: PodEndpoint; containers: string[] }> {
  const workloads = objects
    .filter((o) => o.kind in WORKLOAD_RANK)
    .map((o, index) => ({ o, index }))
    .sort((a, b) => WORKLOAD_RANK[a.o.kind] - WORKLOAD_RANK[b.o.kind] || a.index - b.index)
    .map(({ o }) => o);
  return workloads.map((o, i) => {
    const template = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
    const labels: Record<string, string> = template?.metadata?.labels ?? {};
    const name: string = labels[COMPONENT_LABEL] ?? o.metadata?.name;
    // A native sidecar listens on the pod's address like the app: its ports are destinations too.
    const listening = [...(template?.spec?.containers ?? []), ...sidecarsOf(template)];
    const ports: ContainerPort[] = listening.flatMap((c: K8sObject) =>
      (c.ports ?? []).map((p: K8sObject) => ({ name: p.name ?? String(p.containerPort), port: p.containerPort, protocol: (p.protocol ?? 'TCP') as Protocol })));
    const endpoint: PodEndpoint = { kind: 'pod', namespace: o.metadata?.namespace ?? 'default', namespaceLabels, name, labels, ip: `10.244.${i + 1}.10`, ports };
    return { name, endpoint, containers: extraContainersOf(template) };
  });
}

// --- More containers (issue 21 item 5) -----------------------------------------------------------

/** The native sidecars of a pod template: init containers with `restartPolicy: Always`. */
function sidecarsOf(template: K8sObject | undefined): K8sObject[] {
  return (template?.spec?.initContainers ?? []).filter((c: K8sObject) => c.restartPolicy === 'Always');
}

/** One line per init container and sidecar of a pod template, in the order the kubelet starts them. */
function extraContainersOf(template: K8sObject | undefined): string[] {
  return (template?.spec?.initContainers ?? []).map((c: K8sObject) => {
    const sidecar = c.restartPolicy === 'Always';
    const ports = (c.ports ?? []).map((p: K8sObject) => `${p.name ?? p.containerPort} ${p.containerPort}`).join(', ');
    return `${sidecar ? 'sidecar' : 'init'} ${c.name}: ${c.image}${ports ? ` (ports ${ports})` : ''}`;
  });
}

/** The init containers and sidecars of each workload, for the text output. @returns '' when none has any */
function containersSection(service: string, workloads: ReadonlyArray<{ name: string; containers: readonly string[] }>): string {
  const withExtra = workloads.filter((w) => w.containers.length);
  if (!withExtra.length) return '';
  return `Init containers and sidecars of ${service} (a sidecar's ports are destinations above like the app's):\n` +
    withExtra.map((w) => `  ${w.name}\n${w.containers.map((c) => `    ${c}\n`).join('')}`).join('') + '\n';
}

// --- end of more containers ----------------------------------------------------------------------

/**
 * The destinations outside the service that its egress policies open: in-cluster pods in
 * another namespace, or a CIDR other than the whole internet, named by `berth.dev/egress-to`.
 * Peers in the service's own namespace are its processes, already destinations.
 */
function dependencyDestinations(policies: readonly NetworkPolicy[], processes: ReadonlySet<string>): Destination[] {
  const out: Destination[] = [];
  policies.forEach((policy, p) => {
    const label = (policy.metadata as { labels?: Record<string, string> }).labels?.[EGRESS_TO_LABEL];
    if (label === undefined || processes.has(label)) return;
    (policy.spec.egress ?? []).forEach((rule, r) => (rule.to ?? []).forEach((peer) => {
      let endpoint: Endpoint;
      if (peer.ipBlock) {
        if (peer.ipBlock.cidr === '0.0.0.0/0') return;
        endpoint = { kind: 'external', name: label, ip: firstAddress(peer.ipBlock.cidr) };
      } else {
        const ns = peer.namespaceSelector?.matchLabels?.[NAMESPACE_NAME_LABEL];
        if (ns === undefined) return;
        endpoint = { kind: 'pod', namespace: ns, name: label, labels: { ...peer.podSelector?.matchLabels }, ip: `10.244.${210 + p}.${10 + r}` };
      }
      for (const port of rule.ports ?? []) {
        if (typeof port.port === 'number') out.push({ label, endpoint, port: port.port, protocol: port.protocol ?? 'TCP' });
      }
    }));
  });
  return uniqueBy(out, (d) => `${d.label}:${d.port}/${d.protocol}`);
}

/** A pod of the ingress controller or Prometheus, as berth.yaml selects it. */
function refPod(ref: PodsRef, name: string, ip: string): PodEndpoint {
  return { kind: 'pod', namespace: ref.namespace, name, labels: { ...ref.podLabels }, ip };
}

/** `pods app.kubernetes.io/name=prometheus in namespace monitoring`, or `public server 93.184.216.34`. */
function describe(endpoint: Endpoint): string {
  if (endpoint.kind === 'external') return `${endpoint.name ?? 'address'} ${endpoint.ip}`;
  if (endpoint.name === STRANGER && endpoint.labels.app === STRANGER) return `an unrelated pod in namespace ${endpoint.namespace}`;
  const labels = Object.entries(endpoint.labels).map(([k, v]) => `${k}=${v}`).join(',');
  return labels ? `pods ${labels} in namespace ${endpoint.namespace}` : `any pod in namespace ${endpoint.namespace}`;
}

/** The cells of some rows and a column range, as a matrix of its own. */
function slice(matrix: ReachabilityMatrix, rows: readonly string[], [from, to]: readonly [number, number]): ReachabilityMatrix {
  const width = matrix.columns.length;
  const cells: MatrixCell[] = [];
  for (const row of rows) {
    const r = matrix.sources.indexOf(row);
    cells.push(...matrix.cells.slice(r * width + from, r * width + to));
  }
  return { sources: [...rows], columns: matrix.columns.slice(from, to), cells };
}

/** The first host address of an IPv4 CIDR (the address itself for /31 and /32). */
function firstAddress(cidr: string): string {
  const [base, bits] = cidr.split('/');
  const prefix = Number(bits);
  const address = base.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  const network = prefix === 0 ? 0 : address - (address % 2 ** (32 - prefix));
  const host = prefix >= 31 ? address : network + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(host / 2 ** shift) % 256).join('.');
}

function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => (seen.has(key(item)) ? false : (seen.add(key(item)), true)));
}
