/**
 * GitOps delivery: the Applications Argo CD syncs, the order it syncs in, and output that is the
 * same on every machine.
 */
import * as path from 'path';
import { SYNC_WAVES } from '../../src/util/sync-waves';
import { readManifests, synthRepo } from '../../src/main';
import { berth, CHART_SERVICES, hashTree, REPO, tempRepo } from '../helpers';

const output = synthRepo({ root: REPO });
const manifests = output.manifests;
const apps = manifests.filter((m) => m.object.kind === 'Application');
const wave = (o: any) => Number(o.metadata.annotations?.['argocd.argoproj.io/sync-wave'] ?? 0);

describe('Argo CD Applications', () => {
  const units = [...output.files.keys()].filter((f) => /^dist\/[^/]+\/[^/]+\/manifests\.yaml$/.test(f) && !f.startsWith('dist/argocd/'));

  test('one Application per service and environment, pointing at a folder that exists', () => {
    const serviceApps = apps.filter((a) => !a.object.metadata.name.startsWith('berth-'));
    expect(serviceApps).toHaveLength(units.length);
    for (const { object } of serviceApps) {
      expect(output.files.has(`${object.spec.source.path}/manifests.yaml`)).toBe(true);
      expect(object.spec.source.repoURL).toBe('https://github.com/example/platform-gitops.git');
      expect(object.spec.source.targetRevision).toBe('main');
      expect(object.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
      expect(object.spec.syncPolicy.syncOptions).toContain('CreateNamespace=true');
      expect(object.metadata.namespace).toBe('argocd');
    }
  });

  test('the Application of rag in prod deploys dist/prod/rag to the rag namespace', () => {
    const rag = apps.find((a) => a.object.metadata.name === 'rag-prod')!;
    expect(rag.file).toBe('dist/argocd/prod/rag-prod.yaml');
    expect(rag.object.spec.destination).toEqual({ server: 'https://kubernetes.default.svc', namespace: 'rag' });
    expect(rag.object.spec.source.path).toBe('dist/prod/rag');
  });

  test('a root Application per environment syncs the folder of its Applications, without cascading deletes', () => {
    for (const env of ['prod', 'staging']) {
      const root = apps.find((a) => a.object.metadata.name === `berth-${env}`)!;
      expect(root.file).toBe(`dist/argocd/root-${env}.yaml`);
      expect(root.object.spec.source.path).toBe(`dist/argocd/${env}`);
      expect(root.object.metadata.finalizers).toBeUndefined();
      const children = [...output.files.keys()].filter((f) => f.startsWith(`dist/argocd/${env}/`));
      expect(children.length).toBe(CHART_SERVICES.length);
    }
  });
});

describe('sync order', () => {
  const units = manifests.filter((m) => m.object.kind !== 'Application' && m.object.kind !== 'AppProject');

  test('namespaces, then identity/config/secrets/claims/policies, then the migration hook, then workloads, then the edge', () => {
    const byFile = new Map<string, any[]>();
    for (const m of units) byFile.set(m.file, [...(byFile.get(m.file) ?? []), m.object]);
    for (const [file, objects] of byFile) {
      const w = (kind: string) => objects.filter((o) => o.kind === kind).map(wave);
      const max = (xs: number[]) => Math.max(-Infinity, ...xs);
      const min = (xs: number[]) => Math.min(Infinity, ...xs);
      expect({ file, ns: w('Namespace') }).toEqual({ file, ns: [-3] });
      for (const early of ['ServiceAccount', 'ConfigMap', 'PersistentVolumeClaim', 'ExternalSecret', 'SealedSecret', 'NetworkPolicy']) {
        expect(max(w(early))).toBeLessThan(min([...w('Job'), ...w('Deployment')]));
      }
      expect(max(w('Job'))).toBeLessThan(min(w('Deployment')));
      expect(max(w('Deployment'))).toBeLessThan(min([...w('Ingress'), ...w('HTTPRoute'), Infinity]));
    }
  });

  test('the kinds berth writes all have a wave', () => {
    for (const { object } of units) expect(Object.keys(SYNC_WAVES)).toContain(object.kind);
  });

  test('CRD-backed objects skip the dry run while their CRD may still be missing', () => {
    for (const { object } of units) {
      const opts = object.metadata.annotations?.['argocd.argoproj.io/sync-options'] ?? '';
      const crd = !/^(v1|apps\/v1|batch\/v1|policy\/v1|autoscaling\/v2|networking\.k8s\.io\/v1)$/.test(object.apiVersion);
      expect({ kind: object.kind, skip: opts.includes('SkipDryRunOnMissingResource=true') }).toEqual({ kind: object.kind, skip: crd });
    }
  });

  test('every PVC and Namespace in dist/ stays in the cluster on a prune and on its Application\'s deletion', () => {
    const onDisk = readManifests(REPO, 'dist').filter((m) => ['PersistentVolumeClaim', 'Namespace'].includes(m.object.kind));
    // A Namespace per service and environment, and the claims of four services.
    expect(onDisk.filter((m) => m.object.kind === 'Namespace')).toHaveLength(CHART_SERVICES.length * 2);
    expect(onDisk.filter((m) => m.object.kind === 'PersistentVolumeClaim').length).toBeGreaterThanOrEqual(8);
    for (const { file, object } of onDisk) {
      const opts = object.metadata.annotations?.['argocd.argoproj.io/sync-options'] ?? '';
      expect({ file, kind: object.kind, opts: opts.split(',').sort() }).toEqual({ file, kind: object.kind, opts: ['Delete=false', 'Prune=false'] });
    }
  });

  test('a service Application cascades its deletion (its stateless objects go); the roots do not', () => {
    for (const { object } of apps) {
      const finalizers = object.metadata.name.startsWith('berth-') ? undefined : ['resources-finalizer.argocd.argoproj.io'];
      expect({ app: object.metadata.name, finalizers: object.metadata.finalizers }).toEqual({ app: object.metadata.name, finalizers });
    }
  });

  test('never writes the Argo CD tracking id (Argo CD 3 tracks by annotation itself)', () => {
    expect([...output.files.values()].join('\n')).not.toContain('argocd.argoproj.io/tracking-id');
  });
});

describe('reproducible output', () => {
  test('a synth in another directory, time zone and locale writes the same bytes as dist/', () => {
    const repo = tempRepo();
    const r = berth(repo, 'synth');
    expect(r.code).toBe(0);
    expect(hashTree(path.join(repo, 'dist'))).toEqual(hashTree(path.join(REPO, 'dist')));
  });

  test('output has no timestamps', () => {
    expect([...output.files.values()].join('\n')).not.toMatch(/20\d\d-\d\d-\d\dT\d\d:\d\d/);
  });
});
