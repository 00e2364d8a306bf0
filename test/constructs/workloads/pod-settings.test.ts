/**
 * The pod settings as the TypeScript API takes them (constructs/workloads/pod-settings.ts, through
 * renderPodTemplate and the workload constructs): berth's own props in Kubernetes' field names,
 * berth's labels and annotations winning, spread constraints merged by topologyKey, affinity
 * merged with berth's co-location, the projected token and the API token's reason.
 */
import { ScheduledJob } from '../../../src/constructs/jobs/scheduled-job';
import { PodProps, renderPodTemplate } from '../../../src/constructs/workloads/pod';
import { WebService } from '../../../src/constructs/workloads/web-service';
import { find, synthConstruct } from '../../helpers';

const BASE: PodProps = {
  labels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/component': 'api' },
  serviceAccountName: 'shop',
  security: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
  container: { name: 'api', image: 'registry.example.com/shop:1.0.0', resources: { cpu: '100m', memory: '256Mi' } },
};

describe('renderPodTemplate with pod settings', () => {
  test('pull secrets, node selection, tolerations and priority land on the pod spec; the token stays off', () => {
    const pod = renderPodTemplate({
      ...BASE,
      settings: {
        imagePullSecrets: ['registry'],
        nodeSelector: { 'karpenter.sh/capacity-type': 'spot' },
        tolerations: [{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }],
        priorityClassName: 'batch',
      },
    });
    expect(pod.spec).toMatchObject({
      imagePullSecrets: [{ name: 'registry' }],
      nodeSelector: { 'karpenter.sh/capacity-type': 'spot' },
      tolerations: [{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }],
      priorityClassName: 'batch',
      automountServiceAccountToken: false,
    });
  });

  test("berth's own labels and annotations win over the settings' of the same key", () => {
    const pod = renderPodTemplate({
      ...BASE,
      annotations: { 'berth.dev/config-checksum': 'abc' },
      settings: { labels: { 'app.kubernetes.io/component': 'other', 'example.com/tier': 'web' }, annotations: { 'berth.dev/config-checksum': 'forged', 'example.com/a': 'b' } },
    });
    expect(pod.metadata!.labels).toEqual({ 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/component': 'api', 'example.com/tier': 'web' });
    expect(pod.metadata!.annotations).toEqual({ 'berth.dev/config-checksum': 'abc', 'example.com/a': 'b' });
  });

  test('the API token with its reason, and a projected token mounted read-only in the container', () => {
    const pod = renderPodTemplate({
      ...BASE,
      settings: { automountServiceAccountToken: true, automountReason: 'reads its own ConfigMaps', serviceAccountToken: { audience: 'vault', mountPath: '/var/run/secrets/vault' } },
    });
    expect(pod.spec!.automountServiceAccountToken).toBe(true);
    expect(pod.metadata!.annotations).toEqual({ 'berth.dev/service-account-token': 'reads its own ConfigMaps' });
    expect(pod.spec!.volumes).toContainEqual({ name: 'service-account-token', projected: { sources: [{ serviceAccountToken: { audience: 'vault', expirationSeconds: 3600, path: 'token' } }] } });
    expect(pod.spec!.containers[0].volumeMounts).toContainEqual({ name: 'service-account-token', mountPath: '/var/run/secrets/vault', readOnly: true });
  });
});

describe('workload constructs with pod settings', () => {
  test("WebService: a hostname constraint replaces berth's node spread, keeps the zone spread, and counts the process's pods", () => {
    const objects = synthConstruct((chart) => {
      new WebService(chart, 'api', {
        identity: { service: 'shop', component: 'api' },
        serviceAccountName: 'shop',
        security: BASE.security,
        container: { image: 'registry.example.com/shop:1.0.0', resources: { cpu: '100m', memory: '256Mi' } },
        port: 8000,
        probes: { liveness: '/health' },
        spreadAcrossZones: true,
        settings: { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule' }] },
      });
    });
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/component': 'api' } };
    expect(find(objects, 'Deployment').spec.template.spec.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: selector },
    ]);
  });

  test("ScheduledJob: the spec's node affinity beside berth's co-location term", () => {
    const objects = synthConstruct((chart) => {
      new ScheduledJob(chart, 'cleanup', {
        identity: { service: 'shop', component: 'cleanup' },
        serviceAccountName: 'shop',
        security: BASE.security,
        schedule: '0 3 * * *',
        container: { image: 'registry.example.com/shop:1.0.0', resources: { cpu: '50m', memory: '128Mi' } },
        colocateWith: { service: 'shop', component: 'api' },
        settings: {
          affinity: {
            nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }] }] } },
            podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'cache' } } }] },
          },
        },
      });
    });
    const affinity = find(objects, 'CronJob').spec.jobTemplate.spec.template.spec.affinity;
    expect(affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values).toEqual(['arm64']);
    expect(affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'cache' } } },
      { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/component': 'api' } } },
    ]);
  });
});
