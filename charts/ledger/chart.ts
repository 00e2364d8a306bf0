/**
 * ledger's hook (docs/hooks.md): what its spec cannot say. The Dramatiq worker serves its own
 * metrics (dramatiq's Prometheus middleware, on port 9191), and the spec describes metrics for
 * web processes only. So the hook adds the worker's scrape, in all three ways a hook can: a patch
 * of berth's worker Deployment (the container port), an ApiObject (the PodMonitor, a kind berth
 * has no class for) and a typed cdk8s-plus-28 class (the NetworkPolicy that lets Prometheus in
 * past berth's default deny).
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { IntOrString, KubeNetworkPolicy } from 'cdk8s-plus-28/lib/imports/k8s';
import type { HookContext, ServiceChart } from 'berth';

/** dramatiq's Prometheus exporter (dramatiq.middleware.Prometheus). */
const METRICS_PORT = 9191;

export default function workerMetrics(chart: ServiceChart, ctx: HookContext): void {
  const name = `${ctx.service}-worker`;
  const pods = { 'app.kubernetes.io/name': ctx.service, 'app.kubernetes.io/component': 'worker' };
  const worker = chart.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Deployment' && c.name === name);
  if (!worker) throw new Error(`no Deployment "${name}": is the worker still called "worker" in service.yaml?`);
  // A container that serves a port is held to probes by the production guardrails: the exporter
  // answering is the sign of life a worker that serves no requests has.
  const probe = { httpGet: { path: '/metrics', port: 'metrics' }, periodSeconds: 30, timeoutSeconds: 5 };
  const container = '/spec/template/spec/containers/0';
  worker.addJsonPatch(
    JsonPatch.add(`${container}/ports`, [{ name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' }]),
    JsonPatch.add(`${container}/readinessProbe`, probe),
    JsonPatch.add(`${container}/livenessProbe`, { ...probe, failureThreshold: 5 }),
  );

  new ApiObject(chart, 'worker-pod-monitor', {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PodMonitor',
    // The labels kube-prometheus-stack selects monitors by, as berth gives its ServiceMonitors.
    metadata: { name, labels: { ...pods, ...ctx.environment.serviceMonitorLabels } },
    spec: { selector: { matchLabels: pods }, podMetricsEndpoints: [{ port: 'metrics', path: '/metrics' }] },
  });

  const { prometheus } = ctx.environment;
  new KubeNetworkPolicy(chart, 'worker-metrics-ingress', {
    metadata: { name: `${name}-metrics`, labels: pods },
    spec: {
      podSelector: { matchLabels: pods },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': prometheus.namespace } }, podSelector: { matchLabels: prometheus.podLabels } }],
          ports: [{ port: IntOrString.fromString('metrics'), protocol: 'TCP' }],
        },
      ],
    },
  });
}
