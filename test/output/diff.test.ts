import * as fs from 'fs';
import * as path from 'path';
import { diffTrees, diffValues, formatDiff } from '../../src/output/diff';
import { berth, tempRepo } from '../helpers';

describe('diff', () => {
  test('matches list items by name, so a reordered or inserted container diffs by field', () => {
    const before = { spec: { containers: [{ name: 'web', image: 'a:1' }, { name: 'side', image: 's:1' }] } };
    const after = { spec: { containers: [{ name: 'init', image: 'i:1' }, { name: 'web', image: 'a:2' }, { name: 'side', image: 's:1' }] } };
    expect(diffValues(before, after)).toEqual([
      { path: 'spec.containers[web].image', before: 'a:1', after: 'a:2' },
      { path: 'spec.containers[init]', before: undefined, after: { name: 'init', image: 'i:1' } },
    ]);
  });

  test('reports added, removed and changed objects per file', () => {
    const before = new Map([['dist/a/x/manifests.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: x }\ndata: { A: "1" }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: gone, namespace: x }\n']]);
    const after = new Map([['dist/a/x/manifests.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: x }\ndata: { A: "2" }\n---\napiVersion: v1\nkind: Secret\nmetadata: { name: new, namespace: x }\n']]);
    const changes = diffTrees(before, after);
    expect(changes.map((c) => `${c.change} ${c.object}`)).toEqual(['changed ConfigMap x/c', 'added Secret x/new', 'removed Service x/gone']);
    expect(formatDiff(changes)).toBe(
      '### berth diff: 1 added, 1 changed, 1 removed\n\n**dist/a/x/manifests.yaml**\n\n- ~ ConfigMap x/c\n  - `data.A`: `1` → `2`\n- + Secret x/new\n- - Service x/gone\n',
    );
  });

  test('says so when nothing changes', () => {
    expect(formatDiff([])).toBe('berth diff: no changes; dist/ is what a synth writes.\n');
  });

  test('berth diff on a changed spec shows the changed fields, and --exit-code signals them', () => {
    const repo = tempRepo();
    const spec = path.join(repo, 'charts/rag/service.yaml');
    fs.writeFileSync(spec, fs.readFileSync(spec, 'utf8').replace('rag-backend:1.4.2', 'rag-backend:1.4.3'));
    const r = berth(repo, 'diff', '--env', 'prod', '--exit-code');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('**dist/prod/rag/manifests.yaml**');
    expect(r.stdout).toContain('- ~ Deployment rag/rag-backend\n  - `spec.template.spec.containers[backend].image`: `registry.example.com/rag-backend:1.4.2` → `registry.example.com/rag-backend:1.4.3`');
    expect(r.stdout).not.toContain('dist/staging/');
    expect(berth(tempRepo(), 'diff', '--exit-code')).toEqual({ code: 0, stdout: 'berth diff: no changes; dist/ is what a synth writes.\n', stderr: '' });
  });
});
