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
import { ServiceContext } from './context';
import { BuiltWorkloads } from './workloads';

/** Adds the service's NetworkPolicies. */
export function buildNetwork(ctx: ServiceContext, workloads: BuiltWorkloads): NetworkPolicies {
  const { spec, env, model } = ctx;
  const controller = model.ingressController;
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
    const callers = model.processes.find((p) => p.name === name)!.callers;
    if (callers.length) {
      rules.push({ peers: [NetworkPeer.processes(spec.name, callers)], ports: [NetworkPort.tcp(web.portName)] });
      // The caller's side names the number: its policy does not depend on the callee's port names.
      egress.push({ name, processes: [...callers], to: [NetworkPeer.processes(spec.name, [name])], ports: [NetworkPort.tcp(process.port)] });
    }
    ingress[name] = rules;
  }

  const known = model.processes.map((p) => p.name);
  for (const dep of model.dependencies) {
    // Validation reports an unknown name at its field; a chart built without it still refuses one.
    const unknown = dep.users.find((u) => !known.includes(u));
    if (unknown !== undefined) throw new Error(`dependencies.${dep.name}.usedBy: unknown process or job "${unknown}" (known: ${known.join(', ')})`);
    // The schema requires namespace exactly when there is no cidr.
    const to = dep.cidr !== undefined ? NetworkPeer.ipBlock(dep.cidr) : NetworkPeer.pods(dep.namespace!, dep.podLabels);
    const port = dep.protocol === 'UDP' ? NetworkPort.udp(dep.port) : NetworkPort.tcp(dep.port);
    egress.push({ name: dep.name, processes: [...dep.users], to: [to], ports: [port], host: dep.host, secrets: [...dep.secrets] });
  }

  if (spec.externalHttps.length) {
    // NetworkPolicy matches addresses, not host names: this is every public address on 443,
    // never a private range or the metadata service. An egress proxy can narrow it to the hosts.
    egress.push({ name: INTERNET_HTTPS, processes: [...model.internetCallers], to: [NetworkPeer.publicInternet()], ports: [NetworkPort.tcp(443)], host: spec.externalHttps.join(',') });
  }

  // NodeLocal DNSCache answers from the node's network, which no pod selector matches.
  const dns = [NetworkPeer.kubeDns(), ...env.dns.extraAddresses.map((a) => NetworkPeer.ipBlock(`${a}/32`))];
  return new NetworkPolicies(ctx.scope, 'network', { service: spec.name, dns, ingress, egress });
}
