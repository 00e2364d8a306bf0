/**
 * Ingress rule rendering shared by the Ingress-based profiles (nginx, traefik). Internal to the
 * edge constructs: the generated `k8s.*` types stay out of every public props interface.
 */
import * as k8s from '../k8s';
import { EdgeRoute, ResolvedEndpoint, shadowedBackend } from './public-endpoint';

/** The internal paths as routes to the backend each would otherwise reach. */
export function blockRoutes(ep: ResolvedEndpoint): EdgeRoute[] {
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
