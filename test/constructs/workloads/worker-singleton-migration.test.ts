import { MigrationJob } from '../../../src/constructs/workloads/migration-job';
import { Singleton } from '../../../src/constructs/workloads/singleton';
import { Worker } from '../../../src/constructs/workloads/worker';
import { find, synthConstruct } from '../../helpers';

const base = {
  serviceAccountName: 'demo',
  security: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
  container: { image: 'registry.example.com/demo:1.0.0', command: ['run'], resources: { cpu: '100m', memory: '256Mi' } },
};

describe('Worker', () => {
  const minimal = synthConstruct((c) => new Worker(c, 'w', { ...base, identity: { service: 'demo', component: 'worker' } }));
  const full = synthConstruct(
    (c) => new Worker(c, 'w', { ...base, identity: { service: 'demo', component: 'worker' }, replicas: 3, probe: { exec: ['arq', '--check', 'x'], periodSeconds: 60 }, terminationGracePeriodSeconds: 330 }),
  );
  test('minimal props', () => expect(minimal).toMatchSnapshot());
  test('full props', () => expect(full).toMatchSnapshot());

  test('has no Service, no ports and no HTTP probes', () => {
    expect(minimal.map((o) => o.kind)).toEqual(['Deployment']);
    const c = find(minimal, 'Deployment').spec.template.spec.containers[0];
    expect(c.ports).toBeUndefined();
    expect(c.livenessProbe).toBeUndefined();
    expect(c.readinessProbe).toBeUndefined();
  });

  test('adds the same PodDisruptionBudget as a web process only with more than one replica', () => {
    expect(minimal.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(0);
    expect(find(full, 'PodDisruptionBudget', 'demo-worker').spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': 'worker' } },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    });
  });

  test('drains jobs with a long grace period and an exec probe when asked', () => {
    const pod = find(full, 'Deployment').spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBe(330);
    expect(pod.containers[0].livenessProbe.exec.command).toEqual(['arq', '--check', 'x']);
    expect(find(minimal, 'Deployment').spec.template.spec.terminationGracePeriodSeconds).toBe(120);
  });
});

describe('Singleton', () => {
  const objects = synthConstruct(
    (c) => new Singleton(c, 's', { ...base, identity: { service: 'reporting', component: 'scheduler' }, flag: 'RUN_SCHEDULER', container: { ...base.container, env: [{ name: 'RUN_SCHEDULER', value: '0' }] } }),
  );
  test('snapshot', () => expect(objects).toMatchSnapshot());

  test('runs exactly one replica, never two at once, with the leader flag on', () => {
    const d = find(objects, 'Deployment', 'reporting-scheduler');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.strategy).toEqual({ type: 'Recreate' });
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget')).toHaveLength(0);
    expect(d.spec.template.spec.containers[0].env).toEqual([{ name: 'RUN_SCHEDULER', value: '1' }]);
  });
});

describe('MigrationJob', () => {
  const objects = synthConstruct((c) => new MigrationJob(c, 'm', { ...base, identity: { service: 'rag', component: 'migrate' }, container: { ...base.container, command: ['alembic', 'upgrade', 'head'] } }));
  test('snapshot', () => expect(objects).toMatchSnapshot());

  test('is an Argo CD Sync hook at a negative wave with a fixed name, replaced before each run', () => {
    const job = find(objects, 'Job', 'rag-migrate');
    expect(job.metadata.annotations).toEqual({
      'argocd.argoproj.io/hook': 'Sync',
      'argocd.argoproj.io/hook-delete-policy': 'BeforeHookCreation',
      'argocd.argoproj.io/sync-wave': '-1',
    });
    expect(job.spec.backoffLimit).toBe(2);
    expect(job.spec.activeDeadlineSeconds).toBe(900);
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    expect(job.spec.template.spec.containers[0].command).toEqual(['alembic', 'upgrade', 'head']);
  });
});
