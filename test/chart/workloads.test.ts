import { formatProblems, SpecError } from '../../src/spec/errors';
import { loadProject } from '../../src/spec/load';
import { environment, find, podTemplates, specInput, synthSpec } from '../helpers';

const CONFIG = { path: 'berth.yaml', text: 'repoURL: https://github.com/example/gitops.git\nenvironments:\n  staging: {}\n  prod: { production: true }\n' };

/** Loads a spec given as YAML text and returns the formatted problems. */
function problems(yamlText: string): string {
  try {
    loadProject(CONFIG, [{ path: 'charts/demo/service.yaml', text: yamlText }]);
  } catch (e) {
    return formatProblems((e as SpecError).problems);
  }
  throw new Error('expected problems');
}

const BASE = 'name: demo\nimage: registry.example.com/demo:1.0.0\n';

describe('persistence', () => {
  test('fails when a ReadWriteOnce claim is mounted by two workloads', () => {
    expect(
      problems(
        BASE +
          'volumes: { data: { size: 1Gi, mountPath: /data } }\n' +
          'web: { api: { port: 8000, replicas: 1, health: { liveness: /h }, mounts: [data] } }\n' +
          'workers: { worker: { command: [run], mounts: [data] } }\n',
      ),
    ).toBe(
      'charts/demo/service.yaml\n  ✖ ReadWriteOnce claim "data" is mounted by 2 workloads (api, worker)\n    → at volumes.data.accessMode (line 3)\n    → fix: use accessMode: ReadWriteMany, or mount it from a single workload',
    );
  });

  test('fails when a ReadWriteOnce claim is mounted by a web process with several replicas or an autoscaler', () => {
    expect(problems(BASE + 'volumes: { data: { size: 1Gi, mountPath: /data } }\nweb: { api: { port: 8000, replicas: 3, health: { liveness: /h }, mounts: [data] } }\n')).toContain(
      '✖ ReadWriteOnce claim "data" is mounted by web.api (3 replicas)\n    → at volumes.data.accessMode (line 3)\n    → fix: use accessMode: ReadWriteMany, or run that workload as a single replica',
    );
    expect(
      problems(BASE + 'volumes: { data: { size: 1Gi, mountPath: /data } }\nweb: { api: { port: 8000, replicas: 1, autoscaling: { minReplicas: 1, maxReplicas: 3 }, health: { liveness: /h }, mounts: [data] } }\n'),
    ).toContain('mounted by web.api (autoscaling)');
  });

  test('a workload with its own ReadWriteOnce claim uses Recreate, and claims are never pruned', () => {
    const objects = synthSpec(specInput({ volumes: { data: { size: '1Gi', mountPath: '/data' } }, web: { api: { port: 8000, replicas: 1, health: { liveness: '/h' }, mounts: ['data'] } } }));
    expect(find(objects, 'Deployment', 'demo-api').spec.strategy).toEqual({ type: 'Recreate' });
    const pvc = find(objects, 'PersistentVolumeClaim', 'demo-data');
    expect(pvc.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('Prune=false,Delete=false');
    expect(pvc.spec.accessModes).toEqual(['ReadWriteOnce']);
    const pod = find(objects, 'Deployment', 'demo-api').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'data-data', persistentVolumeClaim: { claimName: 'demo-data' } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'data-data', mountPath: '/data' });
  });

  test('a shared ReadWriteMany claim keeps rolling updates', () => {
    const objects = synthSpec(
      specInput({ volumes: { up: { size: '1Gi', mountPath: '/up', accessMode: 'ReadWriteMany' } }, web: { api: { port: 8000, health: { liveness: '/h' }, mounts: ['up'] } }, workers: { w: { command: ['x'], mounts: ['up'] } } }),
    );
    expect(find(objects, 'Deployment', 'demo-api').spec.strategy.type).toBe('RollingUpdate');
  });
});

describe('security loosening', () => {
  const loose = BASE + 'security: { readOnlyRootFilesystem: false }\nweb: { api: { port: 8000, health: { liveness: /h } } }\n';

  test('fails in prod when the read-only root is turned off without a reason', () => {
    expect(problems(loose)).toBe(
      'charts/demo/service.yaml\n  ✖ readOnlyRootFilesystem is turned off in prod without a reason\n    → at security.reason (line 3)\n    → fix: say why in security.reason (it is recorded on the pods), or keep the root filesystem read-only',
    );
  });

  test('with a reason it is allowed, and the reason is recorded on every pod', () => {
    const { units } = loadProject(CONFIG, [{ path: 'charts/demo/service.yaml', text: loose.replace('false }', 'false, reason: "vendor image writes its cache under /opt/app" }') }]);
    const prod = units.find((u) => u.env === 'prod')!;
    const objects = synthSpec(prod.spec as never, environment({ production: true }), 'prod');
    for (const { template } of podTemplates(objects)) {
      expect(template.metadata.annotations['berth.dev/security-exception']).toBe('vendor image writes its cache under /opt/app');
      expect(template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
      expect(template.spec.containers[0].securityContext.runAsNonRoot).toBe(true);
    }
  });
});

describe('leader flag', () => {
  const objects = synthSpec(
    specInput({
      web: { api: { port: 8000, command: ['serve'], health: { liveness: '/h' } } },
      singletons: { scheduler: { like: 'api', flag: 'RUN_SCHEDULER' } },
      workers: { w: { command: ['work'] } },
      migration: { command: ['migrate'] },
    }),
  );
  const flag = (o: any) => o.spec.template.spec.containers[0].env.find((e: any) => e.name === 'RUN_SCHEDULER')?.value;

  test('is 1 on the singleton and 0 on every other process', () => {
    expect(flag(find(objects, 'Deployment', 'demo-scheduler'))).toBe('1');
    expect(flag(find(objects, 'Deployment', 'demo-api'))).toBe('0');
    expect(flag(find(objects, 'Deployment', 'demo-w'))).toBe('0');
    expect(flag(find(objects, 'Job', 'demo-migrate'))).toBe('0');
  });

  test('the singleton reuses the web command but gets no Service and no traffic', () => {
    expect(find(objects, 'Deployment', 'demo-scheduler').spec.template.spec.containers[0].command).toEqual(['serve']);
    expect(objects.filter((o) => o.kind === 'Service').map((o) => o.metadata.name)).toEqual(['demo-api']);
  });
});

describe('config', () => {
  test('non-secret env goes to a ConfigMap, and a change in it changes the pod template', () => {
    const a = synthSpec(specInput({ env: { LOG_LEVEL: 'info' } }));
    const b = synthSpec(specInput({ env: { LOG_LEVEL: 'debug' } }));
    expect(find(a, 'ConfigMap', 'demo-config').data).toEqual({ LOG_LEVEL: 'info' });
    const sum = (objs: any[]) => find(objs, 'Deployment', 'demo-api').spec.template.metadata.annotations['berth.dev/config-checksum'];
    expect(sum(a)).toMatch(/^[0-9a-f]{16}$/);
    expect(sum(a)).not.toBe(sum(b));
    expect(find(a, 'Deployment', 'demo-api').spec.template.spec.containers[0].envFrom).toEqual([{ configMapRef: { name: 'demo-config' } }]);
  });

  test('every service gets its own ServiceAccount without a token, and a restricted namespace', () => {
    const objects = synthSpec(specInput());
    expect(find(objects, 'ServiceAccount', 'demo').automountServiceAccountToken).toBe(false);
    const ns = find(objects, 'Namespace', 'demo');
    expect(ns.metadata.namespace).toBeUndefined();
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });
});

describe('working directory', () => {
  const containerOf = (objects: any[], kind: string, name: string) => {
    const o = find(objects, kind, name);
    return (kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template).spec.containers[0];
  };
  const spec = specInput({
    workingDir: '/app/backend',
    web: {
      api: { port: 8000, health: { liveness: '/h' } },
      frontend: { image: 'registry.example.com/frontend:1.0.0', port: 8080, health: { liveness: '/' } },
      admin: { port: 8001, health: { liveness: '/h' }, workingDir: '/app/admin' },
    },
    workers: { worker: { command: ['arq', 'w'] } },
    singletons: { scheduler: { flag: 'RUN_SCHEDULER', like: 'api' } },
    migration: { command: ['alembic', 'upgrade', 'head'] },
    volumes: { tmp: { size: '1Gi', accessMode: 'ReadWriteMany', mountPath: '/tmp/files' } },
    cron: {
      tmpCleanup: { volume: 'tmp', command: ['python', '-m', 'scripts.cleanup_tmp'] },
      jobs: { report: { schedule: '0 3 * * *', command: ['python', '-m', 'report'] }, other: { schedule: '0 4 * * *', image: 'registry.example.com/tool:1.0.0', command: ['tool'] } },
    },
  });
  const objects = synthSpec(spec);

  test('every process and app-command job running the service image inherits the service workingDir', () => {
    const dirs = Object.fromEntries(
      [
        ['Deployment', 'demo-api'],
        ['Deployment', 'demo-worker'],
        ['Deployment', 'demo-scheduler'],
        ['Job', 'demo-migrate'],
        ['CronJob', 'demo-tmp-cleanup'],
        ['CronJob', 'demo-report'],
      ].map(([kind, name]) => [name, containerOf(objects, kind, name).workingDir]),
    );
    expect(dirs).toEqual({
      'demo-api': '/app/backend',
      'demo-worker': '/app/backend',
      'demo-scheduler': '/app/backend',
      'demo-migrate': '/app/backend',
      'demo-tmp-cleanup': '/app/backend',
      'demo-report': '/app/backend',
    });
  });

  test('its own workingDir wins; another image keeps its own WORKDIR; built-in scripts get none', () => {
    expect(containerOf(objects, 'Deployment', 'demo-admin').workingDir).toBe('/app/admin');
    expect(containerOf(objects, 'Deployment', 'demo-frontend').workingDir).toBeUndefined();
    expect(containerOf(objects, 'CronJob', 'demo-other').workingDir).toBeUndefined();
    const builtIn = synthSpec({ ...spec, cron: { tmpCleanup: { volume: 'tmp' } } });
    expect(containerOf(builtIn, 'CronJob', 'demo-tmp-cleanup').workingDir).toBeUndefined();
  });

  test('fails when the service workingDir is not an absolute path', () => {
    expect(problems(BASE + 'workingDir: app/backend\nweb: { api: { port: 8000, health: { liveness: /h } } }\n')).toBe(
      'charts/demo/service.yaml\n  ✖ must be an absolute path (got "app/backend")\n    → at workingDir (line 3)\n    → fix: change the value: it must be an absolute path',
    );
  });
});
