import { App, Chart } from 'cdk8s';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { ScheduledJob, ScheduledJobProps } from '../../../src/constructs/jobs/scheduled-job';

const security = { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 };

const minimal: ScheduledJobProps = {
  identity: { service: 'rag', component: 'reindex' },
  serviceAccountName: 'rag',
  security,
  schedule: '15 2 * * *',
  container: { image: 'registry.example.com/rag-backend:1.4.2', command: ['python', '-m', 'scripts.reindex'], resources: { cpu: '100m', memory: '256Mi' } },
};

const full: ScheduledJobProps = {
  ...minimal,
  security: { ...security, readOnlyRootFilesystem: false, reason: 'the reindex tool writes a cache next to its code' },
  schedule: '*/30 * * * 1-5',
  timeZone: 'Europe/Berlin',
  startingDeadlineSeconds: 1800,
  activeDeadlineSeconds: 900,
  backoffLimit: 0,
  restartPolicy: 'Never',
  successfulJobsHistoryLimit: 1,
  failedJobsHistoryLimit: 5,
  ttlSecondsAfterFinished: 86400,
  colocateWith: { service: 'rag', component: 'backend' },
  annotations: { 'example.com/owner': 'search-team' },
  scratch: { tmp: true },
  container: {
    ...minimal.container,
    args: ['--all'],
    workingDir: '/app/backend',
    env: [{ name: 'REINDEX_BATCH', value: '100' }],
    resources: { cpu: '250m', memory: '512Mi', memoryLimit: '1Gi', cpuLimit: '1' },
  },
  contributions: [
    {
      volumes: [{ name: 'secrets', secret: { secretName: 'rag-secrets', defaultMode: 0o440, items: [{ key: 'DATABASE_URL', path: 'database_url' }] } }],
      mounts: [{ name: 'secrets', mountPath: '/run/secrets', readOnly: true }],
      env: [{ name: 'DATABASE_URL_FILE', value: '/run/secrets/database_url' }],
    },
    { envFromConfigMaps: ['rag-config'] },
  ],
};

function synth(props: ScheduledJobProps): any[] {
  const chart = new Chart(new App(), 'test', { disableResourceNameHashes: true, namespace: 'rag' });
  new ScheduledJob(chart, 'Job', props);
  return chart.toJson();
}

describe('ScheduledJob', () => {
  test('minimal props', () => {
    expect(synth(minimal)).toMatchSnapshot();
  });

  test('full props', () => {
    expect(synth(full)).toMatchSnapshot();
  });

  test('writes one valid batch/v1 CronJob named <service>-<component>', () => {
    for (const props of [minimal, full]) {
      const objects = synth(props);
      expect(objects).toHaveLength(1);
      const [cron] = objects;
      expect(() => new CronJob(cron).validate()).not.toThrow();
      expect(cron.apiVersion).toBe('batch/v1');
      expect(cron.kind).toBe('CronJob');
      expect(cron.metadata).toEqual({
        name: 'rag-reindex',
        namespace: 'rag',
        labels: { 'app.kubernetes.io/name': 'rag', 'app.kubernetes.io/component': 'reindex', 'app.kubernetes.io/part-of': 'rag', 'app.kubernetes.io/managed-by': 'berth' },
      });
    }
  });

  test('never overlaps runs, starts a late run up to 10 minutes late, reads the schedule in UTC', () => {
    const [cron] = synth(minimal);
    expect(cron.spec).toMatchObject({
      schedule: '15 2 * * *',
      timeZone: 'Etc/UTC',
      concurrencyPolicy: 'Forbid',
      startingDeadlineSeconds: 600,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
    });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 2, activeDeadlineSeconds: 3600 });
    expect(cron.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(cron.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('OnFailure');
  });

  test('takes every scheduling prop as given', () => {
    const [cron] = synth(full);
    expect(cron.spec).toMatchObject({ schedule: '*/30 * * * 1-5', timeZone: 'Europe/Berlin', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 1800, successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 5 });
    expect(cron.spec.jobTemplate.spec).toMatchObject({ backoffLimit: 0, activeDeadlineSeconds: 900, ttlSecondsAfterFinished: 86400 });
    expect(cron.spec.jobTemplate.spec.template.spec.restartPolicy).toBe('Never');
  });

  test('renders a hardened pod without a service-account token', () => {
    const pod = synth(minimal)[0].spec.jobTemplate.spec.template;
    expect(pod.metadata.labels).toEqual(synth(minimal)[0].metadata.labels);
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(pod.spec.serviceAccountName).toBe('rag');
    expect(pod.spec.securityContext).toEqual({
      runAsNonRoot: true,
      runAsUser: 10001,
      runAsGroup: 10001,
      fsGroup: 10001,
      fsGroupChangePolicy: 'OnRootMismatch',
      seccompProfile: { type: 'RuntimeDefault' },
    });
    const [container] = pod.spec.containers;
    expect(container.name).toBe('reindex');
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.resources).toEqual({ requests: { cpu: '100m', memory: '256Mi' }, limits: { memory: '256Mi' } });
    expect(pod.spec.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } }]);
    expect(pod.spec.affinity).toBeUndefined();
  });

  test('adds the contributions: secret files mounted whole, env, config', () => {
    const pod = synth(full)[0].spec.jobTemplate.spec.template;
    const [container] = pod.spec.containers;
    expect(container.volumeMounts).toContainEqual({ name: 'secrets', mountPath: '/run/secrets', readOnly: true });
    expect(container.volumeMounts.every((m: { subPath?: string }) => m.subPath === undefined)).toBe(true);
    expect(container.env).toEqual([
      { name: 'DATABASE_URL_FILE', value: '/run/secrets/database_url' },
      { name: 'REINDEX_BATCH', value: '100' },
    ]);
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'rag-config' } }]);
    expect(pod.metadata.annotations).toEqual({ 'berth.dev/security-exception': 'the reindex tool writes a cache next to its code', 'example.com/owner': 'search-team' });
  });

  test('colocateWith schedules the pod on a node running that workload', () => {
    const pod = synth(full)[0].spec.jobTemplate.spec.template;
    expect(pod.spec.affinity).toEqual({
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'rag', 'app.kubernetes.io/component': 'backend' } } },
        ],
      },
    });
  });

  test('output has no hash and no construct-path label', () => {
    const text = JSON.stringify(synth(full));
    expect(text).not.toContain('cdk8s.io');
    expect(text).not.toMatch(/rag-reindex-[a-z0-9]{8}/);
  });

  test('accepts the schedule macros Kubernetes knows', () => {
    expect(synth({ ...minimal, schedule: '@daily' })[0].spec.schedule).toBe('@daily');
  });

  test('fails when the schedule carries a time zone', () => {
    expect(() => synth({ ...minimal, schedule: 'CRON_TZ=Europe/Berlin 0 3 * * *' })).toThrow(
      'ScheduledJob rag-reindex: schedule "CRON_TZ=Europe/Berlin 0 3 * * *" sets a time zone, which Kubernetes rejects: remove it and set timeZone instead',
    );
  });

  test('fails when the schedule does not have five fields', () => {
    expect(() => synth({ ...minimal, schedule: '0 0 3 * * *' })).toThrow(
      'ScheduledJob rag-reindex: schedule "0 0 3 * * *" must be a cron expression with five fields (minute hour day month weekday), such as "0 3 * * *", or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly',
    );
  });
});
