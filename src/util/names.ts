/**
 * The names of the objects berth writes, in one place. Names are API: Argo CD and kubectl find
 * objects by them, so they come from the service, process and environment names only, never
 * from construct paths or hashes. NetworkPolicy names have their own module
 * (constructs/network/policy-names.ts), the annotation keys theirs (util/annotations.ts).
 */

/** `<service>-<part>`: every namespaced object a service owns (a process's workloads, a claim, its Secret, ConfigMap, rules). */
export function serviceObjectName(service: string, part: string): string {
  return `${service}-${part}`;
}

/** The namespace of a service: its own `namespace`, else its name. */
export function namespaceOf(spec: { readonly name: string; readonly namespace?: string }): string {
  return spec.namespace ?? spec.name;
}

/** `<service>-<env>`: the Argo CD Application of a service in an environment, and berth's AppProject for it. */
export function applicationName(service: string, env: string): string {
  return `${service}-${env}`;
}

/** `berth-<env>`: the root Application of an environment (app of apps), and its AppProject. */
export function rootName(env: string): string {
  return `berth-${env}`;
}
