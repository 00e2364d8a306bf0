/**
 * Spec → NetworkPolicies: default deny, then exactly the paths traffic may take.
 *
 * - in: the ingress controller to the `http` port of public web processes; Prometheus to the
 *   metrics port of web processes that declare metrics; the processes in a web process's
 *   `allowFrom` (or whose `calls` name it) to its `http` port;
 * - out: DNS for every pod; each dependency for the processes in its `usedBy` (default all,
 *   jobs included); the matching egress for every caller of a sibling; TCP 443 to public
 *   addresses for the processes that run the app's code when `externalHttps` is set.
 */
import { NetworkPeer, NetworkPort } from '../constructs/network/network-peer';
import { EgressGrant, NetworkPolicies, TrafficRule } from '../constructs/network/network-policies';
import { INTERNET_HTTPS } from '../constructs/network/policy-names';
import { dependencyUsers, internetCallers, secretsOf } from '../spec/egress';
import { Edge, Environment, ServiceSpec } from '../spec/schema';
import { ServiceContext } from './context';
import { edgeProfile } from './edge';
import { BuiltWorkloads } from './workloads';

/** Pods in one namespace, as berth.yaml names the ingress controller and Prometheus. */
export interface PodsRef {
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
}

/** The ingress controller's pods per edge profile, when berth.yaml does not name them (the charts' defaults). */
export const INGRESS_CONTROLLER_DEFAULTS: Readonly<Record<'nginx' | 'traefik', PodsRef>> = {
  nginx: { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
  traefik: { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } },
};

/**
 * The pods that proxy the edge's traffic to the service. `environments.<env>.ingressController`
 * describes the controller of the environment's own profile; a service that picks another
 * profile gets that profile's default. For Gateway API the proxies are taken to run in the
 * Gateway's namespace (true of Istio and of most in-namespace deployments); an implementation
 * that runs them elsewhere needs `ingressController` set. Undefined: no known controller.
 */
export function ingressControllerPods(env: Environment, edge?: Pick<Edge, 'profile' | 'gateway'>): PodsRef | undefined {
  const profile = edgeProfile(edge, env);
  if (env.ingressController && profile === env.edgeProfile) return env.ingressController;
  if (profile !== 'gateway') return INGRESS_CONTROLLER_DEFAULTS[profile];
  const namespace = edge?.gateway?.namespace ?? env.gateway?.namespace;
  return namespace ? { namespace, podLabels: {} } : undefined;
}

/** Processes that may call a web process: its `allowFrom`, and workers and singletons whose `calls` name it. */
export function callersOf(spec: ServiceSpec, web: string): string[] {
  const declared = [...Object.entries(spec.workers), ...Object.entries(spec.singletons)].filter(([, p]) => p.calls.includes(web)).map(([n]) => n);
  return [...new Set([...spec.web[web].allowFrom, ...declared])].filter((n) => n !== web).sort();
}

/** Adds the service's NetworkPolicies. */
export function buildNetwork(ctx: ServiceContext, workloads: BuiltWorkloads): NetworkPolicies {
  const { spec, env } = ctx;
  const controller = ingressControllerPods(env, spec.edge);
  const ingress: Record<string, TrafficRule[]> = {};
  const egress: EgressGrant[] = [];

  for (const [name, web] of workloads.web) {
    const process = spec.web[name];
    const rules: TrafficRule[] = [];
    if (process.public && controller) {
      rules.push({ peers: [NetworkPeer.pods(controller.namespace, controller.podLabels)], ports: [NetworkPort.tcp(web.portName)] });
    }
    if (process.metrics) {
      rules.push({ peers: [NetworkPeer.pods(env.prometheus.namespace, env.prometheus.podLabels)], ports: [NetworkPort.tcp(web.metricsPortName)] });
    }
    const callers = callersOf(spec, name);
    if (callers.length) {
      rules.push({ peers: [NetworkPeer.processes(spec.name, callers)], ports: [NetworkPort.tcp(web.portName)] });
      // The caller's side names the number: its policy does not depend on the callee's port names.
      egress.push({ name, processes: callers, to: [NetworkPeer.processes(spec.name, [name])], ports: [NetworkPort.tcp(process.port)] });
    }
    ingress[name] = rules;
  }

  for (const [name, dep] of Object.entries(spec.dependencies)) {
    const to = dep.cidr !== undefined ? NetworkPeer.ipBlock(dep.cidr) : NetworkPeer.pods(dep.namespace ?? '', dep.podLabels);
    const port = dep.protocol === 'UDP' ? NetworkPort.udp(dep.port) : NetworkPort.tcp(dep.port);
    egress.push({ name, processes: dependencyUsers(spec, name, dep), to: [to], ports: [port], host: dep.host, secrets: [...secretsOf(spec, name, dep)].sort() });
  }

  if (spec.externalHttps.length) {
    // NetworkPolicy matches addresses, not host names: this is every public address on 443,
    // never a private range or the metadata service. An egress proxy can narrow it to the hosts.
    egress.push({ name: INTERNET_HTTPS, processes: internetCallers(spec), to: [NetworkPeer.publicInternet()], ports: [NetworkPort.tcp(443)], host: spec.externalHttps.join(',') });
  }

  // NodeLocal DNSCache answers from the node's network, which no pod selector matches.
  const dns = [NetworkPeer.kubeDns(), ...env.dns.extraAddresses.map((a) => NetworkPeer.ipBlock(`${a}/32`))];
  return new NetworkPolicies(ctx.scope, 'network', { service: spec.name, dns, ingress, egress });
}
