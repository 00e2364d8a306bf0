/**
 * Extra objects (charts/<service>/extra/) and patches, through the loader and the synth as the
 * CLI runs them, on in-memory files: where an extra object lands (namespace, labels, wave, order,
 * its environment), what its AppProject allows, what is refused, and how patches apply.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { buildOutput, unitChecker } from '../../src/app';
import { SpecError } from '../../src/spec/errors';
import { loadProject, SourceFile } from '../../src/spec/load';
import { SECURITY_EXCEPTION_ANNOTATION } from '../../src/util/annotations';
import { SYNC_WAVE_ANNOTATION } from '../../src/util/sync-waves';
import { refusal } from '../delivery/argocd-permission-model';
import { REPO, specInput } from '../helpers';

const config: SourceFile = { path: 'berth.yaml', text: fs.readFileSync(path.join(REPO, 'berth.yaml'), 'utf8') };
const spec = (extra: Record<string, unknown> = {}): SourceFile => ({ path: 'charts/demo/service.yaml', text: yaml.dump(specInput(extra as never)) });
const file = (p: string, ...docs: unknown[]): SourceFile => ({ path: p, text: docs.map((d) => yaml.dump(d)).join('---\n') });

const podMonitor = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'demo-api', labels: { team: 'payments' } }, spec: { selector: { matchLabels: { 'app.kubernetes.io/name': 'demo' } }, podMetricsEndpoints: [{ port: 'http' }] } };
const configMap = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...extra }, data: { 'a.txt': 'a' } });

/** The objects of one unit's manifests file, and its AppProject. */
function synth(files: SourceFile[], env = 'staging') {
  const out = buildOutput(loadProject(config, files));
  const unit = out.units.find((u) => u.env === env && u.service === 'demo' && u.kind === 'manifests')!;
  const argo = out.units.find((u) => u.env === env && u.service === 'demo' && u.kind === 'argocd')!;
  return { objects: unit.objects.map((m) => m.object as any), app: argo.objects.find((m) => m.object.kind === 'Application')!.object as any, project: argo.objects.find((m) => m.object.kind === 'AppProject')!.object as any };
}

/** The problems of a load or synth that fails. */
function problems(files: SourceFile[]): Array<{ file: string; path: string; message: string; line?: number }> {
  try {
    buildOutput(loadProject(config, files));
  } catch (e) {
    if (e instanceof SpecError) return e.problems.map(({ file, path, message, line }) => ({ file, path, message, ...(line === undefined ? {} : { line }) }));
    throw e;
  }
  throw new Error('no problem');
}

describe('extra objects', () => {
  test('join the service output in its namespace, with its labels over their own, their kind wave and apply order', () => {
    const { objects } = synth([spec({ namespace: 'demo-ns' }), file('charts/demo/extra/monitoring.yaml', podMonitor, configMap('demo-extra'))]);
    const pm = objects.find((o) => o.kind === 'PodMonitor');
    expect(pm.metadata.namespace).toBe('demo-ns');
    expect(pm.metadata.labels).toEqual({ team: 'payments', 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/part-of': 'demo', 'app.kubernetes.io/managed-by': 'berth' });
    expect(pm.metadata.annotations[SYNC_WAVE_ANNOTATION]).toBe('1');
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'demo-extra');
    expect(cm.metadata.annotations[SYNC_WAVE_ANNOTATION]).toBe('-2');
    // Apply order: the ConfigMap with the config objects, the PodMonitor after the ServiceMonitor's place.
    const kinds = objects.map((o) => o.kind);
    expect(kinds.indexOf('ConfigMap')).toBeLessThan(kinds.indexOf('Deployment'));
    expect(kinds.indexOf('PodMonitor')).toBeGreaterThan(kinds.indexOf('Ingress'));
  });

  test('extra/<env>/ holds objects of that environment only', () => {
    const files = [spec(), file('charts/demo/extra/prod/only-prod.yaml', configMap('demo-prod-only'))];
    expect(synth(files, 'prod').objects.some((o) => o.metadata.name === 'demo-prod-only')).toBe(true);
    expect(synth(files, 'staging').objects.some((o) => o.metadata.name === 'demo-prod-only')).toBe(false);
  });

  test("the service's AppProject allows the kinds of its extra objects; another service's does not", () => {
    const withExtra = synth([spec(), file('charts/demo/extra/pm.yaml', podMonitor)]);
    const pm = withExtra.objects.find((o) => o.kind === 'PodMonitor');
    expect(refusal(withExtra.project, withExtra.app, pm)).toBeUndefined();
    const without = synth([spec()]);
    expect(refusal(without.project, without.app, pm)).toBe('monitoring.coreos.com/PodMonitor is not in namespaceResourceWhitelist');
  });

  test('fails when an extra object is in another namespace, naming the file, document and line', () => {
    expect(problems([spec(), file('charts/demo/extra/cm.yaml', configMap('demo-a'), configMap('demo-b', { namespace: 'kube-system' }))])).toEqual([
      {
        file: 'charts/demo/extra/cm.yaml',
        path: 'metadata.namespace',
        line: 12,
        message: 'Document 2 (ConfigMap demo-b) is in namespace "kube-system", not the service\'s namespace "demo"',
      },
    ]);
  });

  test('fails on a kind the strict schema does not know, a Namespace, and a Secret, without printing its value', () => {
    const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } };
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other' } };
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { token: Buffer.from('hunter2-but-longer').toString('base64') } };
    const found = problems([spec(), file('charts/demo/extra/x.yaml', role, ns, secret)]);
    expect(found.map((p) => p.message.split(':')[0])).toEqual(['Document 1 (ClusterRole r)', 'Document 2 (Namespace other) cannot be an extra object', 'Document 3 (Secret s) is a Secret with values in data']);
    expect(found[0].message).toBe('Document 1 (ClusterRole r): berth has no schema for rbac.authorization.k8s.io/v1 ClusterRole, and validates every object it writes strictly');
    expect(JSON.stringify(found)).not.toContain(secret.data.token);
  });

  test('fails on a credential-shaped value in an extra object (the credential scan of specs), without printing it', () => {
    const url = 'postgres://ledger:Xk9!vQ2#pL7mZ4wR@db.internal:5432/ledger';
    const found = problems([spec(), file('charts/demo/extra/cm.yaml', configMap('demo-db', {}), { ...configMap('demo-db2'), data: { DSN: url } })]);
    expect(found.map(({ path, line }) => ({ path, line }))).toEqual([{ path: 'data.DSN', line: 13 }]);
    expect(found[0].message).toMatch(/^Document 2: The value /);
    expect(JSON.stringify(found)).not.toContain('Xk9!vQ2#pL7mZ4wR');
  });

  test('fails on an extra/<env>/ folder of an environment berth.yaml does not define', () => {
    expect(problems([spec(), file('charts/demo/extra/qa/cm.yaml', configMap('demo-qa'))])).toEqual([
      { file: 'charts/demo/extra/qa/cm.yaml', path: '', message: 'Extra objects for unknown environment "qa"' },
    ]);
  });

  test("fails when an extra object has the kind and name of one of berth's", () => {
    // Without env, berth writes no ConfigMap: the name is free.
    expect(synth([spec(), file('charts/demo/extra/cm.yaml', configMap('demo-config'))]).objects.filter((o) => o.metadata.name === 'demo-config')).toHaveLength(1);
    expect(problems([spec({ env: { A: '1' } }), file('charts/demo/extra/cm.yaml', configMap('demo-config'))]).map((p) => p.message)).toEqual([
      'prod, staging: Document 1 is ConfigMap demo-config, which berth already writes for the service',
    ]);
  });
});

describe('checks on what a person adds', () => {
  /** The problems the checks of a synth place at the files a person wrote (unitChecker, without the schema). */
  const checked = (files: SourceFile[]) => buildOutput(loadProject(config, files), { check: unitChecker(), keepManifests: false });

  test('a finding on an extra Deployment is told at its file, document and field line', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'demo-debug' },
      spec: { selector: { matchLabels: { app: 'x' } }, template: { metadata: { labels: { app: 'x' } }, spec: { hostPID: true, containers: [{ name: 'x', image: 'busybox:1.36.1' }] } } },
    };
    const out = checked([spec(), file('charts/demo/extra/debug.yaml', configMap('demo-a'), deployment)]);
    const hostPid = out.problems.find((p) => p.path === 'spec.template.spec.hostPID')!;
    expect(hostPid).toEqual({ file: 'charts/demo/extra/debug.yaml', path: 'spec.template.spec.hostPID', line: 21, message: 'prod, staging: Document 2 (Deployment demo-debug): host namespaces (hostPID=true)', fix: expect.any(String) });
    // Nothing about the extra object is left as a finding at dist/.
    expect(out.findings.filter((f) => f.object.includes('demo-debug'))).toEqual([]);
  });

  test('a finding at a field a patch changed is told at the patch', () => {
    const patch = { target: { kind: 'Deployment', name: 'demo-api' }, patch: [{ op: 'add', path: '/spec/template/spec/hostNetwork', value: true }] };
    const out = checked([spec({ patches: [patch] } as never)]);
    expect(out.problems).toEqual([
      {
        file: 'charts/demo/service.yaml',
        path: 'patches[0]',
        line: 9,
        message: 'prod, staging: Deployment/demo/demo-api at spec.template.spec.hostNetwork, which patch 1 changes: host namespaces (hostNetwork=true)',
        fix: "remove hostNetwork: the pod must not share the node's namespaces",
      },
    ]);
  });

  test("a bare Pod is allowed to its service's AppProject only when extra/ holds one", () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'demo-once' }, spec: { containers: [{ name: 'x', image: 'busybox:1.36.1' }] } };
    const withPod = synth([spec(), file('charts/demo/extra/pod.yaml', pod)]);
    const p = withPod.objects.find((o) => o.kind === 'Pod');
    expect(refusal(withPod.project, withPod.app, p)).toBeUndefined();
    const without = synth([spec()]);
    expect(refusal(without.project, without.app, p)).toBe('core/Pod is not in namespaceResourceWhitelist');
  });
});

describe('RBAC as extra objects', () => {
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'demo-leader' }, rules: [{ apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] }] };
  const binding = (roleRef: Record<string, string> = { kind: 'Role', name: 'demo-leader' }) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'demo-leader' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects: [{ kind: 'ServiceAccount', name: 'demo' }],
  });

  test('a Role and RoleBinding sync before the workloads, in the service namespace', () => {
    const { objects } = synth([spec(), file('charts/demo/extra/rbac.yaml', role, binding())]);
    const kinds = objects.map((o) => o.kind);
    for (const kind of ['Role', 'RoleBinding']) {
      const o = objects.find((x) => x.kind === kind);
      expect(o.metadata.namespace).toBe('demo');
      // With the ServiceAccount, before the migration hook (-1) and the Deployments (0): a pod that starts before its grant gets 403s.
      expect(o.metadata.annotations[SYNC_WAVE_ANNOTATION]).toBe('-2');
      expect(kinds.indexOf(kind)).toBeLessThan(kinds.indexOf('Deployment'));
    }
    expect(kinds.indexOf('ServiceAccount')).toBeLessThan(kinds.indexOf('Role'));
    expect(kinds.indexOf('Role')).toBeLessThan(kinds.indexOf('RoleBinding'));
  });

  test("the service's AppProject allows Role and RoleBinding only when its extra/ holds them", () => {
    const withRbac = synth([spec(), file('charts/demo/extra/rbac.yaml', role, binding())]);
    const [r, b] = ['Role', 'RoleBinding'].map((k) => withRbac.objects.find((o) => o.kind === k));
    expect(refusal(withRbac.project, withRbac.app, r)).toBeUndefined();
    expect(refusal(withRbac.project, withRbac.app, b)).toBeUndefined();
    const without = synth([spec()]);
    expect(refusal(without.project, without.app, r)).toBe('rbac.authorization.k8s.io/Role is not in namespaceResourceWhitelist');
    expect(refusal(without.project, without.app, b)).toBe('rbac.authorization.k8s.io/RoleBinding is not in namespaceResourceWhitelist');
  });

  test('fails when an extra RoleBinding binds a ClusterRole, told at its file, document and line in every environment', () => {
    const out = buildOutput(loadProject(config, [spec(), file('charts/demo/extra/rbac.yaml', role, binding({ kind: 'ClusterRole', name: 'edit' }))]), { check: unitChecker(), keepManifests: false });
    expect(out.problems).toEqual([
      {
        file: 'charts/demo/extra/rbac.yaml',
        path: 'roleRef.kind',
        line: 21,
        message: 'prod, staging: Document 2 (RoleBinding demo-leader): Binds the ClusterRole "edit": its rules live in the cluster, not in Git, where berth cannot check them (and view, edit and admin grow with every CRD installed)',
        fix: 'write a Role in extra/ with the rules the app needs, and bind it (roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: <it> })',
      },
    ]);
  });
});

describe('patches', () => {
  const ro = (value: boolean) => ({ op: 'replace', path: '/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem', value });

  test("an overlay's patches apply after the service's, each to its target", () => {
    const base = spec({ patches: [{ target: { kind: 'Deployment', name: 'demo-api' }, merge: { metadata: { annotations: { order: 'base' } } } }] } as never);
    const overlay = file('charts/demo/staging.yaml', { patches: [{ target: { kind: 'Deployment', name: 'demo-api' }, patch: [{ op: 'replace', path: '/metadata/annotations/order', value: 'overlay' }] }] });
    const d = synth([base, overlay]).objects.find((o) => o.kind === 'Deployment');
    expect(d.metadata.annotations.order).toBe('overlay');
  });

  test("an overlay's empty patches keep the service's; patches: null drops them in that environment", () => {
    const base = spec({ patches: [{ target: { kind: 'Deployment', name: 'demo-api' }, merge: { metadata: { annotations: { from: 'base' } } } }] } as never);
    const annotation = (overlay: unknown) => synth([base, file('charts/demo/staging.yaml', overlay)]).objects.find((o) => o.kind === 'Deployment').metadata.annotations?.from;
    expect(annotation({ patches: [] })).toBe('base');
    expect(annotation({ patches: null })).toBeUndefined();
  });

  test("fails when a patch changes the namespace's Pod Security labels", () => {
    const patch = { target: { kind: 'Namespace', name: 'demo' }, merge: { metadata: { labels: { 'pod-security.kubernetes.io/enforce': 'privileged', team: 'payments' } } } };
    expect(problems([spec({ patches: [patch] } as never)]).map((p) => p.message)).toEqual(['prod, staging: patch 1 changes pod-security.kubernetes.io/enforce of Namespace demo']);
  });

  test('fails when the target does not exist, listing the objects of that kind', () => {
    const base = spec({ patches: [{ target: { kind: 'Deployment', name: 'api' }, merge: { spec: { minReadySeconds: 5 } } }] } as never);
    expect(problems([base])).toEqual([
      { file: 'charts/demo/service.yaml', path: 'patches[0].target', line: 9, message: 'prod, staging: patch 1 targets Deployment api, which the service does not have; it has Deployment demo-api' },
    ]);
  });

  /** The production guardrail's findings a synth places at the spec's patches. */
  const writableRoots = (patch: unknown) =>
    buildOutput(loadProject(config, [spec({ patches: [patch] } as never)]), { check: unitChecker(), keepManifests: false })
      .problems.filter((p) => p.message.includes('writable root filesystem'))
      .map(({ file, path, message }) => ({ file, path, message }));

  test('fails in production when a patch turns readOnlyRootFilesystem off without a reason, told at the patch; staging allows it', () => {
    const patch = { target: { kind: 'Deployment', name: 'demo-api' }, patch: [ro(false)] };
    expect(writableRoots(patch)).toEqual([
      { file: 'charts/demo/service.yaml', path: 'patches[0]', message: expect.stringMatching(/^prod: .*Container "api" has a writable root filesystem, without a recorded reason/) },
    ]);
  });

  test('fails in production when a patch adds a container without a read-only root filesystem and without a reason', () => {
    const sidecar = { name: 'shell', image: 'busybox:1.36.1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };
    const patch = { target: { kind: 'Deployment', name: 'demo-api' }, merge: { spec: { template: { spec: { containers: [sidecar] } } } } };
    expect(writableRoots(patch)).toEqual([
      { file: 'charts/demo/service.yaml', path: 'patches[0]', message: expect.stringMatching(/^prod: .*Container "shell" has a writable root filesystem, without a recorded reason/) },
    ]);
  });

  test("a patch's reason lets readOnlyRootFilesystem off and is recorded on the pods", () => {
    const patch = { target: { kind: 'Deployment', name: 'demo-api' }, patch: [ro(false)], reason: 'the vendor SDK writes its cache under /opt' };
    const d = synth([spec({ patches: [patch] } as never)], 'prod').objects.find((o) => o.kind === 'Deployment');
    expect(d.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(d.spec.template.metadata.annotations[SECURITY_EXCEPTION_ANNOTATION]).toBe('the vendor SDK writes its cache under /opt');
  });

  test("a container a patch adds without a read-only root passes production with the patch's reason, recorded on the pods", () => {
    const sidecar = { name: 'shell', image: 'busybox:1.36.1', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } };
    const patch = { target: { kind: 'Deployment', name: 'demo-api' }, merge: { spec: { template: { spec: { containers: [sidecar] } } } }, reason: 'the debug shell writes its history' };
    expect(writableRoots(patch)).toEqual([]);
    const d = synth([spec({ patches: [patch] } as never)], 'prod').objects.find((o) => o.kind === 'Deployment');
    expect(d.spec.template.metadata.annotations[SECURITY_EXCEPTION_ANNOTATION]).toBe('the debug shell writes its history');
  });

  test("a patch's reason is recorded only where the patch makes a root filesystem writable", () => {
    const patch = { target: { kind: 'Deployment', name: 'demo-api' }, merge: { spec: { minReadySeconds: 5 } }, reason: 'not needed' };
    const d = synth([spec({ patches: [patch] } as never)], 'prod').objects.find((o) => o.kind === 'Deployment');
    expect(d.spec.minReadySeconds).toBe(5);
    expect(d.spec.template.metadata.annotations ?? {}).not.toHaveProperty([SECURITY_EXCEPTION_ANNOTATION]);
  });

  test('fails when a patch renames its target', () => {
    const patch = { target: { kind: 'Deployment', name: 'demo-api' }, patch: [{ op: 'replace', path: '/metadata/name', value: 'other' }] };
    expect(problems([spec({ patches: [patch] } as never)]).map((p) => p.message)).toEqual(['prod, staging: patch 1 changes the kind, name or namespace of Deployment demo-api']);
  });

  test('a patch may target an extra object', () => {
    const patch = { target: { kind: 'PodMonitor', name: 'demo-api' }, merge: { spec: { podMetricsEndpoints: [{ port: 'http', interval: '15s' }] } } };
    const pm = synth([spec({ patches: [patch] } as never), file('charts/demo/extra/pm.yaml', podMonitor)]).objects.find((o) => o.kind === 'PodMonitor');
    expect(pm.spec.podMetricsEndpoints).toEqual([{ port: 'http', interval: '15s' }]);
  });
});

describe('extra objects and the spec\'s object metadata (pod settings, issue 21 item 3)', () => {
  test("the spec's labels and annotations go on extra objects too, under the object's own; berth's service labels win", () => {
    const { objects } = synth([
      spec({ labels: { 'example.com/team': 'payments', team: 'ledger' }, annotations: { 'example.com/owner': 'ledger@example.com' } }),
      file('charts/demo/extra/monitoring.yaml', podMonitor),
    ]);
    const pm = objects.find((o) => o.kind === 'PodMonitor');
    expect(pm.metadata.labels).toEqual({ 'example.com/team': 'payments', team: 'payments', 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/part-of': 'demo', 'app.kubernetes.io/managed-by': 'berth' });
    expect(pm.metadata.annotations['example.com/owner']).toBe('ledger@example.com');
  });
});
