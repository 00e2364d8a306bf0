/**
 * The edge of a service in one environment, resolved once: which controller profile writes its
 * objects, which controller pods may reach it, its class, TLS, routes and blocked paths. The
 * edge objects (chart/edge.ts), the ingress controller's NetworkPolicy peer (chart/network.ts),
 * validation (spec/semantics.ts) and `berth explain` all read it here.
 */
import { Edge, EDGE_PROFILES, EdgeProfile, Environment, ServiceSpec } from '../spec/schema';

export { EDGE_PROFILES };
export type { EdgeProfile };

/** Pods in one namespace, as berth.yaml names the ingress controller and Prometheus. */
export interface PodsRef {
  readonly namespace: string;
  readonly podLabels: Readonly<Record<string, string>>;
}

/** The ingress controller's pods per edge profile, when berth.yaml does not name them (the charts' defaults). */
const INGRESS_CONTROLLER_DEFAULTS: Readonly<Record<'nginx' | 'traefik', PodsRef>> = {
  nginx: { namespace: 'ingress-nginx', podLabels: { 'app.kubernetes.io/name': 'ingress-nginx' } },
  traefik: { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } },
};

/**
 * The profile a service uses in an environment: its own, or the environment's.
 * @param edge @default - the service has no edge: the environment's profile
 */
export function edgeProfile(edge: Pick<Edge, 'profile'> | undefined, env: Environment): EdgeProfile {
  return edge?.profile ?? env.edgeProfile;
}

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
  const byProfile: Record<EdgeProfile, () => PodsRef | undefined> = {
    nginx: () => INGRESS_CONTROLLER_DEFAULTS.nginx,
    traefik: () => INGRESS_CONTROLLER_DEFAULTS.traefik,
    gateway: () => {
      const namespace = edge?.gateway?.namespace ?? env.gateway?.namespace;
      return namespace ? { namespace, podLabels: {} } : undefined;
    },
  };
  return byProfile[profile]();
}

/**
 * Paths blocked at the edge: `edge.internalPaths`, then the metrics path of every public web
 * process that serves metrics on its public port (a separate metrics port is never routed, so
 * it needs no block). De-duplicated, in that order.
 */
export function internalPaths(spec: ServiceSpec): string[] {
  const metrics = Object.values(spec.web).flatMap((p) => (p.public && p.metrics && p.metrics.port === undefined ? [p.metrics.path] : []));
  return [...new Set([...(spec.edge?.internalPaths ?? []), ...metrics])];
}

/** Where the certificate comes from, resolved: the spec's choice, else the environment's ClusterIssuer. */
export type TlsModel =
  | { readonly clusterIssuer: string }
  | { readonly issuer: string }
  | { readonly certificate: { readonly issuer: string; readonly issuerKind: 'ClusterIssuer' | 'Issuer' } };

/** One routed prefix: a public web process and a path of its. */
export interface RouteModel {
  readonly process: string;
  readonly path: string;
}

/** The edge of a service that has one. */
export interface EdgeModel {
  readonly profile: EdgeProfile;
  readonly hosts: readonly string[];
  /** ingressClassName: the spec's, else the environment's. */
  readonly className: string;
  readonly tls: TlsModel;
  /** Every public web process's paths, in spec order. */
  readonly routes: readonly RouteModel[];
  /** See {@link internalPaths}. */
  readonly internalPaths: readonly string[];
  /** The Gateway routes attach to (profile gateway): the spec's, else the environment's. @default - none */
  readonly gateway?: NonNullable<Edge['gateway']>;
  readonly maxBodyMiB: number;
  readonly timeoutSeconds: number;
  readonly streaming: boolean;
  readonly websockets: boolean;
  readonly hstsMaxAgeSeconds: number;
}

/** The edge of a spec in an environment; undefined when the spec has none. */
export function resolveEdge(spec: ServiceSpec, env: Environment): EdgeModel | undefined {
  const edge = spec.edge;
  if (!edge) return undefined;
  const routes = Object.entries(spec.web).filter(([, p]) => p.public).flatMap(([process, p]) => p.paths.map((path) => ({ process, path })));
  const gateway = edge.gateway ?? env.gateway;
  return {
    profile: edgeProfile(edge, env),
    hosts: edge.hosts,
    className: edge.className ?? env.ingressClassName,
    tls: edge.tls ?? { clusterIssuer: env.clusterIssuer },
    routes,
    internalPaths: internalPaths(spec),
    ...(gateway && { gateway }),
    maxBodyMiB: edge.maxBodyMiB,
    timeoutSeconds: edge.timeoutSeconds,
    streaming: edge.streaming,
    websockets: edge.websockets,
    hstsMaxAgeSeconds: edge.hstsMaxAgeSeconds,
  };
}
