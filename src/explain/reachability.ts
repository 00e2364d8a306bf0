/**
 * Which traffic do these NetworkPolicies allow? An evaluator of the standard
 * `networking.k8s.io/v1` semantics over plain objects, so `berth explain` can answer
 * "can the worker reach Postgres?" from synthesized manifests, without a cluster.
 *
 * The model is pod to pod after Service DNAT: policies see pod IPs and container ports,
 * never Service ports, so a destination port here is the container port (targetPort).
 * Node-local traffic (kubelet probes) and hostNetwork pods are outside the model, as they are
 * outside NetworkPolicy.
 */
import { NAMESPACE_NAME_LABEL } from '../util/annotations';

/** An L4 protocol a NetworkPolicy port can name. */
export type Protocol = 'TCP' | 'UDP' | 'SCTP';

/** A direction a NetworkPolicy can isolate. */
export type PolicyType = 'Ingress' | 'Egress';

/** One `matchExpressions` entry of a label selector. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /** Required for `In` and `NotIn`, absent for `Exists` and `DoesNotExist`. */
  readonly values?: readonly string[];
}

/** A Kubernetes label selector: `matchLabels` AND every `matchExpressions` entry. */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** An IPv4 CIDR range with holes cut out of it. */
export interface IPBlock {
  /** e.g. `172.17.0.0/16`. */
  readonly cidr: string;
  /** Ranges inside `cidr` that do not match. */
  readonly except?: readonly string[];
}

/** One `from`/`to` entry: an ipBlock, or pod and/or namespace selectors (both = AND). */
export interface NetworkPolicyPeer {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: IPBlock;
}

/** One `ports` entry of a rule. */
export interface NetworkPolicyPort {
  /** @default 'TCP' */
  readonly protocol?: Protocol;
  /** A number, or the name of a container port on the destination pod. @default - every port */
  readonly port?: number | string;
  /** Makes `port` (numeric) the start of an inclusive range. @default - `port` alone */
  readonly endPort?: number;
}

/** One ingress rule: traffic must match a `from` peer AND a port. */
export interface NetworkPolicyIngressRule {
  /** @default - every source */
  readonly from?: readonly NetworkPolicyPeer[];
  /** @default - every port */
  readonly ports?: readonly NetworkPolicyPort[];
}

/** One egress rule: traffic must match a `to` peer AND a port. */
export interface NetworkPolicyEgressRule {
  /** @default - every destination */
  readonly to?: readonly NetworkPolicyPeer[];
  /** @default - every port */
  readonly ports?: readonly NetworkPolicyPort[];
}

/** The `spec` of a NetworkPolicy. */
export interface NetworkPolicySpec {
  /** @default {} - every pod in the policy's namespace */
  readonly podSelector?: LabelSelector;
  /** @default - `Ingress`, plus `Egress` when `egress` has rules */
  readonly policyTypes?: readonly PolicyType[];
  readonly ingress?: readonly NetworkPolicyIngressRule[];
  readonly egress?: readonly NetworkPolicyEgressRule[];
}

/** A NetworkPolicy as plain data, the shape of the synthesized YAML. */
export interface NetworkPolicy {
  readonly apiVersion?: string;
  readonly kind?: string;
  /** `namespace` defaults to `default`, as `kubectl apply` without `-n` would. */
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: NetworkPolicySpec;
}

/** A named container port, the target of a named port in a policy or a probe. */
export interface ContainerPort {
  readonly name: string;
  readonly port: number;
  /** @default 'TCP' */
  readonly protocol?: Protocol;
}

/** A pod, as a source or destination of traffic. */
export interface PodEndpoint {
  readonly kind: 'pod';
  /** Shown in reasons as `namespace/name`. */
  readonly name: string;
  readonly namespace: string;
  /** The namespace's own labels; `kubernetes.io/metadata.name` is always added. @default {} */
  readonly namespaceLabels?: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  /** The pod IP, matched by ipBlock peers when given. @default - no ipBlock matches this pod */
  readonly ip?: string;
  /** Named container ports, resolving named ports. @default [] */
  readonly ports?: readonly ContainerPort[];
}

/** An address outside the cluster's pods (a database host, the internet, a load balancer). */
export interface ExternalEndpoint {
  readonly kind: 'external';
  /** IPv4 address. */
  readonly ip: string;
  /** Shown in reasons as `name (ip)`. @default - the IP alone */
  readonly name?: string;
}

/** Either end of a connection. */
export type Endpoint = PodEndpoint | ExternalEndpoint;

/** Whether a connection is allowed, and the policy and rule that decided it. */
export interface Verdict {
  readonly allowed: boolean;
  readonly reason: string;
}

/** The connection as the evaluator sees it once a named probe port is resolved. */
interface Traffic {
  readonly port: number;
  readonly protocol: Protocol;
  /** `5432/TCP`, or `8000/TCP (http)` for a named probe port. */
  readonly text: string;
}

/**
 * Is a connection from `from` to `to` on `port`/`protocol` allowed? It is when the source's
 * egress allows it AND the destination's ingress allows it. A side is isolated when at least
 * one policy of that type selects its pod; an isolated side allows the connection when any
 * rule of any of those policies matches both peer and port. External endpoints have no
 * policies of their own. A string `port` is a container port name on `to`.
 */
export function evaluate(
  policies: readonly NetworkPolicy[],
  from: Endpoint,
  to: Endpoint,
  port: number | string,
  protocol: Protocol = 'TCP',
): Verdict {
  const traffic = resolveTraffic(to, port, protocol);
  const egress = evaluateSide('Egress', policies, from, to, traffic);
  const ingress = evaluateSide('Ingress', policies, to, from, traffic);
  const allowed = egress.allowed && ingress.allowed;
  const reasons = allowed ? [egress, ingress] : [egress, ingress].filter((side) => !side.allowed);
  return { allowed, reason: reasons.map((side) => side.reason).join('; ') };
}

/** Does a label selector match these labels? An empty selector matches everything. */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const has = (key: string) => Object.prototype.hasOwnProperty.call(labels, key);
  const labelsMatch = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => has(key) && labels[key] === value);
  return labelsMatch && (selector.matchExpressions ?? []).every((req) => {
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In': return has(req.key) && values.includes(labels[req.key]);
      // NotIn also matches pods that lack the key, as in kubectl's `key notin (…)`.
      case 'NotIn': return !has(req.key) || !values.includes(labels[req.key]);
      case 'Exists': return has(req.key);
      case 'DoesNotExist': return !has(req.key);
      default:
        throw new Error(`label selector operator "${String(req.operator)}" for key "${req.key}" is not one of In, NotIn, Exists, DoesNotExist`);
    }
  });
}

/** Does an IPv4 address fall in the block's CIDR and outside all of its `except` ranges? */
export function ipBlockContains(block: IPBlock, ip: string): boolean {
  const address = parseIPv4(ip);
  if (address === undefined) throw new Error(`address "${ip}" is not an IPv4 address like 10.0.0.1 (IPv6 is not supported)`);
  return cidrContains(block.cidr, address) && !(block.except ?? []).some((hole) => cidrContains(hole, address));
}

/** The policy types in effect, defaulted as the API server does when the list is empty. */
export function effectivePolicyTypes(spec: NetworkPolicySpec): readonly PolicyType[] {
  if (spec.policyTypes && spec.policyTypes.length > 0) return spec.policyTypes;
  // SetDefaults_NetworkPolicy: Ingress always, Egress only for a non-empty egress list.
  return spec.egress && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** `namespace/name` for a pod, `name (ip)` or `ip` for an external address. */
function describeEndpoint(endpoint: Endpoint): string {
  if (endpoint.kind === 'pod') return `${endpoint.namespace}/${endpoint.name}`;
  return endpoint.name === undefined ? endpoint.ip : `${endpoint.name} (${endpoint.ip})`;
}

/** One side of the decision: the source's egress or the destination's ingress. */
function evaluateSide(
  direction: PolicyType,
  policies: readonly NetworkPolicy[],
  subject: Endpoint,
  peer: Endpoint,
  traffic: Traffic,
): Verdict {
  const verb = direction === 'Egress' ? 'egress from' : 'ingress to';
  if (subject.kind === 'external') return { allowed: true, reason: `${verb} ${describeEndpoint(subject)} is not subject to NetworkPolicy` };
  const isolating = policies.filter((policy) =>
    namespaceOf(policy) === subject.namespace &&
    effectivePolicyTypes(policy.spec).includes(direction) &&
    selectorMatches(policy.spec.podSelector ?? {}, subject.labels));
  if (isolating.length === 0) return { allowed: true, reason: `${verb} ${describeEndpoint(subject)} is not isolated` };

  // For both directions the destination pod is the one that resolves named ports.
  const destination = direction === 'Egress' ? peer : subject;
  const field = direction === 'Egress' ? 'egress' : 'ingress';
  for (const policy of isolating) {
    const rules: readonly (NetworkPolicyIngressRule & NetworkPolicyEgressRule)[] = policy.spec[field] ?? [];
    for (const [index, rule] of rules.entries()) {
      const where = `${policyRef(policy)} ${field}[${index}]`;
      const peers = direction === 'Egress' ? rule.to : rule.from;
      const peerOk = peers === undefined || peers.length === 0 || peers.some((p) => peerMatches(p, namespaceOf(policy), peer, where));
      const portOk = rule.ports === undefined || rule.ports.length === 0 || rule.ports.some((p) => portMatches(p, destination, traffic, where));
      if (peerOk && portOk) return { allowed: true, reason: `${verb} ${describeEndpoint(subject)} allowed by ${where}` };
    }
  }
  const by = isolating.map(policyRef).join(', ');
  return direction === 'Egress'
    ? { allowed: false, reason: `egress from ${describeEndpoint(subject)} is isolated by ${by} and no egress rule allows ${describeEndpoint(peer)} on ${traffic.text}` }
    : { allowed: false, reason: `no policy allows ingress to ${describeEndpoint(subject)} on ${traffic.text} from ${describeEndpoint(peer)} (isolated by ${by})` };
}

/** Does one `from`/`to` entry match the other end of the connection? */
function peerMatches(peer: NetworkPolicyPeer, policyNamespace: string, endpoint: Endpoint, where: string): boolean {
  const hasSelector = peer.podSelector !== undefined || peer.namespaceSelector !== undefined;
  if (peer.ipBlock !== undefined && hasSelector) {
    throw new Error(`${where}: a peer sets ipBlock together with a selector, which the API server rejects; split it into two peers`);
  }
  if (peer.ipBlock !== undefined) return endpoint.ip !== undefined && ipBlockContainsAt(peer.ipBlock, endpoint.ip, where);
  if (!hasSelector) throw new Error(`${where}: a peer sets none of podSelector, namespaceSelector, ipBlock; omit the whole from/to list to match every peer`);
  if (endpoint.kind === 'external') return false;
  const namespaceOk = peer.namespaceSelector === undefined
    ? endpoint.namespace === policyNamespace
    : selectorMatches(peer.namespaceSelector, { ...endpoint.namespaceLabels, [NAMESPACE_NAME_LABEL]: endpoint.namespace });
  return namespaceOk && selectorMatches(peer.podSelector ?? {}, endpoint.labels);
}

/** Does one `ports` entry match the connection? Named ports resolve on the destination pod. */
function portMatches(entry: NetworkPolicyPort, destination: Endpoint, traffic: Traffic, where: string): boolean {
  if ((entry.protocol ?? 'TCP') !== traffic.protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === 'string') {
    if (entry.endPort !== undefined) throw new Error(`${where}: endPort ${entry.endPort} follows the named port "${entry.port}", which the API server rejects; use a numeric port`);
    const name = entry.port;
    return destination.kind === 'pod' && (destination.ports ?? []).some((cp) =>
      cp.name === name && (cp.protocol ?? 'TCP') === traffic.protocol && cp.port === traffic.port);
  }
  if (entry.endPort === undefined) return traffic.port === entry.port;
  if (entry.endPort < entry.port) throw new Error(`${where}: endPort ${entry.endPort} is below port ${entry.port}; endPort must be at least port`);
  return traffic.port >= entry.port && traffic.port <= entry.endPort;
}

/** Turns the probe's port into a number, resolving a name against the destination pod. */
function resolveTraffic(to: Endpoint, port: number | string, protocol: Protocol): Traffic {
  if (typeof port === 'number') {
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port ${port} is not an integer between 1 and 65535`);
    return { port, protocol, text: `${port}/${protocol}` };
  }
  const known = to.kind === 'pod' ? to.ports ?? [] : [];
  const match = known.find((cp) => cp.name === port && (cp.protocol ?? 'TCP') === protocol);
  if (match === undefined) {
    const names = known.map((cp) => `${cp.name} (${cp.port}/${cp.protocol ?? 'TCP'})`).join(', ') || 'none';
    throw new Error(`named port "${port}"/${protocol} is not a container port of ${describeEndpoint(to)} (its named ports: ${names}); use a number or one of those names`);
  }
  return { port: match.port, protocol, text: `${match.port}/${protocol} (${port})` };
}

/** The namespace a policy lives in and selects pods from. */
function namespaceOf(policy: NetworkPolicy): string {
  return policy.metadata.namespace ?? 'default';
}

/** `namespace/name` of a policy. */
function policyRef(policy: NetworkPolicy): string {
  return `${namespaceOf(policy)}/${policy.metadata.name}`;
}

/** ipBlockContains, with the rule named in any error about a malformed CIDR. */
function ipBlockContainsAt(block: IPBlock, ip: string, where: string): boolean {
  try {
    return ipBlockContains(block, ip);
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`);
  }
}

/** Is the address inside `a.b.c.d/n`? */
function cidrContains(cidr: string, address: number): boolean {
  const match = /^([^/]+)\/(\d{1,2})$/.exec(cidr);
  const base = match ? parseIPv4(match[1]) : undefined;
  const bits = match ? Number(match[2]) : NaN;
  if (base === undefined || bits > 32) throw new Error(`ipBlock CIDR "${cidr}" is not an IPv4 CIDR like 10.0.0.0/8 (IPv6 is not supported)`);
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return ((address & mask) >>> 0) === ((base & mask) >>> 0);
}

/** `a.b.c.d` as an unsigned 32-bit number, or undefined when it is not one. */
function parseIPv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((part) => !/^\d{1,3}$/.test(part) || Number(part) > 255)) return undefined;
  return parts.reduce((acc, part) => acc * 256 + Number(part), 0);
}
