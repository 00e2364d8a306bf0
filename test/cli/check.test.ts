/**
 * berth check on folders of manifests: the committed dist/ is clean; a deliberately bad folder
 * lists every problem, for a person and for a machine.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { berth, berthInProcess, REPO, tempDir } from '../helpers';

const BAD = `apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  replicas: "2"
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers:
        - name: api
          image: shop/api:latest
          command: [flask, run, --reload]
          imagePullPolicyy: Always
          ports: [{ containerPort: 5000 }]
          env:
            - { name: FLASK_ENV, value: development }
            - { name: DATABASE_URL, value: "postgresql://shop:hunter2hunter2@db:5432/shop" }
          securityContext: { privileged: true }
---
apiVersion: v1
kind: Secret
metadata: { name: creds, namespace: shop }
stringData: { password: hunter2hunter2 }
`;

function badFolder(): string {
  const dir = tempDir('berth-check-');
  fs.mkdirSync(path.join(dir, 'manifests'));
  fs.writeFileSync(path.join(dir, 'manifests', 'app.yaml'), BAD);
  return dir;
}

describe('berth check', () => {
  test('the committed dist/ has no problems', () => {
    const r = berth(REPO, 'check', 'dist');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^berth check: \d+ objects in dist: no problems\n$/);
    expect(r.code).toBe(0);
  });

  test('fails on a hand-written bad folder, listing every kind of problem with its fix', async () => {
    const r = await berthInProcess(badFolder(), 'check', 'manifests');
    expect(r.code).toBe(1);
    for (const expected of [
      'unknown field "imagePullPolicyy"',
      'must be integer (got "2")',
      'privileged',
      'FLASK_ENV=development',
      'flask run',
      '--reload',
      'uses the "latest" tag',
      'readinessProbe',
      'memory limit',
      'a URL with a password',
      'Secret',
    ]) {
      expect(r.stdout).toContain(expected);
    }
    expect(r.stdout).not.toContain('hunter2hunter2');
    expect(r.stdout).toMatch(/\d+ problems in 2 objects\n?$/);
  });

  test('--format sarif is a SARIF 2.1.0 log, each result at the line of its field', async () => {
    const r = await berthInProcess(badFolder(), 'check', 'manifests', '--format', 'sarif');
    expect(r.code).toBe(1);
    const log = JSON.parse(r.stdout);
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    const [run] = log.runs;
    expect(run.tool.driver.name).toBe('berth');
    expect(run.tool.driver.rules.map((rule: any) => rule.id)).toEqual(['schema', 'pod-security', 'rbac', 'guardrail', 'secret-leak']);
    for (const result of run.results) {
      expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
      expect(result.locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'manifests/app.yaml', uriBaseId: '%SRCROOT%' });
    }
    const line = (text: string) => run.results.find((x: any) => x.message.text.includes(text)).locations[0].physicalLocation.region.startLine;
    const lines = BAD.split('\n');
    expect(lines[line('unknown field "imagePullPolicyy"') - 1]).toBe('          imagePullPolicyy: Always');
    expect(lines[line('must be integer (got "2")') - 1]).toBe('  replicas: "2"');
    // The Secret is the second document: its findings point into it, never at line 1.
    expect(line('Secret/shop/creds')).toBeGreaterThan(lines.indexOf('---') + 1);
    expect(r.stdout).not.toContain('hunter2hunter2');
  });

  test('--format json is an array a machine can read', async () => {
    const r = await berthInProcess(badFolder(), 'check', 'manifests', '--format', 'json');
    expect(r.code).toBe(1);
    const findings = JSON.parse(r.stdout);
    expect(Array.isArray(findings)).toBe(true);
    expect(new Set(findings.map((f: any) => f.check))).toEqual(new Set(['schema', 'pod-security', 'guardrail', 'secret-leak']));
    for (const f of findings) expect(Object.keys(f)).toEqual(expect.arrayContaining(['check', 'file', 'object', 'path', 'message']));
    expect(r.stdout).not.toContain('hunter2hunter2');
  });

  test('fails clearly on a folder that does not exist', async () => {
    const r = await berthInProcess(os.tmpdir(), 'check', 'no-such-folder');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('berth: no-such-folder: no such folder\n');
  });
});
