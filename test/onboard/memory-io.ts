/**
 * An in-memory file system and terminal for `newCommand`: the repository at /repo with berth.yaml,
 * and the onboarding fixtures under /repo/in/.
 */
import * as fs from 'fs';
import * as path from 'path';
import { NewCommandIo } from '../../src/onboard/command';
import { SourceFile } from '../../src/spec/load';

export const FIXTURES = path.resolve(__dirname, '../fixtures/onboard');
export const REPO_ROOT = path.resolve(__dirname, '../..');

/** A fixture's text. */
export function fixture(rel: string): string {
  return fs.readFileSync(path.join(FIXTURES, rel), 'utf8');
}

/** The project file of this repository (environments staging and prod). */
export function berthYaml(): SourceFile {
  return { path: 'berth.yaml', text: fs.readFileSync(path.join(REPO_ROOT, 'berth.yaml'), 'utf8') };
}

export interface MemoryIo extends NewCommandIo {
  /** Every file, by absolute path. */
  readonly files: Map<string, string>;
  /** Files written by the command, by path relative to /repo. */
  written(): Map<string, string>;
  /** Questions asked, in order. */
  readonly asked: string[];
}

/**
 * A repository at /repo with berth.yaml and every fixture under /repo/in/. `answers` are given to
 * prompts in order (an empty string takes the default).
 */
export function memoryIo(opts: { isTTY?: boolean; answers?: string[]; withBerthYaml?: boolean } = {}): MemoryIo {
  const files = new Map<string, string>();
  if (opts.withBerthYaml !== false) files.set('/repo/berth.yaml', berthYaml().text);
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else files.set(path.posix.join('/repo/in', path.relative(FIXTURES, p)), fs.readFileSync(p, 'utf8'));
    }
  };
  walk(FIXTURES);
  const writes = new Set<string>();
  const asked: string[] = [];
  const answers = [...(opts.answers ?? [])];
  const io: MemoryIo = {
    cwd: '/repo',
    isTTY: opts.isTTY ?? false,
    files,
    asked,
    exists: (p) => files.has(p),
    readFile: (p) => {
      const t = files.get(p);
      if (t === undefined) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
      return t;
    },
    writeFile: (p, text) => {
      files.set(p, text);
      writes.add(p);
    },
    written: () => new Map([...writes].sort().map((p) => [path.posix.relative('/repo', p), files.get(p)!])),
  };
  if (opts.isTTY) {
    (io as { prompt?: NewCommandIo['prompt'] }).prompt = async (q) => {
      asked.push(q);
      return answers.shift() ?? '';
    };
  }
  return io;
}

/** The written chart files as loadProject inputs. */
export function chartFiles(io: MemoryIo): SourceFile[] {
  return [...io.written()].filter(([p]) => p.startsWith('charts/')).map(([p, text]) => ({ path: p, text }));
}
