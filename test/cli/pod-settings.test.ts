/**
 * The pod settings (issue 21) through the CLI, as a reviewer meets them: `berth diff` shows a
 * change of workload identity or node pool on the object it changes, and `berth explain` says
 * who the pods are and where they run. Runs on ledger, the reference service that uses them.
 */
import * as fs from 'fs';
import * as path from 'path';
import { berthInProcess, tempRepo } from '../helpers';

const edit = (repo: string, file: string, from: string, to: string) => {
  const abs = path.join(repo, file);
  const text = fs.readFileSync(abs, 'utf8');
  expect(text).toContain(from);
  fs.writeFileSync(abs, text.replace(from, to));
};

/** The repository with one service: its charts, its dist/ folders and its Applications, no other. */
const onlyService = (repo: string, service: string) => {
  for (const other of fs.readdirSync(path.join(repo, 'charts')).filter((s) => s !== service)) {
    fs.rmSync(path.join(repo, 'charts', other), { recursive: true });
    for (const env of ['prod', 'staging']) {
      fs.rmSync(path.join(repo, 'dist', env, other), { recursive: true });
      fs.rmSync(path.join(repo, 'dist', 'argocd', env, `${other}-${env}.yaml`));
    }
  }
};

describe('pod settings in berth diff and explain', () => {
  test('diff shows a new IAM role on the ServiceAccount and a new toleration on the worker, in both environments', async () => {
    const repo = tempRepo();
    // ledger alone: the diff of the other services, which do not change, would only take longer.
    onlyService(repo, 'ledger');
    edit(repo, 'charts/ledger/service.yaml', 'role/ledger', 'role/ledger-v2');
    edit(repo, 'charts/ledger/service.yaml', '- { key: spot, operator: Exists, effect: NoSchedule }', '- { key: spot, operator: Exists, effect: NoSchedule }\n      - { key: arm64, operator: Exists }');
    const r = await berthInProcess(repo, 'diff', '--exit-code');
    expect(r.code).toBe(3);
    for (const env of ['prod', 'staging']) {
      expect(r.stdout).toContain(`#### ${env} · ledger: 0 added, 2 changed, 0 removed`);
    }
    expect(r.stdout).toContain('- ~ ServiceAccount ledger/ledger\n  - `metadata.annotations["eks.amazonaws.com/role-arn"]`: `arn:aws:iam::123456789012:role/ledger` → `arn:aws:iam::123456789012:role/ledger-v2`\n');
    expect(r.stdout).toContain('- ~ Deployment ledger/ledger-worker\n');
    expect(r.stdout).toContain('spec.template.spec.tolerations');
  });

  test('explain names the workload identity, the pull secret and the spot node pool (and says nothing of them for a service without)', async () => {
    const repo = tempRepo();
    const r = await berthInProcess(repo, 'explain', 'ledger', '--env', 'prod');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'Identity and placement of the pods of ledger:\n' +
        '  service account ledger: eks.amazonaws.com/role-arn: arn:aws:iam::123456789012:role/ledger; Kubernetes API token not mounted\n' +
        '  migrate  pulls with ledger-registry\n' +
        '  api      pulls with ledger-registry\n' +
        '  worker   pulls with ledger-registry; nodes karpenter.sh/capacity-type=spot; tolerates spot:NoSchedule\n',
    );
    const rag = await berthInProcess(repo, 'explain', 'rag', '--env', 'prod');
    expect(rag.code).toBe(0);
    expect(rag.stdout).not.toContain('Identity and placement');
  });
});
