/**
 * The names of a service's NetworkPolicies, in one place: the NetworkPolicies construct writes
 * them, and the spec checks (src/spec/semantics.ts) refuse a spec in which two of them meet, so
 * the problem names a field instead of surfacing from the construct.
 */

/** Isolates ingress and egress of every pod of the service. */
export const defaultDenyPolicy = (service: string) => `${service}-default-deny`;
/** Egress to the cluster DNS. */
export const allowDnsPolicy = (service: string) => `${service}-allow-dns`;
/** Who may connect to one process. */
export const ingressPolicy = (service: string, process: string) => `${service}-${process}-ingress`;
/** Which processes may connect to one destination (a dependency, a process, the internet). */
export const egressPolicy = (service: string, destination: string) => `${service}-to-${destination}`;

/** The egress destination name of `externalHttps`: the policy is `<service>-to-internet-https`. */
export const INTERNET_HTTPS = 'internet-https';
