/**
 * Runs the built-in tmp-cleanup script, the exact text the CronJob runs, against real
 * directories: with the host's sh (dash) and GNU find, and with BusyBox's sh and find (the
 * image's) when BusyBox is installed (`.ci/postgres.sh` installs it).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TMP_CLEANUP_SCRIPT } from '../../src/constructs/jobs/scripts';

const HOUR = 3600;
const now = Math.floor(Date.now() / 1000);
const FRESH = now - 1 * HOUR;
const OLD = now - 48 * HOUR;

interface Shell {
  readonly name: string;
  readonly sh: string;
  readonly path: string;
}

function busyboxShell(): Shell | undefined {
  const which = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' });
  if (which.status !== 0) return undefined;
  // Every tool the script calls, as BusyBox applets, as in the busybox image.
  const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-busybox-'));
  for (const applet of ['sh', 'find', 'rm', 'rmdir', 'tr', 'sed', 'wc', 'mktemp', 'sleep']) fs.symlinkSync(which.stdout.trim(), path.join(bin, applet));
  return { name: 'busybox sh + busybox find', sh: path.join(bin, 'sh'), path: bin };
}

const shells: Shell[] = [{ name: 'sh + GNU find', sh: 'sh', path: '/usr/bin:/bin' }];
const busybox = busyboxShell();
if (busybox) shells.push(busybox);

let work: string;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-tmp-cleanup-'));
});
afterEach(() => {
  fs.rmSync(work, { recursive: true, force: true });
});
afterAll(() => {
  if (busybox) fs.rmSync(busybox.path, { recursive: true, force: true });
});

function file(p: string, mtime: number): void {
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, 'x');
  fs.utimesSync(p, mtime, mtime);
}

function age(p: string, mtime: number): void {
  fs.lutimesSync(p, mtime, mtime);
}

function run(shell: Shell, env: Record<string, string>) {
  const r = spawnSync(shell.sh, ['-c', TMP_CLEANUP_SCRIPT], { env: { PATH: shell.path, ...env }, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every path under dir, relative, sorted; symlinks are listed, never followed. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of fs.readdirSync(path.join(dir, rel))) {
      const r = rel ? `${rel}/${name}` : name;
      out.push(r);
      if (fs.lstatSync(path.join(dir, r)).isDirectory()) walk(r);
    }
  };
  walk('');
  return out.sort();
}

describe.each(shells)('tmp-cleanup script with $name', (shell) => {
  test('removes old files and the directories they emptied, and nothing else', () => {
    const root = path.join(work, 'volume');
    const outside = path.join(work, 'outside');
    file(path.join(outside, 'old-target.txt'), OLD);
    file(path.join(outside, 'dir', 'old-inside.txt'), OLD);

    file(path.join(root, 'fresh.txt'), FRESH);
    file(path.join(root, 'old.txt'), OLD);
    fs.symlinkSync(path.join(outside, 'old-target.txt'), path.join(root, 'link-to-old-file'));
    age(path.join(root, 'link-to-old-file'), OLD);
    fs.symlinkSync(path.join(outside, 'dir'), path.join(root, 'link-to-dir'));
    age(path.join(root, 'link-to-dir'), OLD);
    file(path.join(root, 'nested-old', 'deeper', 'stale.log'), OLD);
    age(path.join(root, 'nested-old', 'deeper'), OLD);
    age(path.join(root, 'nested-old'), OLD);
    file(path.join(root, 'nested-new', 'recent.txt'), FRESH);
    age(path.join(root, 'nested-new'), OLD);
    fs.mkdirSync(path.join(root, 'empty-old'));
    age(path.join(root, 'empty-old'), OLD);
    // Just created by the app, not yet written to: it stays.
    fs.mkdirSync(path.join(root, 'empty-new'));
    age(root, OLD);

    const r = run(shell, { TMP_DIR: root, TMP_MAX_AGE_HOURS: '24' });

    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(tree(root)).toEqual(['empty-new', 'fresh.txt', 'link-to-dir', 'link-to-old-file', 'nested-new', 'nested-new/recent.txt']);
    expect(tree(outside)).toEqual(['dir', 'dir/old-inside.txt', 'old-target.txt']);

    const lines = r.stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1).sort()).toEqual(
      ['old.txt', 'nested-old/deeper/stale.log', 'nested-old/deeper', 'nested-old', 'empty-old'].map((p) => `removed ${root}/${p}`).sort(),
    );
    // Depth first: a file before its directory.
    expect(lines.indexOf(`removed ${root}/nested-old/deeper/stale.log`)).toBeLessThan(lines.indexOf(`removed ${root}/nested-old/deeper`));
    expect(lines.indexOf(`removed ${root}/nested-old/deeper`)).toBeLessThan(lines.indexOf(`removed ${root}/nested-old`));
    expect(lines[lines.length - 1]).toBe(`tmp-cleanup: removed 5 paths older than 24 hours from ${root}`);

    const again = run(shell, { TMP_DIR: root, TMP_MAX_AGE_HOURS: '24' });
    expect(again.status).toBe(0);
    expect(again.stdout).toBe(`tmp-cleanup: removed 0 paths older than 24 hours from ${root}\n`);
  });

  test('keeps the directory itself, even when it is old and empty', () => {
    const root = path.join(work, 'volume');
    file(path.join(root, 'old.txt'), OLD);
    age(root, OLD);
    const r = run(shell, { TMP_DIR: root, TMP_MAX_AGE_HOURS: '24' });
    expect(r.status).toBe(0);
    expect(fs.existsSync(root)).toBe(true);
    expect(tree(root)).toEqual([]);
    expect(r.stdout).toBe(`removed ${root}/old.txt\ntmp-cleanup: removed 1 paths older than 24 hours from ${root}\n`);
  });

  test('applies the age in hours', () => {
    const root = path.join(work, 'volume');
    file(path.join(root, 'three-hours.txt'), now - 3 * HOUR);
    file(path.join(root, 'one-hour.txt'), FRESH);
    const r = run(shell, { TMP_DIR: root, TMP_MAX_AGE_HOURS: '2' });
    expect(r.status).toBe(0);
    expect(tree(root)).toEqual(['one-hour.txt']);
    expect(r.stdout).toBe(`removed ${root}/three-hours.txt\ntmp-cleanup: removed 1 paths older than 2 hours from ${root}\n`);
  });

  test('counts names with spaces and newlines once each', () => {
    const root = path.join(work, 'volume');
    file(path.join(root, 'with space.txt'), OLD);
    file(path.join(root, 'two\nlines.txt'), OLD);
    const r = run(shell, { TMP_DIR: root, TMP_MAX_AGE_HOURS: '24' });
    expect(r.status).toBe(0);
    expect(tree(root)).toEqual([]);
    expect(r.stdout).toContain(`removed ${root}/with space.txt\n`);
    expect(r.stdout).toContain(`tmp-cleanup: removed 2 paths older than 24 hours from ${root}\n`);
  });

  test('refuses a directory that is a symbolic link, and touches nothing behind it', () => {
    const real = path.join(work, 'real');
    file(path.join(real, 'old.txt'), OLD);
    fs.symlinkSync(real, path.join(work, 'link'));
    const r = run(shell, { TMP_DIR: path.join(work, 'link'), TMP_MAX_AGE_HOURS: '24' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`tmp-cleanup: TMP_DIR ${work}/link is a symbolic link: set it to the directory itself\n`);
    expect(tree(real)).toEqual(['old.txt']);
  });

  test('fails with a clear message when the volume is not there', () => {
    const r = run(shell, { TMP_DIR: path.join(work, 'missing'), TMP_MAX_AGE_HOURS: '24' });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`tmp-cleanup: TMP_DIR ${work}/missing is not a directory: is the volume mounted?\n`);
  });

  test.each([
    [{ TMP_MAX_AGE_HOURS: '24' }, 'tmp-cleanup: TMP_DIR is not set: set it to the directory to clean\n'],
    [{ TMP_DIR: 'relative/dir', TMP_MAX_AGE_HOURS: '24' }, "tmp-cleanup: TMP_DIR must be an absolute path, got 'relative/dir'\n"],
    [{ TMP_DIR: '/', TMP_MAX_AGE_HOURS: '24' }, 'tmp-cleanup: TMP_DIR is /: set it to the directory that holds the temporary files\n'],
    [{ TMP_DIR: '/tmp', TMP_MAX_AGE_HOURS: '0' }, "tmp-cleanup: TMP_MAX_AGE_HOURS must be a whole number of hours above 0, got '0'\n"],
    [{ TMP_DIR: '/tmp', TMP_MAX_AGE_HOURS: '1.5' }, "tmp-cleanup: TMP_MAX_AGE_HOURS must be a whole number of hours above 0, got '1.5'\n"],
    [{ TMP_DIR: '/tmp' }, "tmp-cleanup: TMP_MAX_AGE_HOURS must be a whole number of hours above 0, got ''\n"],
  ])('fails when the input is wrong: %j', (env, message) => {
    const r = run(shell, env as Record<string, string>);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(message);
  });
});

/** -xdev needs a second file system inside the volume: a tmpfs, in a private mount namespace. */
const canMount = process.getuid?.() === 0 && spawnSync('unshare', ['-m', 'true']).status === 0;

describe.each(shells)('tmp-cleanup script with $name, across a mount point', (shell) => {
  (canMount ? test : test.skip)(`never leaves the file system it starts on${canMount ? '' : ': skipped, mounting a tmpfs needs root and unshare -m'}`, () => {
    const root = path.join(work, 'volume');
    file(path.join(root, 'old.txt'), OLD);
    fs.mkdirSync(path.join(root, 'other-fs'));
    const r = spawnSync(
      'unshare',
      [
        '-m',
        '--propagation',
        'private',
        'sh',
        '-c',
        [
          'set -e',
          'mount -t tmpfs -o size=4m berth-test "$TMP_DIR/other-fs"',
          'echo x >"$TMP_DIR/other-fs/old-elsewhere.txt"',
          'touch -d "@$OLD" "$TMP_DIR/other-fs/old-elsewhere.txt" "$TMP_DIR/other-fs"',
          '"$SHELL_UNDER_TEST" -c "$SCRIPT"',
          'echo "left on the other file system: $(ls -A "$TMP_DIR/other-fs")"',
        ].join('\n'),
      ],
      {
        env: { PATH: `${shell.path}:/usr/bin:/bin`, TMP_DIR: root, TMP_MAX_AGE_HOURS: '24', OLD: String(OLD), SCRIPT: TMP_CLEANUP_SCRIPT, SHELL_UNDER_TEST: shell.sh },
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(
      `removed ${root}/old.txt\ntmp-cleanup: removed 1 paths older than 24 hours from ${root}\nleft on the other file system: old-elsewhere.txt\n`,
    );
  });
});
