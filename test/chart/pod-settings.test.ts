/**
 * The pod-level escape hatches (issue 21 items 1-4 and 7; docs/escape-hatches.md): pull secrets,
 * the service account, pod and object metadata, scheduling and env read from the pod, at the
 * service level and per process, through spec → model → constructs → objects, and still passing
 * strict schema validation and Pod Security "restricted".
 */
import { runChecks } from '../../src/check/index';
import { validateSchema } from '../../src/check/schema';
import { resolveService } from '../../src/model/service-model';
import { formatProblems, SpecError } from '../../src/spec/errors';
import { loadProject } from '../../src/spec/load';
import { ServiceSpec, ServiceSpecInput } from '../../src/spec/schema';
import { environment, find, podTemplates, specInput, synthSpec } from '../helpers';

const CONFIG = (extra = '') => ({ path: 'berth.yaml', text: `repoURL: https://github.com/example/gitops.git\nenvironments:\n  staging: {${extra}}\n  prod: { production: true }\n` });

/** Loads a spec given as YAML text and returns the formatted problems. */
function problems(yamlText: string): string {
  try {
    loadProject(CONFIG(), [{ path: 'charts/demo/service.yaml', text: yamlText }]);
  } catch (e) {
    return formatProblems((e as SpecError).problems);
  }
  throw new Error('expected problems');
}

const BASE = 'name: demo\nimage: registry.example.com/demo:1.0.0\nweb: { api: { port: 8000, health: { liveness: /h } } }\n';

/** A spec with every kind of pod berth writes: web, worker, singleton, migration, the three kinds of CronJob. */
function everyPod(overrides: Partial<ServiceSpecInput> = {}): ServiceSpecInput {
  return specInput({
    workers: { worker: { command: ['run-worker'] } },
    singletons: { scheduler: { command: ['run-scheduler'], flag: 'RUN_SCHEDULER' } },
    migration: { command: ['alembic', 'upgrade', 'head'] },
    volumes: { data: { size: '1Gi', mountPath: '/data', accessMode: 'ReadWriteMany' } },
    secrets: { source: { existingSecret: 'demo-secrets' }, items: { DATABASE_URL: {} } },
    dependencies: { postgres: { port: 5432, namespace: 'db', podLabels: { app: 'pg' } } },
    cron: { tmpCleanup: { volume: 'data' }, retention: { tables: ['events'], days: 30, databaseUrlSecret: 'DATABASE_URL' }, jobs: { report: { schedule: '0 1 * * *', command: ['report'] } } },
    ...overrides,
  });
}

const names = (templates: ReturnType<typeof podTemplates>) => templates.map((t) => t.owner.metadata.name).sort();
const EVERY_POD = ['demo-api', 'demo-migrate', 'demo-report', 'demo-retention', 'demo-scheduler', 'demo-tmp-cleanup', 'demo-worker'];

/** The pod templates of an {@link everyPod} spec, failing unless every kind is there: a loop over them cannot pass by running zero times. */
function everyPodTemplate(objects: ReturnType<typeof synthSpec>): ReturnType<typeof podTemplates> {
  const pods = podTemplates(objects);
  expect(names(pods)).toEqual(EVERY_POD);
  return pods;
}

describe('imagePullSecrets', () => {
  test('the environment, the service and the process add up, on every pod berth writes', () => {
    const objects = synthSpec(everyPod({ imagePullSecrets: ['registry-a'], workers: { worker: { command: ['w'], imagePullSecrets: ['registry-b', 'registry-a'] } } }), environment({ imagePullSecrets: ['cluster-pull'] }));
    const pods = everyPodTemplate(objects);
    for (const { owner, template } of pods) {
      const expected = owner.metadata.name === 'demo-worker' ? ['cluster-pull', 'registry-a', 'registry-b'] : ['cluster-pull', 'registry-a'];
      expect([owner.metadata.name, template.spec.imagePullSecrets]).toEqual([owner.metadata.name, expected.map((name) => ({ name }))]);
    }
    // None by default: the pods have no imagePullSecrets field at all.
    for (const { template } of everyPodTemplate(synthSpec(everyPod()))) expect(template.spec).not.toHaveProperty('imagePullSecrets');
  });

  test('registry credentials from an ExternalSecret: a dockerconfigjson Secret every pod names', () => {
    const objects = synthSpec(
      everyPod({ secrets: { source: { externalSecret: { store: 'vault' } }, items: { DATABASE_URL: { remoteKey: 'demo/db' } }, imagePullSecret: { remoteKey: 'demo/registry', property: 'dockerconfigjson' } } }),
    );
    const es = find(objects, 'ExternalSecret', 'demo-registry');
    expect(es.spec.target.template).toEqual({ type: 'kubernetes.io/dockerconfigjson', engineVersion: 'v2', data: { '.dockerconfigjson': '{{ .dockerconfigjson | toString }}' } });
    expect(es.spec.data).toEqual([{ secretKey: 'dockerconfigjson', remoteRef: { key: 'demo/registry', property: 'dockerconfigjson' } }]);
    expect(es.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
    const pods = everyPodTemplate(objects);
    for (const { template } of pods) expect(template.spec.imagePullSecrets).toEqual([{ name: 'demo-registry' }]);
  });

  test('registry credentials from a SealedSecret: the sealed docker config under .dockerconfigjson, typed for the kubelet', () => {
    const objects = synthSpec(specInput({ secrets: { source: { sealedSecret: {} }, items: { TOKEN: { encrypted: 'AgBy3i4OJSWK+PiTySYZZA==' } }, imagePullSecret: { encrypted: 'AgCx9registryciphertext==' } } }));
    const sealed = find(objects, 'SealedSecret', 'demo-registry');
    expect(sealed.spec.encryptedData).toEqual({ '.dockerconfigjson': 'AgCx9registryciphertext==' });
    expect(sealed.spec.template.type).toBe('kubernetes.io/dockerconfigjson');
    expect(find(objects, 'Deployment', 'demo-api').spec.template.spec.imagePullSecrets).toEqual([{ name: 'demo-registry' }]);
  });

  test('fails when registry credentials are asked of an existing Secret source', () => {
    expect(problems(BASE + 'secrets:\n  source: { existingSecret: demo-env }\n  items: { TOKEN: {} }\n  imagePullSecret: { remoteKey: demo/registry }\n')).toBe(
      'charts/demo/service.yaml\n  ✖ An existingSecret source writes no objects, so berth cannot create registry credentials from it\n    → at secrets.imagePullSecret (line 7)\n    → fix: remove secrets.imagePullSecret and list the existing registry Secret in imagePullSecrets',
    );
  });

  test('fails when an entry is not a DNS name', () => {
    expect(problems(BASE + 'imagePullSecrets: [Registry_Creds]\n')).toBe(
      'charts/demo/service.yaml\n  ✖ must be the name of a Secret: a DNS subdomain of lower-case letters, digits, "-" and ".", such as registry-credentials (got "Registry_Creds")\n    → at imagePullSecrets[0] (line 4)\n    → fix: write the name of the Secret that holds the registry credentials, as kubectl get secret shows it (lower case, "-" for "_")',
    );
  });
});

describe('serviceAccount', () => {
  test('workload identity annotations go on the one ServiceAccount; the token stays unmounted', () => {
    const objects = synthSpec(everyPod({ serviceAccount: { name: 'ledger-irsa', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/ledger' } } }));
    const sa = find(objects, 'ServiceAccount');
    expect(sa.metadata.name).toBe('ledger-irsa');
    expect(sa.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/ledger');
    expect(sa.automountServiceAccountToken).toBe(false);
    for (const { template } of everyPodTemplate(objects)) {
      expect(template.spec.serviceAccountName).toBe('ledger-irsa');
      expect(template.spec.automountServiceAccountToken).toBe(false);
    }
  });

  test('Azure Workload Identity: the client-id annotation labels every pod azure.workload.identity/use', () => {
    const objects = synthSpec(everyPod({ serviceAccount: { annotations: { 'azure.workload.identity/client-id': '00000000-0000-0000-0000-000000000000' } } }));
    for (const { template } of everyPodTemplate(objects)) expect(template.metadata.labels['azure.workload.identity/use']).toBe('true');
    // A label on the pods only: selectors do not change.
    expect(find(objects, 'Deployment', 'demo-api').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': 'api' });
  });

  test('automountToken with a reason mounts the API token and records why; a projected token is mounted read-only', () => {
    const objects = synthSpec(
      specInput({ serviceAccount: { automountToken: true, reason: 'the operator lists its own pods', token: { audience: 'sts.amazonaws.com', mountPath: '/var/run/secrets/tokens' } } }),
      environment({ production: true }),
      'prod',
    );
    const pod = find(objects, 'Deployment', 'demo-api').spec.template;
    expect(pod.spec.automountServiceAccountToken).toBe(true);
    expect(pod.metadata.annotations['berth.dev/service-account-token']).toBe('the operator lists its own pods');
    expect(pod.spec.volumes).toContainEqual({ name: 'service-account-token', projected: { sources: [{ serviceAccountToken: { audience: 'sts.amazonaws.com', expirationSeconds: 3600, path: 'token' } }] } });
    expect(pod.spec.containers[0].volumeMounts).toContainEqual({ name: 'service-account-token', mountPath: '/var/run/secrets/tokens', readOnly: true });
  });

  test('fails when automountToken has no reason in production (and not in staging)', () => {
    const text = BASE + 'serviceAccount: { automountToken: true }\n';
    expect(problems(text)).toBe(
      'charts/demo/service.yaml\n  ✖ automountToken mounts the Kubernetes API token into every pod in prod without a reason\n    → at serviceAccount.automountToken (line 4)\n    → fix: say why the app calls the Kubernetes API in serviceAccount.reason (it is recorded on the pods), or remove automountToken (workload identity needs only the annotations, or a projected token with serviceAccount.token)',
    );
  });

  test('fails when the projected token would share a mount path with the secret files', () => {
    expect(problems(BASE + 'secrets: { source: { existingSecret: s }, items: { A: {} } }\nserviceAccount:\n  token: { audience: vault, mountPath: /run/secrets }\n')).toBe(
      'charts/demo/service.yaml\n  ✖ The projected token is mounted at /run/secrets, where berth mounts the secret files (secrets.mountPath)\n    → at serviceAccount.token.mountPath (line 6)\n    → fix: mount the token in a directory of its own, e.g. /var/run/secrets/tokens',
    );
  });
});

describe('overlays', () => {
  test('an environment overlay sets pod settings for that environment only', () => {
    const project = loadProject(CONFIG(), [
      { path: 'charts/demo/service.yaml', text: BASE + 'imagePullSecrets: [base-registry]\n' },
      { path: 'charts/demo/prod.yaml', text: 'imagePullSecrets: [prod-registry]\nnodeSelector: { node.example.com/pool: prod }\n' },
    ]);
    const pod = (env: string) => project.units.find((u) => u.env === env)!.model.processes[0].pod;
    expect([pod('staging').imagePullSecrets, pod('staging').nodeSelector]).toEqual([['base-registry'], {}]);
    expect([pod('prod').imagePullSecrets, pod('prod').nodeSelector]).toEqual([['prod-registry'], { 'node.example.com/pool': 'prod' }]);
  });
});

describe('metadata', () => {
  test('podAnnotations and podLabels go on the pods, merged per process; berth\'s own annotations win', () => {
    const objects = synthSpec(
      everyPod({
        env: { A: '1' },
        podAnnotations: { 'example.com/agent': 'on', 'example.com/mesh': 'service' },
        podLabels: { 'example.com/tier': 'backend' },
        workers: { worker: { command: ['w'], podAnnotations: { 'example.com/mesh': 'off' } } },
      }),
    );
    for (const { owner, template } of everyPodTemplate(objects)) {
      expect(template.metadata.labels['example.com/tier']).toBe('backend');
      expect(template.metadata.annotations['example.com/mesh']).toBe(owner.metadata.name === 'demo-worker' ? 'off' : 'service');
    }
    expect(find(objects, 'Deployment', 'demo-api').spec.template.metadata.annotations['berth.dev/config-checksum']).toMatch(/^[0-9a-f]{16}$/);
  });

  test('fails when podLabels sets a selector label, naming the key and the fix', () => {
    expect(problems(BASE + 'podLabels:\n  app.kubernetes.io/component: web\n')).toBe(
      'charts/demo/service.yaml\n  ✖ "app.kubernetes.io/component" is a selector label berth sets from the service and process names (Deployments select their pods by it, and a selector is immutable) (got "web")\n    → at podLabels.app.kubernetes.io/component (line 4)\n    → fix: remove app.kubernetes.io/component from podLabels; berth keeps its own value (choose a key of your own, such as example.com/component)',
    );
  });

  test('fails when labels would loosen the Namespace\'s Pod Security or annotations would reorder the sync', () => {
    const text = problems(BASE + 'labels: { pod-security.kubernetes.io/enforce: privileged }\nannotations: { argocd.argoproj.io/sync-wave: "5" }\n');
    expect(text).toContain('✖ "pod-security.kubernetes.io/enforce" is a label berth sets on the Namespace (Pod Security "restricted" and what NetworkPolicies select on)');
    expect(text).toContain('✖ "argocd.argoproj.io/sync-wave" is an Argo CD annotation berth sets to order and protect the sync');
  });

  test('labels and annotations go on every object of the service, never on pods or selectors', () => {
    const objects = synthSpec(everyPod({ labels: { 'example.com/team': 'payments' }, annotations: { 'example.com/owner': 'ledger@example.com' } }));
    expect(objects.length).toBeGreaterThan(10);
    for (const o of objects) {
      expect([o.kind, o.metadata.labels['example.com/team']]).toEqual([o.kind, 'payments']);
      expect([o.kind, o.metadata.annotations['example.com/owner']]).toEqual([o.kind, 'ledger@example.com']);
    }
    for (const { template } of everyPodTemplate(objects)) expect(template.metadata.labels).not.toHaveProperty(['example.com/team']);
    expect(find(objects, 'Service', 'demo-api').spec.selector).toEqual({ 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': 'api' });
  });
});

describe('scheduling', () => {
  test('nodeSelector, tolerations, affinity and priorityClassName, merged per process', () => {
    const objects = synthSpec(
      everyPod({
        nodeSelector: { 'kubernetes.io/arch': 'amd64' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'payments', effect: 'NoSchedule' }],
        priorityClassName: 'business-critical',
        affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 50, preference: { matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['m7i.large'] }] } }] } },
        workers: { worker: { command: ['w'], nodeSelector: { 'karpenter.sh/capacity-type': 'spot' }, tolerations: [{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }], priorityClassName: 'batch' } },
      }),
    );
    const worker = find(objects, 'Deployment', 'demo-worker').spec.template.spec;
    expect(worker.nodeSelector).toEqual({ 'karpenter.sh/capacity-type': 'spot', 'kubernetes.io/arch': 'amd64' });
    expect(worker.tolerations).toEqual([
      { key: 'dedicated', operator: 'Equal', value: 'payments', effect: 'NoSchedule' },
      { key: 'spot', operator: 'Exists', effect: 'NoSchedule' },
    ]);
    expect(worker.priorityClassName).toBe('batch');
    const api = find(objects, 'Deployment', 'demo-api').spec.template.spec;
    expect(api.nodeSelector).toEqual({ 'kubernetes.io/arch': 'amd64' });
    expect(api.priorityClassName).toBe('business-critical');
    expect(api.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(50);
    // The service's toleration reaches every pod (the co-location beside the spec's affinity: test/constructs/workloads/pod-settings.test.ts).
    for (const { template } of everyPodTemplate(objects)) expect(template.spec.tolerations).toContainEqual({ key: 'dedicated', operator: 'Equal', value: 'payments', effect: 'NoSchedule' });
  });

  test("a tmp cleanup job co-located with its claim's user keeps that term beside the spec's pod affinity", () => {
    const objects = synthSpec(
      specInput({
        volumes: { data: { size: '1Gi', mountPath: '/data' } },
        web: { api: { port: 8000, replicas: 1, health: { liveness: '/h' }, mounts: ['data'] } },
        cron: { tmpCleanup: { volume: 'data' } },
        affinity: { podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { app: 'cache' } } } }] } },
      }),
    );
    const affinity = find(objects, 'CronJob', 'demo-tmp-cleanup').spec.jobTemplate.spec.template.spec.affinity;
    expect(affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': 'api' } } }]);
    expect(affinity.podAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
  });

  test("a spread constraint on the zone replaces production's; the node spread stays; the labelSelector defaults to the process's pods", () => {
    const objects = synthSpec(
      specInput({ topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', minDomains: 3 }] }),
      environment({ production: true }),
      'prod',
    );
    const selector = { matchLabels: { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': 'api' } };
    expect(find(objects, 'Deployment', 'demo-api').spec.template.spec.topologySpreadConstraints).toEqual([
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: selector },
      { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', minDomains: 3, labelSelector: selector },
    ]);
  });

  test('fails on a toleration with a misspelled key, with the line and the right name', () => {
    expect(problems(BASE + 'tolerations:\n  - { key: spot, operator: Exists, efect: NoSchedule }\n')).toBe(
      'charts/demo/service.yaml\n  ✖ Unknown key "efect"\n    → at tolerations[0].efect (line 5)\n    → fix: did you mean "effect"?',
    );
  });
});

describe('env from the pod', () => {
  test('fieldRef and resourceFieldRef values go on each container, never into the ConfigMap; a process value overrides the service one', () => {
    const objects = synthSpec(
      everyPod({
        env: { APP_ENV: 'staging', POD_NAME: { fieldRef: 'metadata.name' }, MEMORY_LIMIT_MIB: { resourceFieldRef: 'limits.memory', divisor: '1Mi' } },
        workers: { worker: { command: ['w'], env: { POD_NAME: 'fixed', NODE_NAME: { fieldRef: 'spec.nodeName' } } } },
      }),
    );
    expect(find(objects, 'ConfigMap').data).toEqual({ APP_ENV: 'staging' });
    const envOf = (kind: string, name: string) => {
      const o = find(objects, kind, name);
      return (kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template).spec.containers[0].env as Array<Record<string, unknown>>;
    };
    for (const [kind, name] of [['Deployment', 'demo-api'], ['Deployment', 'demo-scheduler'], ['Job', 'demo-migrate'], ['CronJob', 'demo-report']]) {
      expect(envOf(kind, name)).toContainEqual({ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
      expect(envOf(kind, name)).toContainEqual({ name: 'MEMORY_LIMIT_MIB', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } });
    }
    const worker = envOf('Deployment', 'demo-worker');
    expect(worker.filter((e) => e.name === 'POD_NAME')).toEqual([{ name: 'POD_NAME', value: 'fixed' }]);
    expect(worker).toContainEqual({ name: 'NODE_NAME', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } });
    // The built-in retention script reads only its database URL.
    expect(envOf('CronJob', 'demo-retention').map((e) => e.name)).not.toContain('POD_NAME');
  });

  test('fails on a field the downward API does not have', () => {
    expect(problems(BASE + 'env:\n  POD: { fieldRef: metadata.podName }\n')).toContain(
      `✖ must be a pod field: metadata.name, metadata.namespace, metadata.uid, spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP, status.podIPs, or metadata.labels['<key>'] / metadata.annotations['<key>'] (got "metadata.podName")\n    → at env.POD.fieldRef (line 5)`,
    );
  });
});

describe('the model and the checks', () => {
  test('the model holds each process\'s merged settings and the service account, once', () => {
    const spec = ServiceSpec.parse(everyPod({ imagePullSecrets: ['a'], serviceAccount: { annotations: { 'iam.gke.io/gcp-service-account': 'ledger@p.iam.gserviceaccount.com' } }, workers: { worker: { command: ['w'], imagePullSecrets: ['b'] } } }));
    const model = resolveService(spec, environment({ imagePullSecrets: ['env'] }), 'staging');
    expect(model.serviceAccountName).toBe('demo');
    expect(model.serviceAccount.annotations).toEqual({ 'iam.gke.io/gcp-service-account': 'ledger@p.iam.gserviceaccount.com' });
    expect(Object.fromEntries(model.processes.map((p) => [p.name, p.pod.imagePullSecrets]))).toEqual({
      api: ['env', 'a'], worker: ['env', 'a', 'b'], scheduler: ['env', 'a'], migrate: ['env', 'a'], 'tmp-cleanup': ['env', 'a'], retention: ['env', 'a'], report: ['env', 'a'],
    });
  });

  test('everything at once passes strict schema validation and Pod Security "restricted" in production', () => {
    const objects = synthSpec(
      everyPod({
        imagePullSecrets: ['registry'],
        serviceAccount: { automountToken: true, reason: 'lists its own pods for leader election', annotations: { 'azure.workload.identity/client-id': 'abc' }, token: { audience: 'api://AzureADTokenExchange', mountPath: '/var/run/secrets/azure/tokens' } },
        podAnnotations: { 'example.com/a': 'b' },
        podLabels: { 'example.com/c': 'd' },
        labels: { 'example.com/team': 'payments' },
        annotations: { 'example.com/owner': 'x' },
        nodeSelector: { 'karpenter.sh/capacity-type': 'spot' },
        tolerations: [{ key: 'spot', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 60 }],
        priorityClassName: 'high',
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['x'] }] } }] } },
        topologySpreadConstraints: [{ maxSkew: 2, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', matchLabelKeys: ['pod-template-hash'], nodeTaintsPolicy: 'Honor' }],
        env: { POD_IP: { fieldRef: 'status.podIP' }, CPU: { resourceFieldRef: 'requests.cpu', divisor: '1m' } },
      }),
      environment({ production: true }),
      'prod',
    );
    const manifests = objects.map((object) => ({ file: 'dist/prod/demo/manifests.yaml', object }));
    expect(validateSchema(manifests)).toEqual([]);
    expect(runChecks(manifests, { production: true, guardrails: true })).toEqual([]);
  });
});
