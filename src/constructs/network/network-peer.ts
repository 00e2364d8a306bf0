/**
 * The two ends of a NetworkPolicy rule, as berth states them: who (NetworkPeer) and on which
 * port (NetworkPort). Static factories say the intent; the Kubernetes shape is rendered
 * internally, so the generated `k8s.*` types never appear in our props.
 */
import { COMPONENT_LABEL, NAME_LABEL } from '../workloads/labels';
import { NAMESPACE_NAME_LABEL } from '../../util/annotations';
import { IPV4_CIDR } from '../../util/ipv4';
import * as k8s from '../k8s';
import { selectorLabels } from '../workloads/labels';

/**
 * Address ranges that are never "the internet": RFC 1918 private networks (pods, nodes,
 * VPC services), link-local 169.254.0.0/16 (the cloud metadata service at 169.254.169.254,
 * which hands out node credentials), carrier-grade NAT 100.64.0.0/10 (used as pod or service
 * ranges by some clouds) and loopback.
 */
export const NON_PUBLIC_RANGES: readonly string[] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '169.254.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
];

/** The other end of a rule: pods somewhere, pods of this service, or an address range. */
export class NetworkPeer {
  /**
   * Pods with these labels in one namespace. Both selectors sit in ONE peer, so they are ANDed:
   * the labels only count inside that namespace, never in a namespace someone else creates.
   * @param podLabels @default - every pod of the namespace
   */
  static pods(namespace: string, podLabels: Readonly<Record<string, string>> = {}): NetworkPeer {
    if (!namespace) throw new Error('NetworkPeer.pods: namespace is empty; name the namespace the pods run in');
    return new NetworkPeer({
      namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } },
      podSelector: Object.keys(podLabels).length ? { matchLabels: { ...podLabels } } : undefined,
    });
  }

  /** The cluster DNS: `k8s-app: kube-dns` pods in kube-system (CoreDNS keeps that label). */
  static kubeDns(): NetworkPeer {
    return NetworkPeer.pods('kube-system', { 'k8s-app': 'kube-dns' });
  }

  /** Pods of some processes of a service, in the policy's own namespace. */
  static processes(service: string, processes: readonly string[]): NetworkPeer {
    return new NetworkPeer({ podSelector: processSelector(service, processes) });
  }

  /** Addresses in an IPv4 CIDR, minus the `except` ranges inside it. */
  static ipBlock(cidr: string, except: readonly string[] = []): NetworkPeer {
    for (const c of [cidr, ...except]) {
      if (!IPV4_CIDR.test(c)) throw new Error(`NetworkPeer.ipBlock: "${c}" is not an IPv4 CIDR; write it like 10.0.0.5/32`);
    }
    return new NetworkPeer({ ipBlock: { cidr, except: except.length ? [...except] : undefined } });
  }

  /** Every public IPv4 address: 0.0.0.0/0 minus NON_PUBLIC_RANGES, so never the metadata service or a pod. */
  static publicInternet(): NetworkPeer {
    return NetworkPeer.ipBlock('0.0.0.0/0', NON_PUBLIC_RANGES);
  }

  private constructor(private readonly peer: k8s.NetworkPolicyPeer) {}

  /** @internal The Kubernetes shape of this peer. */
  _render(): k8s.NetworkPolicyPeer {
    return this.peer;
  }
}

/** A port of a rule: a number, or a container port name on the destination pod. */
export class NetworkPort {
  /** A TCP port, by number or container port name (`http`, `metrics`). */
  static tcp(port: number | string): NetworkPort {
    return new NetworkPort('TCP', port);
  }

  /** A UDP port, by number or container port name. */
  static udp(port: number | string): NetworkPort {
    return new NetworkPort('UDP', port);
  }

  private constructor(readonly protocol: 'TCP' | 'UDP', readonly port: number | string) {
    if (typeof port === 'number' && (!Number.isInteger(port) || port < 1 || port > 65535)) {
      throw new Error(`NetworkPort: port ${port} is not between 1 and 65535`);
    }
    if (typeof port === 'string' && !/^[a-z0-9]([-a-z0-9]{0,13}[a-z0-9])?$/.test(port)) {
      throw new Error(`NetworkPort: "${port}" is not a container port name (at most 15 lower-case letters, digits and "-")`);
    }
  }

  /** @internal The Kubernetes shape of this port. */
  _render(): k8s.NetworkPolicyPort {
    return {
      protocol: this.protocol,
      port: typeof this.port === 'number' ? k8s.IntOrString.fromNumber(this.port) : k8s.IntOrString.fromString(this.port),
    };
  }
}

/**
 * @internal Pods of a service (every process when `processes` is undefined), by the immutable
 * workload labels: one process by matchLabels, several by `component In (...)`, sorted.
 */
export function processSelector(service: string, processes?: readonly string[]): k8s.LabelSelector {
  const byService = { [NAME_LABEL]: service };
  if (processes === undefined) return { matchLabels: byService };
  const unique = [...new Set(processes)].sort();
  if (unique.length === 0) throw new Error(`no processes of service "${service}" to select; list at least one`);
  if (unique.length === 1) return { matchLabels: selectorLabels({ service, component: unique[0] }) };
  return { matchLabels: byService, matchExpressions: [{ key: COMPONENT_LABEL, operator: 'In', values: unique }] };
}
