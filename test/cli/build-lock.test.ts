/**
 * bin/build.js builds lib/ under a lock, so berth commands started together after an edit (jest
 * runs test files in parallel) do not build over each other.
 */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO } from '../helpers';
import { tempDir } from '../temp-dir';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { withLock } = require(path.join(REPO, 'bin/build.js')) as {
  withLock: <T>(lock: string, fn: () => T, opts?: { staleMs?: number; waitMs?: number }) => T;
};

/** A process that takes the lock, logs start, holds it 150 ms, logs end. */
function holder(lock: string, log: string, id: number): Promise<number> {
  const script = `
    const fs = require('fs');
    require(${JSON.stringify(path.join(REPO, 'bin/build.js'))}).withLock(${JSON.stringify(lock)}, () => {
      fs.appendFileSync(${JSON.stringify(log)}, 'start ${id}\\n');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
      fs.appendFileSync(${JSON.stringify(log)}, 'end ${id}\\n');
    });`;
  return new Promise((resolve) => spawn(process.execPath, ['-e', script], { stdio: 'inherit' }).on('exit', (code) => resolve(code ?? -1)));
}

describe('withLock', () => {
  test('processes that start together run one at a time', async () => {
    const dir = tempDir('berth-lock-');
    const lock = path.join(dir, 'lock');
    const log = path.join(dir, 'log');
    const codes = await Promise.all([1, 2, 3, 4].map((id) => holder(lock, log, id)));
    expect(codes).toEqual([0, 0, 0, 0]);
    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(8);
    for (let i = 0; i < lines.length; i += 2) {
      expect(lines[i]).toMatch(/^start \d$/);
      expect(lines[i + 1]).toBe(lines[i].replace('start', 'end'));
    }
    expect(fs.existsSync(lock)).toBe(false);
  });

  test('takes over a lock left by a build that died', () => {
    const lock = path.join(tempDir('berth-lock-'), 'lock');
    fs.mkdirSync(lock);
    const old = new Date(Date.now() - 10 * 60_000);
    fs.utimesSync(lock, old, old);
    expect(withLock(lock, () => 'built')).toBe('built');
    expect(fs.existsSync(lock)).toBe(false);
  });

  test('gives up on a live lock after waiting, and says which', () => {
    const lock = path.join(tempDir('berth-lock-'), 'lock');
    fs.mkdirSync(lock);
    expect(() => withLock(lock, () => 'built', { waitMs: 200 })).toThrow(`${lock} is held by another build; remove it if no build is running`);
    expect(fs.existsSync(lock)).toBe(true);
  });

  test('releases the lock when the build throws', () => {
    const lock = path.join(tempDir('berth-lock-'), 'lock');
    expect(() =>
      withLock(lock, () => {
        throw new Error('esbuild failed');
      }),
    ).toThrow('esbuild failed');
    expect(fs.existsSync(lock)).toBe(false);
  });
});
