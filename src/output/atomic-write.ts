/**
 * Replaces an output folder with a complete new tree in one step, so a GitOps repo never holds
 * an empty or half-written dist/ (an empty folder, synced, makes Argo CD prune production).
 *
 * The new tree is written next to the old one, then swapped in with two renames on the same
 * file system; a run interrupted between them is repaired by the next run, which restores the
 * previous tree. When nothing changed, nothing is touched.
 */
import * as fs from 'fs';
import * as path from 'path';

const NEW_SUFFIX = '.berth-new';
const OLD_SUFFIX = '.berth-old';

/** Calls `visit` with every file under `dir` (its path relative to `dir`), in the order the file system lists them. */
export function walkFiles(dir: string, visit: (rel: string) => void): void {
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(dir, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile()) visit(r);
    }
  };
  walk('');
}

/**
 * Reads every file under `dir` into a map of paths relative to `dir`.
 * @param keep which files to read @default - every file
 */
export function readTree(dir: string, keep: (rel: string) => boolean = () => true): Map<string, string> {
  const out = new Map<string, string>();
  walkFiles(dir, (rel) => {
    if (keep(rel)) out.set(rel, fs.readFileSync(path.join(dir, rel), 'utf8'));
  });
  return out;
}

/** Whether `dir` holds exactly `files`, read one file at a time (a large tree is never held twice). */
function sameTree(dir: string, files: ReadonlyMap<string, string>): boolean {
  let count = 0;
  let same = true;
  walkFiles(dir, (rel) => {
    count++;
    same &&= files.get(rel) === fs.readFileSync(path.join(dir, rel), 'utf8');
  });
  return same && count === files.size;
}

/** Restores `dir` from a previous interrupted swap, if one left it missing. */
export function recoverInterruptedSwap(dir: string): void {
  const old = dir + OLD_SUFFIX;
  if (!fs.existsSync(dir) && fs.existsSync(old)) fs.renameSync(old, dir);
  fs.rmSync(old, { recursive: true, force: true });
  fs.rmSync(dir + NEW_SUFFIX, { recursive: true, force: true });
}

/**
 * Makes `dir` contain exactly `files` (paths relative to `dir`). Returns false when the folder
 * already had exactly that content and was left alone.
 */
export function replaceTreeAtomically(dir: string, files: ReadonlyMap<string, string>): boolean {
  recoverInterruptedSwap(dir);
  if (sameTree(dir, files)) return false;
  const staging = dir + NEW_SUFFIX;
  const old = dir + OLD_SUFFIX;
  const made = new Set<string>();
  for (const rel of [...files.keys()].sort()) {
    const target = path.join(staging, rel);
    const parent = path.dirname(target);
    if (!made.has(parent)) {
      fs.mkdirSync(parent, { recursive: true });
      made.add(parent);
    }
    fs.writeFileSync(target, files.get(rel)!);
  }
  if (files.size === 0) fs.mkdirSync(staging, { recursive: true });
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  fs.renameSync(staging, dir);
  fs.rmSync(old, { recursive: true, force: true });
  return true;
}
