import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { berth, berthInProcess, tempRepo } from '../helpers';
import { FIXTURES } from './memory-io';

// `berth new` runs once through the real CLI (a process of its own, as a user onboards a
// service); what follows it (a second `new`, synth, explain) is about the files it wrote, and
// runs the CLI's `run` in this process.
describe('berth new through the CLI', () => {
  test('writes the files to disk, then synth and check accept them', async () => {
    const dir = tempRepo();
    fs.cpSync(path.join(FIXTURES, 'rag'), path.join(dir, 'legacy'), { recursive: true });
    const created = berth(dir, 'new', 'rag-next', '--from-compose', 'legacy/docker-compose.yml', '--host', 'rag-next.example.com');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^berth new: wrote charts\/rag-next\/service.yaml, charts\/rag-next\/staging.yaml, charts\/rag-next\/prod.yaml\n/);
    expect(fs.readFileSync(path.join(dir, 'charts/rag-next/service.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/schema\/service.schema.json\n/);

    const again = await berthInProcess(dir, 'new', 'rag-next');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exist; nothing was written. Re-run with --force to overwrite them.');

    const synth = await berthInProcess(dir, 'synth');
    expect(synth.stderr).toBe('');
    expect(synth.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'dist/prod/rag-next/manifests.yaml'), 'utf8')).toContain('name: rag-next-backend');
  }, 60_000);
});

describe('berth new --from-compose, then a process added later', () => {
  test('a migration and a cron job added after onboarding reach the dependencies (berth new writes no usedBy)', async () => {
    const dir = tempRepo();
    fs.cpSync(path.join(FIXTURES, 'rag'), path.join(dir, 'legacy'), { recursive: true });
    expect((await berthInProcess(dir, 'new', 'rag-next', '--from-compose', 'legacy/docker-compose.yml', '--host', 'rag-next.example.com')).code).toBe(0);
    const file = path.join(dir, 'charts/rag-next/service.yaml');
    const spec = yaml.load(fs.readFileSync(file, 'utf8')) as any;
    expect(Object.values(spec.dependencies).map((d: any) => d.usedBy)).toEqual([undefined, undefined]);
    // Day 2: the user adds a nightly report job (the migration came from compose already).
    spec.cron.jobs.report = { schedule: '0 6 * * *', command: ['python', '-m', 'scripts.report'] };
    fs.writeFileSync(file, yaml.dump(spec));
    const synth = await berthInProcess(dir, 'synth');
    expect(synth.stderr).toBe('');

    const explained = await berthInProcess(dir, 'explain', 'rag-next', '--env', 'prod', '--format', 'json');
    expect(explained.code).toBe(0);
    const cells: Array<{ source: string; destination: string; allowed: boolean }> = JSON.parse(explained.stdout).cells;
    const reach = (source: string, destination: string) => cells.filter((c) => c.source === source && c.destination === destination).map((c) => c.allowed);
    for (const job of ['migrate', 'report', 'cleanup']) {
      expect([job, reach(job, 'postgres')]).toEqual([job, [true]]);
      expect([job, reach(job, 'redis')]).toEqual([job, [true]]);
    }
  }, 60_000);
});
