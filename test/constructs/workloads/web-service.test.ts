import { WebService } from '../../../src/constructs/workloads/web-service';
import { find, synthConstruct } from '../../helpers';

const base = {
  identity: { service: 'demo', component: 'api' },
  serviceAccountName: 'demo',
  security: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
  container: { image: 'registry.example.com/demo:1.0.0', resources: { cpu: '100m', memory: '256Mi' } },
  port: 8000,
  probes: { liveness: '/health' },
};

describe('WebService', () => {
  const minimal = synthConstruct((c) => new WebService(c, 'web', base));
  const full = synthConstruct(
    (c) =>
      new WebService(c, 'web', {
        ...base,
        container: { ...base.container, command: ['gunicorn', 'app:app'], workingDir: '/app', env: [{ name: 'A', value: '1' }], resources: { cpu: '500m', memory: '1Gi', memoryLimit: '2Gi', cpuLimit: '2' } },
        metricsPort: 9100,
        probes: { liveness: '/live', readiness: '/ready', startup: '/started', startupTimeoutSeconds: 300 },
        autoscaling: { minReplicas: 2, maxReplicas: 5, cpuUtilization: 60 },
        gracefulTimeoutSeconds: 60,
        spreadAcrossZones: true,
        scratch: { gunicornTmp: true, prometheusMultiproc: true },
        contributions: [{ env: [{ name: 'B', secretKeyRef: { name: 's', key: 'b' } }], annotations: { 'x/y': 'z' } }],
      }),
  );

  test('minimal props', () => expect(minimal).toMatchSnapshot());
  test('full props', () => expect(full).toMatchSnapshot());

  test('names and selects by service and process, not construct path', () => {
    const d = find(minimal, 'Deployment', 'demo-api');
    expect(d.spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': 'api' });
    expect(find(minimal, 'Service', 'demo-api').spec.selector).toEqual(d.spec.selector.matchLabels);
    expect(JSON.stringify(minimal)).not.toContain('cdk8s.io');
  });

  test('hardens the pod: restricted security context, no token, read-only root with a writable /tmp', () => {
    const pod = find(minimal, 'Deployment').spec.template.spec;
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
  });

  test('probes the named http port on the spec paths', () => {
    const c = find(full, 'Deployment').spec.template.spec.containers[0];
    expect(c.livenessProbe.httpGet).toEqual({ path: '/live', port: 'http' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/ready', port: 'http' });
    expect(c.startupProbe.httpGet).toEqual({ path: '/started', port: 'http' });
    expect(c.startupProbe.periodSeconds * c.startupProbe.failureThreshold).toBe(300);
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }, { name: 'metrics', containerPort: 9100, protocol: 'TCP' }]);
  });

  test('shuts down gracefully: preStop sleep, then more grace than the server needs', () => {
    const pod = find(full, 'Deployment').spec.template.spec;
    expect(pod.containers[0].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(60 + 5);
  });

  test('sets explicit resources and a memory limit (no hidden defaults)', () => {
    expect(find(minimal, 'Deployment').spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '256Mi' } });
    expect(find(full, 'Deployment').spec.template.spec.containers[0].resources).toEqual({ requests: { cpu: '500m', memory: '1Gi' }, limits: { memory: '2Gi', cpu: '2' } });
  });

  test('adds a PodDisruptionBudget only with more than one replica', () => {
    expect(minimal.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(1);
    const single = synthConstruct((c) => new WebService(c, 'web', { ...base, replicas: 1 }));
    expect(single.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(0);
  });

  test('with an autoscaler the Deployment has no fixed replica count', () => {
    expect(find(full, 'Deployment').spec.replicas).toBeUndefined();
    expect(find(full, 'HorizontalPodAutoscaler')).toMatchObject({ apiVersion: 'autoscaling/v2', spec: { minReplicas: 2, maxReplicas: 5, scaleTargetRef: { kind: 'Deployment', name: 'demo-api' } } });
    expect(find(minimal, 'Deployment').spec.replicas).toBe(2);
  });

  test('spreads across zones and nodes when asked', () => {
    const keys = find(full, 'Deployment').spec.template.spec.topologySpreadConstraints.map((t: any) => t.topologyKey);
    expect(keys).toEqual(['topology.kubernetes.io/zone', 'kubernetes.io/hostname']);
    expect(find(minimal, 'Deployment').spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });

  test('mounts memory scratch for gunicorn heartbeats and multi-process metrics', () => {
    const c = find(full, 'Deployment').spec.template.spec.containers[0];
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'GUNICORN_CMD_ARGS', value: '--worker-tmp-dir /run/gunicorn' }, { name: 'PROMETHEUS_MULTIPROC_DIR', value: '/run/prometheus-multiproc' }]));
    expect(c.volumeMounts.map((m: any) => m.mountPath)).toEqual(['/tmp', '/run/gunicorn', '/run/prometheus-multiproc']);
  });

  test('uses Recreate when it owns a single-writer claim', () => {
    const d = find(synthConstruct((c) => new WebService(c, 'web', { ...base, replicas: 1, recreate: true })), 'Deployment');
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(find(minimal, 'Deployment').spec.strategy.type).toBe('RollingUpdate');
  });
});
