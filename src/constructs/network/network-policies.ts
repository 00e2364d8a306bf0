/**
 * A service's NetworkPolicies: deny everything, then allow exactly the paths its traffic takes.
 *
 * Every policy is written into the service's own namespace (the chart's) and selects only the
 * service's own pods, so applying one service never changes what another namespace may do.
 * (cdk8s-plus's `connections.allowFrom` writes policies into the peer's namespace too, and in a
 * probe isolated the ingress controller's egress; it is never used.)
 *
 * Objects, all named from the service and never from construct paths:
 * - `<service>-default-deny`: isolates ingress AND egress of every pod of the service;
 * - `<service>-allow-dns`: egress to the cluster DNS (and any node-local cache) on UDP and TCP 53;
 * - `<service>-<process>-ingress`: who may connect to one process, on which ports;
 * - `<service>-to-<destination>`: which processes may connect to one destination (a dependency,
 *   another process of the service, the public internet), on which ports. Labelled
 *   `berth.dev/egress-to: <destination>` so `kubectl get netpol -l` and `berth explain` find it.
 *
 * NetworkPolicy is layer 4: it opens ports, never paths. An endpoint such as `/metrics` on the
 * public port is kept off the internet by the edge, not here.
 */
import { EGRESS_HOST_ANNOTATION, EGRESS_SECRETS_ANNOTATION, EGRESS_TO_LABEL } from '../../util/annotations';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../k8s';
import { kube } from '../resource';
import { dnsLabelProblem, refuseProp } from '../../util/validate';
import { serviceLabels } from '../workloads/labels';
import { NetworkPeer, NetworkPort, processSelector } from './network-peer';
import { allowDnsPolicy, defaultDenyPolicy, egressPolicy, ingressPolicy } from './policy-names';


/**
 * The annotation naming the hosts an egress policy opens the way to (`db.databases.svc`, or
 * `api.openai.com,api.example.com`): a NetworkPolicy matches pods and addresses, never names, so
 * a reader of the policy learns them here.
 */


/** One allowed path: any of these peers, on any of these ports. */
export interface TrafficRule {
  /** Who may connect. */
  readonly peers: readonly NetworkPeer[];
  /** On which ports. */
  readonly ports: readonly NetworkPort[];
}

/** A destination some processes of the service may connect to. */
export interface EgressGrant {
  /** Names the policy `<service>-to-<name>` and its `berth.dev/egress-to` label, e.g. `postgres`. */
  readonly name: string;
  /** The processes (component labels) that may connect. */
  readonly processes: readonly string[];
  /** Where the processes may connect. */
  readonly to: readonly NetworkPeer[];
  /** On which ports. */
  readonly ports: readonly NetworkPort[];
  /** The host names the processes connect to (comma-separated), written as the `berth.dev/egress-host` annotation. @default - none */
  readonly host?: string;
  /** The secret items holding the destination's address or credentials, written as `berth.dev/egress-secrets`. @default - none */
  readonly secrets?: readonly string[];
}

/** The service whose pods the policies select, and what each of its processes may accept and open. */
export interface NetworkPoliciesProps {
  /** The service: every policy selects pods labelled `app.kubernetes.io/name: <service>`. */
  readonly service: string;
  /**
   * Where cluster DNS answers (UDP and TCP 53): the kube-dns pods, plus for example
   * `NetworkPeer.ipBlock('169.254.20.10/32')` where NodeLocal DNSCache answers from the node.
   * @default [NetworkPeer.kubeDns()]
   */
  readonly dns?: readonly NetworkPeer[];
  /** Who may connect to each process, keyed by process. @default - no process accepts any connection */
  readonly ingress?: Readonly<Record<string, readonly TrafficRule[]>>;
  /** Where processes may connect besides DNS. @default - nowhere */
  readonly egress?: readonly EgressGrant[];
}

/** Default deny plus explicit allowances for the pods of one service. */
export class NetworkPolicies extends Construct {
  /** Every policy, by name. */
  readonly policies: ReadonlyMap<string, ApiObject>;

  constructor(scope: Construct, id: string, props: NetworkPoliciesProps) {
    super(scope, id);
    const { service } = props;
    refuseProp(this.node.path, 'service', service, dnsLabelProblem(service));
    const policies = new Map<string, ApiObject>();
    const add = (constructId: string, name: string, spec: k8s.NetworkPolicySpec, labels: Record<string, string> = {}, annotations?: Record<string, string>) => {
      if (policies.has(name)) {
        // The spec checks refuse such a spec first (semantics.ts); this guards the construct's own callers.
        throw new Error(`NetworkPolicy name "${name}" would be written twice (a process and an egress destination share a name); rename one of them`);
      }
      policies.set(name, kube(this, constructId, k8s.KubeNetworkPolicy, { metadata: { name, labels: { ...serviceLabels(service), ...labels }, annotations }, spec }));
    };

    // No rules at all: both directions isolated. Every allowance below adds to this.
    add('default-deny', defaultDenyPolicy(service), { podSelector: processSelector(service), policyTypes: ['Ingress', 'Egress'] });
    add('allow-dns', allowDnsPolicy(service), {
      podSelector: processSelector(service),
      policyTypes: ['Egress'],
      egress: [{ to: renderPeers(props.dns ?? [NetworkPeer.kubeDns()], 'dns'), ports: [NetworkPort.udp(53)._render(), NetworkPort.tcp(53)._render()] }],
    });

    for (const [process, rules] of Object.entries(props.ingress ?? {})) {
      if (rules.length === 0) continue;
      add(`ingress-${process}`, ingressPolicy(service, process), {
        podSelector: processSelector(service, [process]),
        policyTypes: ['Ingress'],
        ingress: rules.map((r) => ({ from: renderPeers(r.peers, `ingress.${process}`), ports: renderPorts(r.ports, `ingress.${process}`) })),
      });
    }

    for (const grant of props.egress ?? []) {
      if (grant.processes.length === 0) continue;
      add(`egress-${grant.name}`, egressPolicy(service, grant.name), {
        podSelector: processSelector(service, grant.processes),
        policyTypes: ['Egress'],
        egress: [{ to: renderPeers(grant.to, `egress ${grant.name}`), ports: renderPorts(grant.ports, `egress ${grant.name}`) }],
      }, { [EGRESS_TO_LABEL]: grant.name }, egressAnnotations(grant));
    }
    this.policies = policies;
  }
}

/** What a reader of an egress policy cannot learn from its selectors: the hosts and the secrets it is for. */
function egressAnnotations(grant: EgressGrant): Record<string, string> | undefined {
  const annotations: Record<string, string> = {
    ...(grant.host === undefined ? {} : { [EGRESS_HOST_ANNOTATION]: grant.host }),
    ...(grant.secrets?.length ? { [EGRESS_SECRETS_ANNOTATION]: grant.secrets.join(',') } : {}),
  };
  return Object.keys(annotations).length ? annotations : undefined;
}

/** Peers of a rule; an empty list would mean "everyone", so it is refused. */
function renderPeers(peers: readonly NetworkPeer[], where: string): k8s.NetworkPolicyPeer[] {
  if (peers.length === 0) throw new Error(`NetworkPolicies ${where}: no peers; an empty list would allow every source or destination, so list at least one`);
  return peers.map((p) => p._render());
}

/** Ports of a rule; an empty list would mean "every port", so it is refused. */
function renderPorts(ports: readonly NetworkPort[], where: string): k8s.NetworkPolicyPort[] {
  if (ports.length === 0) throw new Error(`NetworkPolicies ${where}: no ports; an empty list would allow every port, so list at least one`);
  return ports.map((p) => p._render());
}
