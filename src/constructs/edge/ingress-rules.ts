/**
 * Ingress rendering shared by the Ingress-based profiles (nginx, traefik). Internal to the
 * edge constructs: the generated `k8s.*` types stay out of every public props interface.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../k8s';
import { kube } from '../resource';
import { EdgeRoute, EdgeTls, ResolvedEndpoint, routeAnnotations, shadowedBackend, syncAnnotations } from './public-endpoint';

/** The internal paths as routes to the backend each would otherwise reach. */
function blockRoutes(ep: ResolvedEndpoint): EdgeRoute[] {
  return ep.internalPaths.map((path) => ({ path, backend: shadowedBackend(path, ep.routes) }));
}

/** One rule per host; every route a `Prefix` path to its Service port, by port name. */
export function ingressRules(hosts: readonly string[], routes: readonly EdgeRoute[]): k8s.IngressRule[] {
  return hosts.map((host) => ({
    host,
    http: {
      paths: routes.map((r) => ({
        path: r.path,
        pathType: 'Prefix',
        backend: { service: { name: r.backend.service, port: { name: r.backend.portName ?? 'http' } } },
      })),
    },
  }));
}

/** The public Ingress and, with internal paths, the one that blocks them: what both Ingress profiles write. */
export interface IngressPair {
  /** The public Ingress, `<name>`. */
  readonly ingress: ApiObject;
  /** The Ingress that blocks the internal paths, `<name>-internal`. @default - none: there are no internal paths */
  readonly internalIngress?: ApiObject;
}

/**
 * The public Ingress `<name>` and, when there are internal paths, `<name>-internal`, which routes
 * exactly those paths so the controller's own annotations can refuse them. Both terminate TLS
 * with `<name>-tls`.
 * @param annotations the profile's annotations of the public Ingress and of the blocking one
 */
export function ingressPair(scope: Construct, ep: ResolvedEndpoint, className: string, tls: EdgeTls | undefined, annotations: { readonly public: Readonly<Record<string, string>>; readonly block: Readonly<Record<string, string>> }): IngressPair {
  const tlsSpec = [{ hosts: [...ep.hosts], secretName: ep.tlsSecretName }];
  const ingress = kube(scope, 'Public', k8s.KubeIngress, {
    metadata: {
      name: ep.name,
      labels: { ...ep.labels },
      annotations: {
        ...syncAnnotations('Ingress', false),
        ...routeAnnotations('public', ep.internalPaths),
        // Only the public Ingress carries the issuer: ingress-shim makes one Certificate per
        // secretName, and two annotated Ingresses would fight over it.
        ...(tls?.shimAnnotations ?? {}),
        ...annotations.public,
      },
    },
    spec: { ingressClassName: className, tls: tlsSpec, rules: ingressRules(ep.hosts, ep.routes) },
  });
  if (!ep.internalPaths.length) return { ingress };
  const internalIngress = kube(scope, 'Internal', k8s.KubeIngress, {
    metadata: {
      name: ep.internalRouteName,
      labels: { ...ep.labels },
      annotations: { ...syncAnnotations('Ingress', false), ...routeAnnotations('block', ep.internalPaths), ...annotations.block },
    },
    spec: { ingressClassName: className, tls: tlsSpec, rules: ingressRules(ep.hosts, blockRoutes(ep)) },
  });
  return { ingress, internalIngress };
}
