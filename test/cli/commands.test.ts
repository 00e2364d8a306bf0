/**
 * bin/berth.js picks a V8 code cache by command name before the bundle is loaded, so it keeps its
 * own list of names; a command missing there would share the catch-all cache (a slower start,
 * never a wrong result). This holds that list to the commands `berth help` lists.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO } from '../helpers';

test("bin/berth.js's per-command code caches cover exactly the commands berth help lists", () => {
  const launcher = fs.readFileSync(path.join(REPO, 'bin/berth.js'), 'utf8');
  const list = /const COMMANDS = new Set\((\[[^\]]*\])\)/.exec(launcher);
  expect(list).not.toBeNull();
  const cached = JSON.parse(list![1].replace(/'/g, '"')) as string[];

  const help = spawnSync(process.execPath, [path.join(REPO, 'bin/berth.js'), 'help'], { encoding: 'utf8' });
  expect(help.status).toBe(0);
  // Command lines are indented two spaces; their descriptions' continuation lines far more.
  const listed = [...help.stdout.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]).filter((c) => c !== 'help');
  expect(listed.length).toBeGreaterThanOrEqual(6);
  expect([...cached].sort()).toEqual([...listed].sort());
});
