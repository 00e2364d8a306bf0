/**
 * Spec → the public entrance: Ingress/HTTPRoute with TLS for the environment's controller
 * profile, internal paths blocked at the edge, and the ServiceMonitors.
 */
import { GatewayRoute } from '../constructs/edge/gateway';
import { NginxIngress } from '../constructs/edge/nginx';
import { EdgeRoute, EdgeTls } from '../constructs/edge/public-endpoint';
import { TraefikIngress } from '../constructs/edge/traefik';
import { ServiceMonitor } from '../constructs/observability/service-monitor';
import { EdgeProfile, TlsModel } from '../model/edge';
import { ServiceContext } from './context';
import { BuiltWorkloads } from './workloads';

/** The construct's TLS for the model's resolved choice. */
function edgeTls(tls: TlsModel): EdgeTls {
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

  const edge = ctx.model.edge;
  if (!edge) return;
  const routes: EdgeRoute[] = edge.routes.map(({ process, path }) => {
    const web = workloads.web.get(process);
    if (!web) throw new Error(`buildEdge: web process "${process}" has no Service; build the workloads before the edge`);
    return { path, backend: { service: web.name, port: spec.web[process].port, portName: web.portName } };
  });
  const common = {
    name: ctx.model.service,
    hosts: [...edge.hosts],
    routes,
    internalPaths: [...edge.internalPaths],
    tls: edgeTls(edge.tls),
  };

  // One construct per profile: a new profile that is not added here does not compile.
  const build: Record<EdgeProfile, () => void> = {
    nginx: () => new NginxIngress(scope, 'edge', {
      ...common,
      className: edge.className,
      maxBodyMiB: edge.maxBodyMiB,
      timeoutSeconds: edge.timeoutSeconds,
      streaming: edge.streaming,
    }),
    traefik: () => new TraefikIngress(scope, 'edge', {
      ...common,
      namespace: ctx.namespace,
      className: edge.className,
      maxBodyMiB: edge.maxBodyMiB,
      streaming: edge.streaming,
      hstsMaxAgeSeconds: edge.hstsMaxAgeSeconds,
    }),
    gateway: () => {
      if (!edge.gateway) throw new Error(`buildEdge: profile "gateway" needs a Gateway; set edge.gateway or environments.${ctx.envName}.gateway in berth.yaml`);
      new GatewayRoute(scope, 'edge', { ...common, gateway: edge.gateway, hstsMaxAgeSeconds: edge.hstsMaxAgeSeconds });
    },
  };
  build[edge.profile]();
}
