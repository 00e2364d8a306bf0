/**
 * Least privilege in Argo CD: every Application berth writes uses an AppProject berth writes, and
 * that project permits every object in the Application's folder of dist/ and nothing else a
 * commit could plant there (another kind, another namespace, a cluster-wide object).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { readManifests } from '../../src/main';
import { berthInProcess, CHART_SERVICES, REPO, tempRepo } from '../helpers';
import { implicitObjects, refusal } from './argocd-permission-model';

type Obj = Record<string, any>;
const manifests = readManifests(REPO, 'dist');
const apps = manifests.filter((m) => m.object.kind === 'Application').map((m) => m.object as Obj);
const projects = new Map(manifests.filter((m) => m.object.kind === 'AppProject').map((m) => [(m.object as Obj).metadata.name, m.object as Obj]));
/** The objects an Application syncs: every file under its source path. */
const synced = (app: Obj) => manifests.filter((m) => m.file.startsWith(`${app.spec.source.path}/`)).map((m) => m.object as Obj);
const projectOf = (app: Obj) => projects.get(app.spec.project)!;
const serviceApps = apps.filter((a) => !a.metadata.name.startsWith('berth-'));
const roots = apps.filter((a) => a.metadata.name.startsWith('berth-'));

describe('AppProjects', () => {
  test('every Application uses a project berth writes, never "default"', () => {
    // One per service and environment, and a root per environment.
    expect(apps.length).toBe(CHART_SERVICES.length * 2 + 2);
    for (const app of apps) {
      expect({ app: app.metadata.name, project: app.spec.project, found: projects.has(app.spec.project) }).toEqual({ app: app.metadata.name, project: expect.not.stringMatching(/^default$/), found: true });
    }
  });

  test('every object in dist/ is permitted by the project of the Application that syncs it', () => {
    let checked = 0;
    for (const app of apps) {
      const objects = [...synced(app), ...implicitObjects(app)];
      expect(objects.length).toBeGreaterThan(0);
      for (const object of objects) {
        expect({ app: app.metadata.name, object: `${object.kind}/${object.metadata.name}`, refused: refusal(projectOf(app), app, object) }).toEqual({
          app: app.metadata.name,
          object: `${object.kind}/${object.metadata.name}`,
          refused: undefined,
        });
        checked++;
      }
    }
    // Every object of dist/ is synced by some Application (the root files are applied by hand).
    const rootFiles = manifests.filter((m) => /^dist\/argocd\/root-[^/]+\.yaml$/.test(m.file)).length;
    expect(checked).toBe(manifests.length - rootFiles + serviceApps.length);
  });

  test('a service project refuses another kind, another namespace, a cluster-wide object and Argo CD objects', () => {
    const rag = serviceApps.find((a) => a.metadata.name === 'rag-prod')!;
    const project = projectOf(rag);
    const obj = (apiVersion: string, kind: string, name: string, namespace?: string): Obj => ({ apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } });
    expect(refusal(project, rag, obj('apps/v1', 'Deployment', 'backend', 'rag'))).toBeUndefined();
    expect(refusal(project, rag, obj('apps/v1', 'Deployment', 'backend', 'kube-system'))).toBe('destination https://kubernetes.default.svc namespace kube-system is not in destinations');
    expect(refusal(project, rag, obj('apps/v1', 'Deployment', 'backend', 'george'))).toBe('destination https://kubernetes.default.svc namespace george is not in destinations');
    expect(refusal(project, rag, obj('apps/v1', 'DaemonSet', 'miner', 'rag'))).toBe('apps/DaemonSet is not in namespaceResourceWhitelist');
    expect(refusal(project, rag, obj('rbac.authorization.k8s.io/v1', 'RoleBinding', 'admin', 'rag'))).toBe('rbac.authorization.k8s.io/RoleBinding is not in namespaceResourceWhitelist');
    expect(refusal(project, rag, obj('v1', 'Secret', 'leaked', 'rag'))).toBe('core/Secret is not in namespaceResourceWhitelist');
    expect(refusal(project, rag, obj('argoproj.io/v1alpha1', 'Application', 'sneaky', 'argocd'))).toBe('destination https://kubernetes.default.svc namespace argocd is not in destinations');
    expect(refusal(project, rag, obj('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'root'))).toBe('cluster-scoped rbac.authorization.k8s.io/ClusterRoleBinding root is not in clusterResourceWhitelist');
    expect(refusal(project, rag, obj('v1', 'Namespace', 'rag'))).toBeUndefined();
    expect(refusal(project, rag, obj('v1', 'Namespace', 'kube-system'))).toBe('cluster-scoped core/Namespace kube-system is not in clusterResourceWhitelist');
    expect(refusal(project, { ...rag, spec: { ...rag.spec, source: { ...rag.spec.source, repoURL: 'https://github.com/evil/fork.git' } } }, obj('v1', 'ConfigMap', 'x', 'rag'))).toBe(
      'repository https://github.com/evil/fork.git is not in sourceRepos',
    );
  });

  test("the root's project permits only Applications and AppProjects in Argo CD's namespace", () => {
    expect(roots.map((r) => r.spec.project).sort()).toEqual(['berth-prod', 'berth-staging']);
    for (const root of roots) {
      const project = projectOf(root);
      expect(project.spec.namespaceResourceWhitelist).toEqual([
        { group: 'argoproj.io', kind: 'AppProject' },
        { group: 'argoproj.io', kind: 'Application' },
      ]);
      expect(project.spec.clusterResourceWhitelist).toEqual([]);
      expect(project.spec.destinations).toEqual([{ namespace: 'argocd', server: 'https://kubernetes.default.svc' }]);
      expect(refusal(project, root, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x', namespace: 'argocd' } })).toBe('apps/Deployment is not in namespaceResourceWhitelist');
      expect(refusal(project, root, { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'x', namespace: 'kube-system' } })).toBe(
        'destination https://kubernetes.default.svc namespace kube-system is not in destinations',
      );
      expect(refusal(project, root, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'argocd' } })).toBe('cluster-scoped core/Namespace argocd is not in clusterResourceWhitelist');
      // The namespace exists wherever Argo CD runs: the root does not ask Argo CD to create it.
      expect(implicitObjects(root)).toEqual([]);
    }
  });

  test('a service project is written beside its Application, synced before it', () => {
    for (const app of serviceApps) {
      const file = manifests.filter((m) => m.object === projectOf(app))[0]?.file;
      expect(file).toBe(`dist/argocd/${app.metadata.labels['berth.dev/environment']}/${app.metadata.name}.yaml`);
      expect(projectOf(app).metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-1');
    }
  });
});

describe('berth.yaml argocd settings', () => {
  // What is tested is the output of a synth with these settings, not the process around it: in this process.
  const withConfig = async (edit: (text: string) => string) => {
    const repo = tempRepo();
    const file = path.join(repo, 'berth.yaml');
    fs.writeFileSync(file, edit(fs.readFileSync(file, 'utf8')));
    const r = await berthInProcess(repo, 'synth');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const read = (rel: string) => (rel.endsWith('.yaml') ? (yaml.loadAll(fs.readFileSync(path.join(repo, rel), 'utf8')) as Obj[]).map((object) => ({ file: rel, object })) : readManifests(repo, rel));
    return { repo, read };
  };

  test('an existing project named per environment replaces the projects berth writes there', async () => {
    const { read } = await withConfig((t) => t.replace('    production: true\n', '    production: true\n    argocd: { project: platform }\n'));
    const prod = read('dist/argocd/prod').map((m) => m.object as Obj);
    expect(prod.filter((o) => o.kind === 'AppProject')).toEqual([]);
    expect(prod.map((o) => o.spec.project)).toEqual(Array(CHART_SERVICES.length).fill('platform'));
    const staging = read('dist/argocd/staging').map((m) => m.object as Obj);
    expect(staging.filter((o) => o.kind === 'AppProject').map((o) => o.metadata.name)).toContain('rag-staging');
    // The root keeps its own project whatever the services use.
    expect(read('dist/argocd/root-prod.yaml').map((m) => `${m.object.kind}/${(m.object as Obj).spec.project ?? (m.object as Obj).metadata.name}`)).toEqual(['AppProject/berth-prod', 'Application/berth-prod']);
  });

  test('sync windows go on the projects, notification subscriptions on the Applications', async () => {
    const { read } = await withConfig((t) =>
      t.replace(
        '    production: true\n',
        [
          '    production: true',
          '    argocd:',
          '      syncWindows:',
          '        - { kind: deny, schedule: "0 12 * * 5", duration: 60h, timeZone: Europe/Berlin, manualSync: true }',
          '      notifications:',
          '        - { trigger: on-sync-failed, service: slack, recipients: [deploys, oncall] }',
          '        - { trigger: on-health-degraded, service: slack, recipients: [oncall] }',
          '',
        ].join('\n'),
      ),
    );
    const rag = read('dist/argocd/prod/rag-prod.yaml').map((m) => m.object as Obj);
    expect(rag[0].spec.syncWindows).toEqual([{ kind: 'deny', schedule: '0 12 * * 5', duration: '60h', timeZone: 'Europe/Berlin', manualSync: true, applications: ['*'] }]);
    expect(rag[1].metadata.annotations).toEqual({
      'notifications.argoproj.io/subscribe.on-sync-failed.slack': 'deploys;oncall',
      'notifications.argoproj.io/subscribe.on-health-degraded.slack': 'oncall',
    });
    // Defaults off: staging has neither.
    const staging = read('dist/argocd/staging/rag-staging.yaml').map((m) => m.object as Obj);
    expect(staging[0].spec.syncWindows).toBeUndefined();
    expect(staging[1].metadata.annotations).toBeUndefined();
  });
});
