/**
 * `berth diff` as CI runs it on a pull request: every environment and the Argo CD Applications
 * are compared, --exit-code fails on any difference, and a removal that leaves data in the
 * cluster (or deletes it) is said where the reviewer reads the change. One run goes through the
 * real CLI (exit code 3 as CI sees it); the others run the CLI's `run` in this process.
 */
import * as fs from 'fs';
import * as path from 'path';
import { berth, berthInProcess, tempRepo } from '../helpers';

const edit = (repo: string, file: string, from: string | RegExp, to: string) => {
  const abs = path.join(repo, file);
  const text = fs.readFileSync(abs, 'utf8');
  const next = text.replace(from, to);
  expect(next).not.toBe(text);
  fs.writeFileSync(abs, next);
};

describe('berth diff', () => {
  /**
   * One copy of the repository for the tests that only read it (a diff, or a command refused
   * before it reads a spec): each copy costs a copy and a compile of ledger's hook.
   */
  let unchanged: string;
  beforeAll(() => {
    unchanged = tempRepo();
  });

  test('an unchanged repo: no changes, exit 0, naming every environment compared', async () => {
    expect(await berthInProcess(unchanged, 'diff', '--exit-code')).toEqual({
      code: 0,
      stdout: 'berth diff: no changes (environments prod, staging, with their Argo CD objects); dist/ is what a synth writes.\n',
      stderr: '',
    });
  });

  test('a change to prod only is shown without --env, grouped under prod, and --exit-code exits 3', async () => {
    // staging and prod share namespaces and names: staging's unchanged copy used to hide this change.
    const repo = tempRepo();
    edit(repo, 'charts/rag/prod.yaml', 'worker: { replicas: 2 }', 'worker: { replicas: 3 }');
    const r = berth(repo, 'diff', '--exit-code');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(3);
    expect(r.stdout).toBe(
      '### berth diff: 0 added, 1 changed, 0 removed (environments prod, staging, with their Argo CD objects)\n\n' +
        '#### prod · rag: 0 added, 1 changed, 0 removed\n\n**dist/prod/rag/manifests.yaml**\n\n- ~ Deployment rag/rag-worker\n  - `spec.replicas`: `2` → `3`\n',
    );
    expect(await berthInProcess(repo, 'diff', '--env', 'staging', '--exit-code')).toEqual({
      code: 0,
      stdout: 'berth diff: no changes (environment staging, with its Argo CD objects); dist/ is what a synth writes.\n',
      stderr: '',
    });
  });

  test('a change in dist/argocd/ alone exits 3, with --env of its environment too', async () => {
    const repo = tempRepo();
    edit(repo, 'dist/argocd/prod/rag-prod.yaml', 'targetRevision: main', 'targetRevision: release');
    const r = await berthInProcess(repo, 'diff', '--exit-code');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(
      '#### Argo CD objects: 0 added, 1 changed, 0 removed\n\n**dist/argocd/prod/rag-prod.yaml**\n\n- ~ Application argocd/rag-prod\n  - `spec.source.targetRevision`: `release` → `main`\n',
    );
    expect((await berthInProcess(repo, 'diff', '--env', 'prod', '--exit-code')).code).toBe(3);
    expect((await berthInProcess(repo, 'diff', '--env', 'staging', '--exit-code')).code).toBe(0);
  });

  test('fails when --env names an environment berth.yaml does not define, listing those it does', async () => {
    for (const args of [['diff', '--env', 'production'], ['explain', 'rag', '--env', 'production']]) {
      const r = await berthInProcess(unchanged, ...args);
      expect(r).toEqual({ code: 2, stdout: '', stderr: `berth ${args[0]}: --env production: berth.yaml has no environment "production"; use one of: prod, staging\n` });
    }
  });

  test('fails when explain or alerts names a service the environment does not have, exit 2 like an unknown environment', async () => {
    for (const command of ['explain', 'alerts']) {
      const r = await berthInProcess(unchanged, command, 'nosuch', '--env', 'prod');
      expect(r).toEqual({
        code: 2,
        stdout: '',
        stderr: `berth ${command}: no service "nosuch" in environment "prod"; the services there are: fluxion, george, ledger, rag, reporting, vector-chat\n`,
      });
    }
  });

  test('a service removed from charts/ is marked in each environment: its Namespace and PVC, and where to read more', async () => {
    const repo = tempRepo();
    fs.rmSync(path.join(repo, 'charts/rag'), { recursive: true });
    const r = await berthInProcess(repo, 'diff', '--exit-code');
    expect(r.code).toBe(3);
    for (const env of ['prod', 'staging']) {
      const warning = new RegExp(`#### ${env} · rag: 0 added, 0 changed, \\d+ removed\\n\\n> (⚠️ Service rag is removed from ${env}: the root Application deletes its Application rag-${env}, .*)\\n`).exec(r.stdout);
      expect(warning).not.toBeNull();
      // Whether they stay (Delete=false) or go with the Application, both are named.
      expect(warning![1]).toMatch(/Namespace rag and PersistentVolumeClaim rag\/rag-uploads/);
      expect(warning![1]).toMatch(/See docs\/operations\.md#removing-or-renaming-a-service\.$/);
    }
    expect(r.stdout).toMatch(/^### berth diff: 0 added, 0 changed, \d+ removed \(environments prod, staging, with their Argo CD objects\); ⚠️ 2 warnings below\n/);
    // Each environment's Application and its AppProject go.
    expect(r.stdout).toContain('#### Argo CD objects: 0 added, 0 changed, 4 removed\n');
    expect(r.stdout).toContain('**dist/argocd/prod/rag-prod.yaml**\n\n- - AppProject argocd/rag-prod\n- - Application argocd/rag-prod\n');
  });

  test('a volume removed from a spec: its PVC stays in the cluster, and the warning says how to delete it on purpose', async () => {
    const repo = tempRepo();
    edit(repo, 'charts/fluxion/service.yaml', /\n *documents: \{ size: [^\n]*/, '');
    edit(repo, 'charts/fluxion/service.yaml', 'mounts: [database, documents]', 'mounts: [database]');
    const r = await berthInProcess(repo, 'diff', '--env', 'prod');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      '#### prod · fluxion: 0 added, 2 changed, 1 removed\n\n' +
        '> ⚠️ PersistentVolumeClaim fluxion/fluxion-documents stays in the cluster (Argo CD will not delete it), with its data. To delete it on purpose, back up the data, then run `kubectl delete pvc fluxion-documents -n fluxion`. See docs/operations.md#removing-or-renaming-a-service.\n\n' +
        '**dist/prod/fluxion/manifests.yaml**\n',
    );
    expect(r.stdout).toContain('- - PersistentVolumeClaim fluxion/fluxion-documents\n');
  });
});
