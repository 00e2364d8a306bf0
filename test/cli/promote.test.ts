/**
 * `berth promote` and `berth set-image` (the CLI's `run`, in this process; test/bad-inputs runs
 * a refused promote through the real CLI): they edit only the image keys of
 * the specs (comments and formatting kept), print the diff a synth would make, write nothing
 * when nothing changes, and refuse what the schema refuses with every file left as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { berthInProcess, hashTree, tempRepo } from '../helpers';

const read = (repo: string, rel: string) => fs.readFileSync(path.join(repo, rel), 'utf8');

describe('berth promote', () => {
  test("copies staging's images into the prod overlay, keeps its comments, and prints berth diff --env prod", async () => {
    const repo = tempRepo();
    const staging = read(repo, 'charts/rag/staging.yaml');
    fs.writeFileSync(path.join(repo, 'charts/rag/staging.yaml'), `${staging}image: registry.example.com/rag-backend:1.5.0\nworkers:\n  worker: { image: registry.example.com/rag-worker:1.5.1 }\n`);
    const prod = read(repo, 'charts/rag/prod.yaml');
    const r = await berthInProcess(repo, 'promote', 'rag', '--from', 'staging', '--to', 'prod');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      'charts/rag/prod.yaml: image: registry.example.com/rag-backend:1.4.2 → registry.example.com/rag-backend:1.5.0',
      'charts/rag/prod.yaml: workers.worker.image: registry.example.com/rag-backend:1.4.2 → registry.example.com/rag-worker:1.5.1',
      '',
      '$ berth diff --env prod',
    ]);
    expect(r.stdout).toContain('#### prod · rag: 0 added, 4 changed, 0 removed');
    expect(r.stdout).toContain('`spec.template.spec.containers[worker].image`: `registry.example.com/rag-backend:1.4.2` → `registry.example.com/rag-worker:1.5.1`');
    expect(read(repo, 'charts/rag/prod.yaml')).toBe(
      prod
        .replace('  worker: { replicas: 2 }', '  worker: { replicas: 2, image: registry.example.com/rag-worker:1.5.1 }')
        .concat('image: registry.example.com/rag-backend:1.5.0\n'),
    );
    // Only the overlay changed; dist/ is the synth's job.
    const before = hashTree(repo);
    const again = await berthInProcess(repo, 'promote', 'rag', '--from', 'staging', '--to', 'prod');
    expect(again).toEqual({ code: 0, stdout: 'berth promote: prod already runs the images staging runs for rag; nothing changed.\n', stderr: '' });
    expect(hashTree(repo)).toEqual(before);
  });

  test('creates the overlay when the target environment has none', async () => {
    const repo = tempRepo();
    fs.rmSync(path.join(repo, 'charts/fluxion/prod.yaml'));
    fs.appendFileSync(path.join(repo, 'charts/fluxion/staging.yaml'), 'image: registry.example.com/fluxion00api:1.9.0\n');
    expect((await berthInProcess(repo, 'promote', 'fluxion', '--from', 'staging', '--to', 'prod')).code).toBe(0);
    expect(read(repo, 'charts/fluxion/prod.yaml')).toBe('# yaml-language-server: $schema=../../schema/service-overlay.schema.json\nimage: registry.example.com/fluxion00api:1.9.0\n');
  });
});

describe('berth set-image', () => {
  test('sets one process image in the base spec, in place, and prints berth diff', async () => {
    const repo = tempRepo();
    const spec = read(repo, 'charts/rag/service.yaml');
    const r = await berthInProcess(repo, 'set-image', 'rag', 'registry.example.com/rag-frontend:1.4.3', '--process', 'frontend');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['charts/rag/service.yaml: web.frontend.image: registry.example.com/rag-frontend:1.4.2 → registry.example.com/rag-frontend:1.4.3', '', '$ berth diff']);
    expect(r.stdout).toContain('#### prod · rag: 0 added, 1 changed, 0 removed');
    expect(r.stdout).toContain('#### staging · rag: 0 added, 1 changed, 0 removed');
    expect(read(repo, 'charts/rag/service.yaml')).toBe(spec.replace('image: registry.example.com/rag-frontend:1.4.2', 'image: registry.example.com/rag-frontend:1.4.3'));
  });

  test("says so when an overlay's own image still wins over the base spec's", async () => {
    const repo = tempRepo();
    fs.appendFileSync(path.join(repo, 'charts/rag/prod.yaml'), 'image: registry.example.com/rag-backend:1.4.3\n');
    const r = await berthInProcess(repo, 'set-image', 'rag', 'registry.example.com/rag-backend:1.5.0');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      'charts/rag/service.yaml: image: registry.example.com/rag-backend:1.4.2 → registry.example.com/rag-backend:1.5.0',
      'note: prod still runs registry.example.com/rag-backend:1.4.3: charts/rag/prod.yaml sets it (add --env prod to change it there)',
    ]);
    expect(r.stdout).toContain('#### staging · rag: 0 added, 4 changed, 0 removed');
  });

  test('writes nothing when the environment already runs the image', async () => {
    const repo = tempRepo();
    const before = hashTree(repo);
    const r = await berthInProcess(repo, 'set-image', 'rag', 'registry.example.com/rag-backend:1.4.2', '--env', 'prod');
    expect(r).toEqual({ code: 0, stdout: 'berth set-image: rag already runs registry.example.com/rag-backend:1.4.2 in prod; nothing changed.\n', stderr: '' });
    expect(hashTree(repo)).toEqual(before);
  });

  test.each([
    [['registry.example.com/rag-backend:latest'], 'charts/rag/service.yaml', 'image', '"registry.example.com/rag-backend:latest" must not use the "latest" tag: pin a version so a sync is reproducible'],
    [['registry.example.com/rag-backend', '--env', 'prod'], 'charts/rag/prod.yaml', 'image', '"registry.example.com/rag-backend" must be an image reference with a tag or digest, such as registry.example.com/app:1.4.2'],
  ])('fails when the image is %j, naming the file and field and changing nothing', async (args, file, field, message) => {
    const repo = tempRepo();
    const before = hashTree(repo);
    const r = await berthInProcess(repo, 'set-image', 'rag', ...args);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual(expect.arrayContaining([file, `  ✖ ${message}`, `    → at ${field}`]));
    expect(hashTree(repo)).toEqual(before);
  });
});
