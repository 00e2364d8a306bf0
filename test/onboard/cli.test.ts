import * as fs from 'fs';
import * as path from 'path';
import { berth, tempRepo } from '../helpers';
import { FIXTURES } from './memory-io';

describe('berth new through the CLI', () => {
  test('writes the files to disk, then synth and check accept them', () => {
    const dir = tempRepo();
    fs.cpSync(path.join(FIXTURES, 'rag'), path.join(dir, 'legacy'), { recursive: true });
    const created = berth(dir, 'new', 'rag-next', '--from-compose', 'legacy/docker-compose.yml', '--host', 'rag-next.example.com');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^berth new: wrote charts\/rag-next\/service.yaml, charts\/rag-next\/staging.yaml, charts\/rag-next\/prod.yaml\n/);
    expect(fs.readFileSync(path.join(dir, 'charts/rag-next/service.yaml'), 'utf8')).toMatch(/^# yaml-language-server: \$schema=\.\.\/\.\.\/schema\/service.schema.json\n/);

    const again = berth(dir, 'new', 'rag-next');
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exist; nothing was written. Re-run with --force to overwrite them.');

    const synth = berth(dir, 'synth');
    expect(synth.stderr).toBe('');
    expect(synth.code).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'dist/prod/rag-next/manifests.yaml'), 'utf8')).toContain('name: rag-next-backend');
  }, 60_000);
});
