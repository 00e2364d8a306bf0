/**
 * The deletion model pinned to Argo CD's documented semantics (see argocd-deletion-model.ts for
 * the pages): small hand-made clusters, one rule each.
 */
import { Cluster, GitTree, K8sObject, changeGit, objectKey, syncOption } from './argocd-deletion-model';

const FINALIZER = 'resources-finalizer.argocd.argoproj.io';

function app(name: string, path: string, opts: { finalizer?: string; prune?: boolean; syncOptions?: string[]; namespace?: string } = {}): K8sObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd', finalizers: opts.finalizer ? [opts.finalizer] : undefined },
    spec: {
      source: { path },
      destination: { namespace: opts.namespace ?? 'demo' },
      syncPolicy: { automated: { prune: opts.prune ?? true }, syncOptions: opts.syncOptions ?? [] },
    },
  };
}
const obj = (kind: string, name: string, syncOptions?: string, namespace: string | undefined = 'demo'): K8sObject => ({
  apiVersion: 'v1',
  kind,
  metadata: { name, namespace: kind === 'Namespace' ? undefined : namespace, annotations: syncOptions === undefined ? undefined : { 'argocd.argoproj.io/sync-options': syncOptions } },
});

/** A cluster with `root` applied by hand and synced against `git`. */
function cluster(root: K8sObject, git: GitTree): Cluster {
  const c = new Cluster();
  c.applyByHand(root);
  c.syncAll(git);
  return c;
}
const deletedKinds = (c: Cluster) => c.deleted.map((d) => `${d.object.kind}/${d.object.metadata.name}`).sort();

describe('sync options', () => {
  test('are read from the comma-separated annotation, white space trimmed, before the Application\'s own', () => {
    const a = app('a', 'a', { syncOptions: ['Prune=false', 'Delete=confirm'] });
    expect(syncOption(obj('ConfigMap', 'c', ' Validate=false , Prune=true '), a, 'Prune')).toBe('true');
    expect(syncOption(obj('ConfigMap', 'c', 'Validate=false'), a, 'Prune')).toBe('false');
    expect(syncOption(obj('ConfigMap', 'c'), a, 'Delete')).toBe('confirm');
    expect(syncOption(obj('ConfigMap', 'c'), undefined, 'Delete')).toBeUndefined();
  });
});

describe('prune on sync (an object left Git)', () => {
  const objects = [obj('Deployment', 'web'), obj('PersistentVolumeClaim', 'kept', 'Prune=false'), obj('PersistentVolumeClaim', 'asks', 'Prune=confirm'), obj('Secret', 's', 'Delete=false')];

  test('deletes what left Git unless it says Prune=false or Prune=confirm; Delete=false does not stop a prune', () => {
    const c = cluster(app('demo', 'apps/demo', { finalizer: FINALIZER }), new Map([['apps/demo', objects]]));
    c.syncAll(new Map([['apps/demo', []]]));
    expect(deletedKinds(c)).toEqual(['Deployment/web', 'Secret/s']);
    expect(c.get(objectKey(obj('PersistentVolumeClaim', 'kept')))).toBeDefined();
  });

  test('deletes nothing when automated.prune is off', () => {
    const c = cluster(app('demo', 'apps/demo', { prune: false }), new Map([['apps/demo', objects]]));
    c.syncAll(new Map());
    expect(c.deleted).toEqual([]);
  });

  test("the Application's Prune=false applies to objects without their own, and an object's option overrides it", () => {
    const c = cluster(app('demo', 'apps/demo', { syncOptions: ['Prune=false'] }), new Map([['apps/demo', [obj('Deployment', 'web'), obj('Service', 'web', 'Prune=true')]]]));
    c.syncAll(new Map());
    expect(deletedKinds(c)).toEqual(['Service/web']);
  });
});

describe('deleting an Application', () => {
  const objects = [obj('Deployment', 'web'), obj('PersistentVolumeClaim', 'no-prune', 'Prune=false'), obj('PersistentVolumeClaim', 'kept', 'Prune=false,Delete=false'), obj('ConfigMap', 'asks', 'Delete=confirm')];

  test('with the resources finalizer deletes what it tracks, except Delete=false and Delete=confirm: Prune=false does not protect', () => {
    for (const finalizer of [FINALIZER, `${FINALIZER}/background`]) {
      const c = cluster(app('demo', 'apps/demo', { finalizer }), new Map([['apps/demo', objects]]));
      c.delete('Application/argocd/demo');
      expect(deletedKinds(c)).toEqual(['Application/demo', 'Deployment/web', 'PersistentVolumeClaim/no-prune']);
    }
  });

  test('without the finalizer deletes only the Application', () => {
    const c = cluster(app('demo', 'apps/demo'), new Map([['apps/demo', objects]]));
    c.delete('Application/argocd/demo');
    expect(deletedKinds(c)).toEqual(['Application/demo']);
  });

  test("the Application's Delete=false applies to objects without their own", () => {
    const c = cluster(app('demo', 'apps/demo', { finalizer: FINALIZER, syncOptions: ['Delete=false'] }), new Map([['apps/demo', [obj('Deployment', 'web'), obj('Service', 'web', 'Delete=true')]]]));
    c.delete('Application/argocd/demo');
    expect(deletedKinds(c)).toEqual(['Application/demo', 'Service/web']);
  });
});

describe('app of apps', () => {
  const child = app('demo', 'apps/demo', { finalizer: FINALIZER });
  const git: GitTree = new Map([
    ['apps', [child]],
    ['apps/demo', [obj('Namespace', 'demo'), obj('Deployment', 'web'), obj('PersistentVolumeClaim', 'data', 'Prune=false')]],
  ]);

  test('a root that prunes a child Application whose file left Git cascades into the child, and the Namespace into everything in it', () => {
    const c = cluster(app('root', 'apps', { namespace: 'argocd' }), git);
    c.applyByHand(obj('Secret', 'hand-made'));
    c.syncAll(new Map([['apps', []], ['apps/demo', git.get('apps/demo')!]]));
    expect(deletedKinds(c)).toEqual(['Application/demo', 'Deployment/web', 'Namespace/demo', 'PersistentVolumeClaim/data', 'Secret/hand-made']);
    expect(c.deleted.find((d) => d.object.kind === 'PersistentVolumeClaim')!.cause).toBe('Namespace demo deleted');
  });

  test('a child without the finalizer leaves its objects when the root prunes it', () => {
    const bare = app('demo', 'apps/demo');
    const c = cluster(app('root', 'apps', { namespace: 'argocd' }), new Map([...git, ['apps', [bare]]]));
    c.syncAll(new Map([['apps', []]]));
    expect(deletedKinds(c)).toEqual(['Application/demo']);
  });

  test('changeGit: a root that left Git stays, prunes every child from its missing folder, and protected objects survive', () => {
    const root = { file: 'root.yaml', object: app('root', 'apps', { namespace: 'argocd' }) };
    const before = [
      root,
      { file: 'apps/demo.yaml', object: child },
      { file: 'apps/demo/m.yaml', object: obj('Namespace', 'demo', 'Prune=false,Delete=false') },
      { file: 'apps/demo/m.yaml', object: obj('Deployment', 'web') },
      { file: 'apps/demo/m.yaml', object: obj('PersistentVolumeClaim', 'data', 'Prune=false,Delete=false') },
    ];
    const [c] = changeGit(before, []).values();
    expect(deletedKinds(c)).toEqual(['Application/demo', 'Deployment/web']);
    expect(c.get('Secret/demo/hand-made')).toBeDefined();
  });
});
