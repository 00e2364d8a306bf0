import { placeOf } from '../../src/app';
import { diffTrees, diffValues, formatDiff } from '../../src/output/diff';

const place = (f: string) => placeOf(f);

/** A manifests file: YAML documents of `kind name` in a namespace, with optional extra metadata. */
function file(namespace: string, ...objects: Array<{ apiVersion?: string; kind: string; name: string; annotations?: Record<string, string>; data?: Record<string, string>; cluster?: boolean }>): string {
  return objects
    .map((o) =>
      JSON.stringify({
        apiVersion: o.apiVersion ?? 'v1',
        kind: o.kind,
        metadata: { name: o.name, ...(o.cluster ? {} : { namespace }), ...(o.annotations ? { annotations: o.annotations } : {}) },
        ...(o.data ? { data: o.data } : {}),
      }),
    )
    .join('\n---\n');
}

const application = (service: string, env: string, finalizer = true) =>
  JSON.stringify({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name: `${service}-${env}`, namespace: 'argocd', ...(finalizer ? { finalizers: ['resources-finalizer.argocd.argoproj.io'] } : {}) },
    spec: { destination: { namespace: service }, source: { path: `dist/${env}/${service}` } },
  });

describe('diff', () => {
  test('matches list items by name, so a reordered or inserted container diffs by field', () => {
    const before = { spec: { containers: [{ name: 'web', image: 'a:1' }, { name: 'side', image: 's:1' }] } };
    const after = { spec: { containers: [{ name: 'init', image: 'i:1' }, { name: 'web', image: 'a:2' }, { name: 'side', image: 's:1' }] } };
    expect(diffValues(before, after)).toEqual([
      { path: 'spec.containers[web].image', before: 'a:1', after: 'a:2' },
      { path: 'spec.containers[init]', before: undefined, after: { name: 'init', image: 'i:1' } },
    ]);
  });

  test('matches alert rules by alert and the labels that tell them apart, so one changed threshold is one field', () => {
    const rule = (cronjob: string, expr: string, severity = 'warning') => ({ alert: 'BerthCronJobNotSucceeded', expr, labels: { cronjob, severity } });
    const before = { rules: [rule('a-cleanup', 'x > 100'), rule('a-retention', 'y > 100')] };
    const after = { rules: [rule('a-retention', 'y > 200', 'critical'), rule('a-cleanup', 'x > 100')] };
    expect(diffValues(before, after)).toEqual([
      { path: 'rules[BerthCronJobNotSucceeded cronjob=a-retention].expr', before: 'y > 100', after: 'y > 200' },
      { path: 'rules[BerthCronJobNotSucceeded cronjob=a-retention].labels.severity', before: 'warning', after: 'critical' },
    ]);
  });

  test('a key that is not an identifier is written as the checks write it, in brackets', () => {
    const before = { metadata: { annotations: { 'berth.dev/security-exception': 'a' }, labels: { team: 'x' } } };
    const after = { metadata: { annotations: { 'berth.dev/security-exception': 'b' }, labels: { team: 'y' } } };
    expect(diffValues(before, after).map((c) => c.path)).toEqual(['metadata.annotations["berth.dev/security-exception"]', 'metadata.labels.team']);
  });

  test('lists whose keys repeat are compared by position', () => {
    const before = { rules: [{ alert: 'A', expr: '1' }, { alert: 'A', expr: '2' }] };
    const after = { rules: [{ alert: 'A', expr: '1' }, { alert: 'A', expr: '3' }] };
    expect(diffValues(before, after)).toEqual([{ path: 'rules[1].expr', before: '2', after: '3' }]);
  });

  test('reports added, removed and changed objects per file', () => {
    const before = new Map([['dist/a/x/manifests.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: x }\ndata: { A: "1" }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: gone, namespace: x }\n']]);
    const after = new Map([['dist/a/x/manifests.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: x }\ndata: { A: "2" }\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: new, namespace: x }\n']]);
    const diff = diffTrees(before, after, place);
    expect(diff.changes.map((c) => `${c.change} ${c.object}`)).toEqual(['changed ConfigMap x/c', 'added Secret x/new', 'removed Service x/gone']);
    expect(diff.warnings).toEqual([]);
    expect(formatDiff(diff, place)).toBe(
      '### berth diff: 1 added, 1 changed, 1 removed\n\n#### a · x: 1 added, 1 changed, 1 removed\n\n**dist/a/x/manifests.yaml**\n\n- ~ ConfigMap x/c\n  - `data.A`: `1` → `2`\n- + Secret x/new\n- - Service x/gone\n',
    );
  });

  test('says so when nothing changes, naming the environments compared', () => {
    expect(formatDiff({ changes: [], warnings: [] }, place)).toBe('berth diff: no changes; dist/ is what a synth writes.\n');
    expect(formatDiff({ changes: [], warnings: [] }, place, { environments: ['prod', 'staging'] })).toBe(
      'berth diff: no changes (environments prod, staging, with their Argo CD objects); dist/ is what a synth writes.\n',
    );
    expect(formatDiff({ changes: [], warnings: [] }, place, { environments: ['prod'] })).toBe('berth diff: no changes (environment prod, with its Argo CD objects); dist/ is what a synth writes.\n');
  });

  test('a change in one environment is shown although another environment holds the same object unchanged', () => {
    // staging and prod use the same namespace: keyed by identity alone, staging's copy hid prod's change.
    const cm = (v: string) => file('rag', { kind: 'ConfigMap', name: 'rag-env', data: { WORKERS: v } });
    const before = new Map([
      ['dist/prod/rag/manifests.yaml', cm('2')],
      ['dist/staging/rag/manifests.yaml', cm('1')],
    ]);
    const after = new Map([
      ['dist/prod/rag/manifests.yaml', cm('3')],
      ['dist/staging/rag/manifests.yaml', cm('1')],
    ]);
    const diff = diffTrees(before, after, place);
    expect(diff.changes).toEqual([{ change: 'changed', file: 'dist/prod/rag/manifests.yaml', object: 'ConfigMap rag/rag-env', fields: [{ path: 'data.WORKERS', before: '2', after: '3' }] }]);
  });

  test('groups by environment and service, the Argo CD Applications last, with counts per group and a total', () => {
    const before = new Map([
      ['dist/prod/a/manifests.yaml', file('a', { kind: 'ConfigMap', name: 'c', data: { X: '1' } }, { kind: 'Service', name: 's' })],
      ['dist/staging/a/manifests.yaml', file('a', { kind: 'ConfigMap', name: 'c', data: { X: '1' } })],
      ['dist/prod/b/manifests.yaml', file('b', { kind: 'ConfigMap', name: 'c' })],
      ['dist/argocd/prod/a-prod.yaml', application('a', 'prod')],
      ['dist/argocd/root-prod.yaml', file('argocd', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', name: 'berth-prod' })],
    ]);
    const after = new Map([
      ['dist/prod/a/manifests.yaml', file('a', { kind: 'ConfigMap', name: 'c', data: { X: '2' } })],
      ['dist/staging/a/manifests.yaml', file('a', { kind: 'ConfigMap', name: 'c', data: { X: '2' } }, { kind: 'Secret', name: 'n' })],
      ['dist/prod/b/manifests.yaml', file('b', { kind: 'ConfigMap', name: 'c' })],
      ['dist/argocd/prod/a-prod.yaml', application('a', 'prod').replace('"namespace":"a"', '"namespace":"a2"')],
      ['dist/argocd/root-prod.yaml', file('argocd', { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', name: 'berth-prod' })],
    ]);
    const out = formatDiff(diffTrees(before, after, place), place, { environments: ['prod', 'staging'] });
    expect(out).toBe(
      [
        '### berth diff: 1 added, 3 changed, 1 removed (environments prod, staging, with their Argo CD objects)',
        '',
        '#### prod · a: 0 added, 1 changed, 1 removed',
        '',
        '**dist/prod/a/manifests.yaml**',
        '',
        '- ~ ConfigMap a/c',
        '  - `data.X`: `1` → `2`',
        '- - Service a/s',
        '',
        '#### staging · a: 1 added, 1 changed, 0 removed',
        '',
        '**dist/staging/a/manifests.yaml**',
        '',
        '- ~ ConfigMap a/c',
        '  - `data.X`: `1` → `2`',
        '- + Secret a/n',
        '',
        '#### Argo CD objects: 0 added, 1 changed, 0 removed',
        '',
        '**dist/argocd/prod/a-prod.yaml**',
        '',
        '- ~ Application argocd/a-prod',
        '  - `spec.destination.namespace`: `a` → `a2`',
        '',
      ].join('\n'),
    );
  });

  test('an object that moves to another file of its environment is shown as a move in both groups, counted once', () => {
    const before = new Map([
      ['dist/prod/a/manifests.yaml', file('shared', { kind: 'ConfigMap', name: 'c', data: { X: '1' } }, { kind: 'Service', name: 'a' })],
      ['dist/prod/b/manifests.yaml', file('shared', { kind: 'Service', name: 'b' })],
      // The same identity in another environment (another cluster) is another object: no move.
      ['dist/staging/a/manifests.yaml', file('shared', { kind: 'Secret', name: 's' })],
    ]);
    const after = new Map([
      ['dist/prod/a/manifests.yaml', file('shared', { kind: 'Service', name: 'a' })],
      ['dist/prod/b/manifests.yaml', file('shared', { kind: 'Service', name: 'b' }, { kind: 'ConfigMap', name: 'c', data: { X: '2' } }, { kind: 'Secret', name: 's' })],
      ['dist/staging/a/manifests.yaml', file('shared')],
    ]);
    const diff = diffTrees(before, after, place);
    expect(diff.changes.map((c) => `${c.change} ${c.object} ${c.from ?? ''}→${c.file}`)).toEqual([
      'moved ConfigMap shared/c dist/prod/a/manifests.yaml→dist/prod/b/manifests.yaml',
      'added Secret shared/s →dist/prod/b/manifests.yaml',
      'removed Secret shared/s →dist/staging/a/manifests.yaml',
    ]);
    const out = formatDiff(diff, place);
    expect(out).toMatch(/^### berth diff: 1 added, 0 changed, 1 removed, 1 moved\n/);
    expect(out).toContain('#### prod · a: 0 added, 0 changed, 0 removed, 1 moved\n\n**dist/prod/a/manifests.yaml**\n\n- → ConfigMap shared/c moved to `dist/prod/b/manifests.yaml`\n');
    expect(out).toContain(
      '#### prod · b: 1 added, 0 changed, 0 removed, 1 moved\n\n**dist/prod/b/manifests.yaml**\n\n- → ConfigMap shared/c moved here from `dist/prod/a/manifests.yaml`\n  - `data.X`: `1` → `2`\n- + Secret shared/s\n\n#### staging · a: 0 added, 0 changed, 1 removed\n',
    );
  });

  describe('removal warnings', () => {
    const pvc = (options?: string) => ({ kind: 'PersistentVolumeClaim', name: 'rag-uploads', ...(options ? { annotations: { 'argocd.argoproj.io/sync-options': options } } : {}) });
    const ns = (options?: string) => ({ kind: 'Namespace', name: 'rag', cluster: true, ...(options ? { annotations: { 'argocd.argoproj.io/sync-options': options } } : {}) });
    const svc = { kind: 'Service', name: 'rag-backend' };
    const warningsFor = (before: Map<string, string>, after: Map<string, string>) => diffTrees(before, after, place).warnings.map((w) => `${w.file}: ${w.message}`);

    test('a PVC removed from a service says it stays, and how to delete it on purpose', () => {
      const before = new Map([['dist/prod/rag/manifests.yaml', file('rag', ns(), pvc('Prune=false,Delete=false'), svc)]]);
      const after = new Map([['dist/prod/rag/manifests.yaml', file('rag', ns(), svc)]]);
      expect(warningsFor(before, after)).toEqual([
        'dist/prod/rag/manifests.yaml: ⚠️ PersistentVolumeClaim rag/rag-uploads stays in the cluster (Argo CD will not delete it), with its data. To delete it on purpose, back up the data, then run `kubectl delete pvc rag-uploads -n rag`. See docs/operations.md#removing-or-renaming-a-service.',
      ]);
      const out = formatDiff(diffTrees(before, after, place), place);
      expect(out).toContain('#### prod · rag: 0 added, 0 changed, 1 removed\n\n> ⚠️ PersistentVolumeClaim rag/rag-uploads stays in the cluster');
      expect(out).toMatch(/^### berth diff: 0 added, 0 changed, 1 removed; ⚠️ 1 warning below\n/);
    });

    test('a PVC or Namespace without Prune=false is said to be deleted with its data', () => {
      const before = new Map([['dist/prod/rag/manifests.yaml', file('rag', ns(), pvc(), svc)]]);
      const after = new Map([['dist/prod/rag/manifests.yaml', file('other', { kind: 'Namespace', name: 'other', cluster: true }, svc)]]);
      expect(warningsFor(before, after)).toEqual([
        "dist/prod/rag/manifests.yaml: ⚠️ **Namespace rag is deleted by Argo CD's next sync, with everything in it** (no `Prune=false`). Back up the data before merging. See docs/operations.md#removing-or-renaming-a-service.",
        "dist/prod/rag/manifests.yaml: ⚠️ **PersistentVolumeClaim rag/rag-uploads is deleted by Argo CD's next sync, with its data** (no `Prune=false`). Back up the data before merging. See docs/operations.md#removing-or-renaming-a-service.",
      ]);
    });

    test('a removed Namespace with Prune=false says it stays, with how to delete it on purpose', () => {
      const before = new Map([['dist/prod/rag/manifests.yaml', file('rag', ns('Prune=false,Delete=false'), svc)]]);
      const after = new Map([['dist/prod/rag/manifests.yaml', file('rag', svc)]]);
      expect(warningsFor(before, after)).toEqual([
        'dist/prod/rag/manifests.yaml: ⚠️ Namespace rag stays in the cluster (Argo CD will not delete it), with everything in it. To delete it on purpose, back up the data, then run `kubectl delete namespace rag`. See docs/operations.md#removing-or-renaming-a-service.',
      ]);
    });

    test('a removed service folder: its Application goes, the protected Namespace and PVCs stay', () => {
      const before = new Map([
        ['dist/prod/rag/manifests.yaml', file('rag', ns('Prune=false,Delete=false'), pvc('Prune=false,Delete=false'), svc)],
        ['dist/argocd/prod/rag-prod.yaml', application('rag', 'prod')],
      ]);
      const diff = diffTrees(before, new Map(), place);
      expect(diff.warnings).toEqual([
        {
          file: 'dist/prod/rag/manifests.yaml',
          message:
            '⚠️ Service rag is removed from prod: the root Application deletes its Application rag-prod, which deletes its stateless objects (workloads, Services, ConfigMaps, NetworkPolicies, …) with it. ' +
            'What stays in the cluster (Argo CD will not delete them): Namespace rag and PersistentVolumeClaim rag/rag-uploads, with their data and any Secret made by hand. ' +
            'To delete what stays on purpose, back up the data, then run `kubectl delete namespace rag` and `kubectl delete pvc rag-uploads -n rag`. See docs/operations.md#removing-or-renaming-a-service.',
        },
      ]);
      // Listed once, in the service's group, above its removed objects.
      const out = formatDiff(diff, place);
      expect(out).toContain('#### prod · rag: 0 added, 0 changed, 3 removed\n\n> ⚠️ Service rag is removed from prod');
      expect(out.match(/⚠️/g)).toHaveLength(2);
    });

    test('a removed service folder whose Namespace lacks Delete=false loses the PVCs in it too', () => {
      const before = new Map([
        ['dist/prod/rag/manifests.yaml', file('rag', ns(), pvc('Prune=false,Delete=false'), svc)],
        ['dist/argocd/prod/rag-prod.yaml', application('rag', 'prod')],
      ]);
      expect(diffTrees(before, new Map(), place).warnings[0].message).toBe(
        '⚠️ Service rag is removed from prod: the root Application deletes its Application rag-prod, which deletes its stateless objects (workloads, Services, ConfigMaps, NetworkPolicies, …) with it. ' +
          '**Deleted with it, data included** (no `Delete=false`): Namespace rag and PersistentVolumeClaim rag/rag-uploads. Back up the data before merging. See docs/operations.md#removing-or-renaming-a-service.',
      );
    });

    test('a removed service folder whose Namespace Argo CD created (no Namespace object) names it as staying', () => {
      const before = new Map([
        ['dist/prod/rag/manifests.yaml', file('rag', svc)],
        ['dist/argocd/prod/rag-prod.yaml', application('rag', 'prod')],
      ]);
      expect(diffTrees(before, new Map(), place).warnings[0].message).toContain(
        'What stays in the cluster (Argo CD will not delete it): Namespace rag (Argo CD created it and never deletes it), with their data and any Secret made by hand. To delete what stays on purpose, back up the data, then run `kubectl delete namespace rag`.',
      );
    });

    test('a removed service folder whose Application has no resources finalizer deletes nothing', () => {
      const before = new Map([
        ['dist/prod/rag/manifests.yaml', file('rag', ns(), pvc(), svc)],
        ['dist/argocd/prod/rag-prod.yaml', application('rag', 'prod', false)],
      ]);
      expect(diffTrees(before, new Map(), place).warnings[0].message).toContain(
        'which has no resources finalizer: every object it synced stays in the cluster. What stays in the cluster (Argo CD will not delete them): Namespace rag and PersistentVolumeClaim rag/rag-uploads',
      );
    });
  });

  test('a file with the same text on both sides is not parsed: nothing in it changed', () => {
    // Text no YAML parser reads: diffTrees could only get past it by skipping the file.
    const same = 'kind: [unclosed\n';
    const diff = diffTrees(new Map([['dist/prod/a/manifests.yaml', same]]), new Map([['dist/prod/a/manifests.yaml', same]]), place);
    expect(diff).toEqual({ changes: [], warnings: [] });
  });

  test('a removed service is warned about with its Application, when the file of the Application did not change', () => {
    // dist/ as it was, and a synth that (oddly) keeps the Application but no longer the folder.
    const app = application('rag', 'prod', false);
    const before = new Map([
      ['dist/prod/rag/manifests.yaml', file('rag', { kind: 'PersistentVolumeClaim', name: 'rag-data' })],
      ['dist/argocd/prod/rag-prod.yaml', app],
    ]);
    const after = new Map([['dist/argocd/prod/rag-prod.yaml', app]]);
    const { warnings } = diffTrees(before, after, place);
    expect(warnings.map((w) => w.message)).toEqual([expect.stringMatching(/^⚠️ Service rag is removed from prod: the root Application deletes its Application rag-prod, which has no resources finalizer: every object it synced stays in the cluster\./)]);
  });

  test('placeOf reads the dist/ layout back: environment and service, or the Argo CD Applications', () => {
    expect(placeOf('dist/prod/rag/manifests.yaml')).toEqual({ env: 'prod', service: 'rag' });
    expect(placeOf('dist/argocd/prod/rag-prod.yaml')).toEqual({ env: 'prod' });
    expect(placeOf('dist/argocd/root-staging.yaml')).toEqual({ env: 'staging' });
    expect(placeOf('out/prod/rag/manifests.yaml', 'out')).toEqual({ env: 'prod', service: 'rag' });
    expect(placeOf('dist/README.md')).toBeUndefined();
    expect(placeOf('charts/rag/service.yaml')).toBeUndefined();
  });
});
