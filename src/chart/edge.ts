/**
 * Spec → the public entrance: Ingress/HTTPRoute with TLS for the environment's controller
 * profile, internal paths blocked at the edge, and the ServiceMonitors.
 */
import { GatewayRoute } from '../constructs/edge/gateway';
import { NginxIngress } from '../constructs/edge/nginx';
import { EdgeRoute, EdgeTls } from '../constructs/edge/public-endpoint';
import { TraefikIngress } from '../constructs/edge/traefik';
import { ServiceMonitor } from '../constructs/observability/service-monitor';
import { Edge, Environment, ServiceSpec } from '../spec/schema';
import { ServiceContext } from './context';
import { BuiltWorkloads } from './workloads';

/** The controller profiles berth writes for. */
export type EdgeProfile = Environment['edgeProfile'];

/**
 * The profile a service uses in an environment: its own, or the environment's. The one home of
 * that choice: the edge objects, the ingress controller's NetworkPolicy peer and `berth explain`
 * all read it here.
 * @param edge @default - the service has no edge: the environment's profile
 */
export function edgeProfile(edge: Pick<Edge, 'profile'> | undefined, env: Environment): EdgeProfile {
  return edge?.profile ?? env.edgeProfile;
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

/** Where the certificate comes from: the spec's choice, else the environment's ClusterIssuer. */
export function edgeTls(edge: Edge, env: Environment): EdgeTls {
  const tls = edge.tls;
  if (!tls) return EdgeTls.clusterIssuer(env.clusterIssuer);
  if ('clusterIssuer' in tls) return EdgeTls.clusterIssuer(tls.clusterIssuer);
  if ('issuer' in tls) return EdgeTls.issuer(tls.issuer);
  return EdgeTls.certificate(tls.certificate.issuer, tls.certificate.issuerKind);
}

/** Adds the service's edge and monitoring objects. */
export function buildEdge(ctx: ServiceContext, workloads: BuiltWorkloads): void {
  const { spec, env, scope } = ctx;

  for (const [name, p] of Object.entries(spec.web)) {
    const web = workloads.web.get(name);
    if (!p.metrics || !web) continue;
    new ServiceMonitor(scope, `monitor-${name}`, {
      identity: { service: spec.name, component: name },
      portName: web.metricsPortName,
      path: p.metrics.path,
      selectorLabels: env.serviceMonitorLabels,
    });
  }

  const edge = spec.edge;
  if (!edge) return;
  const routes: EdgeRoute[] = Object.entries(spec.web)
    .filter(([, p]) => p.public)
    .flatMap(([name, p]) => {
      const web = workloads.web.get(name);
      if (!web) throw new Error(`buildEdge: web process "${name}" has no Service; build the workloads before the edge`);
      return p.paths.map((path) => ({ path, backend: { service: web.name, port: p.port, portName: web.portName } }));
    });
  const common = {
    name: spec.name,
    hosts: edge.hosts,
    routes,
    internalPaths: internalPaths(spec),
    tls: edgeTls(edge, env),
  };

  const profile = edgeProfile(edge, env);
  switch (profile) {
    case 'nginx':
      new NginxIngress(scope, 'edge', {
        ...common,
        className: edge.className ?? env.ingressClassName,
        maxBodyMiB: edge.maxBodyMiB,
        timeoutSeconds: edge.timeoutSeconds,
        streaming: edge.streaming,
      });
      return;
    case 'traefik':
      new TraefikIngress(scope, 'edge', {
        ...common,
        namespace: ctx.namespace,
        className: edge.className ?? env.ingressClassName,
        maxBodyMiB: edge.maxBodyMiB,
        streaming: edge.streaming,
        hstsMaxAgeSeconds: edge.hstsMaxAgeSeconds,
      });
      return;
    case 'gateway': {
      const gateway = edge.gateway ?? env.gateway;
      if (!gateway) throw new Error(`buildEdge: profile "gateway" needs a Gateway; set edge.gateway or environments.${ctx.envName}.gateway in berth.yaml`);
      new GatewayRoute(scope, 'edge', { ...common, gateway, hstsMaxAgeSeconds: edge.hstsMaxAgeSeconds });
      return;
    }
  }
}
