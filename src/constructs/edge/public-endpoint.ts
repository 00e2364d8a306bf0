/**
 * What every controller profile of the public entrance shares: the routes (path → Service port),
 * the internal paths that must never answer the internet, where the certificate comes from, and
 * the annotations that order, mark and explain the objects. The profiles (nginx.ts, traefik.ts,
 * gateway.ts) turn one PublicEndpointProps into their controller's objects.
 */
import { INTERNAL_PATHS_ANNOTATION, ROUTE_ROLE_ANNOTATION } from '../../util/annotations';
import { syncWaveAnnotation, WavedKind } from '../../util/sync-waves';
import { SKIP_DRY_RUN_ON_MISSING_RESOURCE, syncOptionsAnnotation } from '../../util/sync-options';
import { serviceLabels } from '../workloads/labels';

/** A Service port the edge sends traffic to. */
export interface EdgeBackend {
  /** The Service name, e.g. `rag-backend`. */
  readonly service: string;
  /** The Service port number (Gateway API backendRefs need the number). */
  readonly port: number;
  /** The Service port name (Ingress backends route by name). @default 'http' */
  readonly portName?: string;
}

/** One public path prefix and the Service port that serves it. */
export interface EdgeRoute {
  /** A path prefix starting with `/`, matched element by element (`/api` matches `/api/x`, not `/apix`). */
  readonly path: string;
  /** The Service port that serves the prefix. */
  readonly backend: EdgeBackend;
}

/** Props every profile takes. */
export interface PublicEndpointProps {
  /** The service name: the objects are `<name>`, `<name>-internal`, …, the TLS secret `<name>-tls`. */
  readonly name: string;
  /** Host names routed to the service, e.g. `rag.example.com`. */
  readonly hosts: readonly string[];
  /** The public path prefixes, in the order they are written out. */
  readonly routes: readonly EdgeRoute[];
  /**
   * Paths that must never answer the internet (`/metrics`, `/__debug/`): blocked by a separate,
   * more specific route object. A trailing `/` is dropped, so `/__debug/` also blocks `/__debug`.
   * @default - none
   */
  readonly internalPaths?: readonly string[];
  /** Labels on every object. @default - the service labels (`app.kubernetes.io/name`, part-of, managed-by) */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Where the certificate for the hosts comes from. */
export class EdgeTls {
  /** cert-manager's ingress-shim issues it from a ClusterIssuer (annotation `cert-manager.io/cluster-issuer`). */
  static clusterIssuer(name: string): EdgeTls {
    return new EdgeTls({ 'cert-manager.io/cluster-issuer': requireName('EdgeTls.clusterIssuer', name) });
  }

  /** cert-manager's ingress-shim issues it from an Issuer in the service namespace (annotation `cert-manager.io/issuer`). */
  static issuer(name: string): EdgeTls {
    return new EdgeTls({ 'cert-manager.io/issuer': requireName('EdgeTls.issuer', name) });
  }

  /**
   * berth writes the cert-manager Certificate itself (no ingress-shim): for clusters that run
   * cert-manager without the shim, or a Gateway whose listener references the secret.
   * @param kind @default 'ClusterIssuer'
   */
  static certificate(issuer: string, kind: 'ClusterIssuer' | 'Issuer' = 'ClusterIssuer'): EdgeTls {
    return new EdgeTls({}, { name: requireName('EdgeTls.certificate', issuer), kind });
  }

  private constructor(
    /** Annotations that make cert-manager's ingress-shim issue the certificate. */
    readonly shimAnnotations: Readonly<Record<string, string>>,
    /** The issuer of an explicit Certificate object, when berth writes one. */
    readonly certificateIssuer?: { readonly name: string; readonly kind: 'ClusterIssuer' | 'Issuer' },
  ) {}
}

function requireName(where: string, name: string): string {
  if (!name) throw new Error(`${where}: the issuer name is empty; name the cert-manager issuer, e.g. letsencrypt-prod`);
  return name;
}

// ---------------------------------------------------------------------------------------------
// Annotations shared by every profile
// ---------------------------------------------------------------------------------------------

// The keys' home is util/annotations.ts, where the guardrail check reads them too.
/** The roles a route object can play. */
export type RouteRole = 'public' | 'block' | 'redirect';

/**
 * Argo CD annotations of an edge object: its kind's sync wave (util/sync-waves.ts: after the
 * workloads they route to). CRD-backed objects skip the dry run while the CRD is still being
 * installed on a fresh cluster.
 */
export function syncAnnotations(kind: WavedKind, customResource: boolean): Record<string, string> {
  return {
    ...syncWaveAnnotation(kind),
    ...(customResource ? syncOptionsAnnotation([SKIP_DRY_RUN_ON_MISSING_RESOURCE]) : {}),
  };
}

/** `berth.dev/route-role` and, when there are any, `berth.dev/internal-paths`. */
export function routeAnnotations(role: RouteRole, internalPaths: readonly string[]): Record<string, string> {
  return {
    [ROUTE_ROLE_ANNOTATION]: role,
    ...(internalPaths.length ? { [INTERNAL_PATHS_ANNOTATION]: internalPaths.join(',') } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------------

/** `/metrics/` → `/metrics`; `/` stays `/`. */
export function normalizePrefix(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** Does a path prefix cover a request path, element by element (Ingress `Prefix`, Gateway `PathPrefix`)? */
export function prefixCovers(prefix: string, path: string): boolean {
  const p = normalizePrefix(prefix);
  if (p === '/') return true;
  return path === p || path.startsWith(`${p}/`);
}

/**
 * The backend that would serve a path if nothing blocked it: the longest public prefix that
 * covers it, or the first route. A block route points at that same backend, so a controller that
 * drops routes to a Service with no endpoints (Traefik) drops the block and the route it
 * shadows together.
 */
export function shadowedBackend(path: string, routes: readonly EdgeRoute[]): EdgeBackend {
  const covering = routes.filter((r) => prefixCovers(r.path, path)).sort((a, b) => normalizePrefix(b.path).length - normalizePrefix(a.path).length);
  return (covering[0] ?? routes[0]).backend;
}

/** The resolved, validated common props of a profile construct. */
export interface ResolvedEndpoint {
  /** Names every object of the endpoint (`<name>`, `<name>-internal`, `<name>-tls`). */
  readonly name: string;
  /** The public host names. */
  readonly hosts: readonly string[];
  /** The public path prefixes and their backends. */
  readonly routes: readonly EdgeRoute[];
  /** Normalized, de-duplicated, in the order given. */
  readonly internalPaths: readonly string[];
  /** Labels of every object. */
  readonly labels: Readonly<Record<string, string>>;
  /** `<name>-tls`. */
  readonly tlsSecretName: string;
  /** `<name>-internal`: the route object (Ingress or HTTPRoute) that blocks the internal paths. */
  readonly internalRouteName: string;
}

/** Checks the common props and resolves their defaults once; errors name the construct and the prop. */
export function resolveEndpoint(construct: string, props: PublicEndpointProps): ResolvedEndpoint {
  if (!props.name) throw new Error(`${construct}: name is empty; use the service name, e.g. rag`);
  if (props.hosts.length === 0) throw new Error(`${construct}: hosts is empty; list at least one host name, e.g. ${props.name}.example.com`);
  if (props.routes.length === 0) throw new Error(`${construct}: routes is empty; route at least one path (usually /) to a Service port`);
  for (const r of props.routes) {
    if (!r.path.startsWith('/')) throw new Error(`${construct}: route path "${r.path}" does not start with "/"; write it as /${r.path}`);
  }
  const internalPaths = [...new Set((props.internalPaths ?? []).map(normalizePrefix))];
  for (const ip of internalPaths) {
    if (!ip.startsWith('/')) throw new Error(`${construct}: internal path "${ip}" does not start with "/"; write it as /${ip}`);
    const routed = props.routes.find((r) => normalizePrefix(r.path) === ip);
    if (ip === '/' || routed) {
      throw new Error(`${construct}: internal path "${ip}" is also a routed prefix, so blocking it would block the app; list only internal endpoints such as /metrics`);
    }
  }
  return {
    name: props.name,
    hosts: [...props.hosts],
    routes: [...props.routes],
    internalPaths,
    labels: { ...(props.labels ?? serviceLabels(props.name)) },
    tlsSecretName: `${props.name}-tls`,
    internalRouteName: `${props.name}-internal`,
  };
}
