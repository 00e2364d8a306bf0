/**
 * The only module that touches the outside world: argv-free entry points that read the repo,
 * run the pure pipeline (load → build → check) and write dist/ atomically.
 */
import * as fs from 'fs';
import * as path from 'path';
import { buildOutput, SynthOutput } from './app';
import { SpecError } from './spec/errors';
import { loadProject, LoadedProject, SourceFile } from './spec/load';
import { readTree, replaceTreeAtomically } from './output/atomic-write';
import { diffTrees, ObjectChange } from './output/diff';
import { jsonSchemas } from './spec/json-schema';

/** Where a project lives and where it writes. */
export interface RepoPaths {
  readonly root: string;
  /** @default 'dist' */
  readonly outDir?: string;
}

/** Reads berth.yaml and every file under charts/, refusing anything that resolves outside the repo. */
export function readSources(root: string): { config: SourceFile; charts: SourceFile[] } {
  const realRoot = fs.realpathSync(root);
  const read = (rel: string): SourceFile => {
    const abs = path.join(root, rel);
    const real = fs.realpathSync(abs);
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
      throw new SpecError([{ file: rel, path: '', message: `Path resolves outside the repository (${real})`, fix: 'keep specs inside the repository; replace the link with the file itself' }]);
    }
    return { path: rel, text: fs.readFileSync(abs, 'utf8') };
  };
  const configPath = 'berth.yaml';
  if (!fs.existsSync(path.join(root, configPath))) {
    throw new SpecError([{ file: configPath, path: '', message: 'Project file berth.yaml is missing', fix: 'run berth from the repository root, or create berth.yaml with repoURL and environments' }]);
  }
  const charts: SourceFile[] = [];
  const chartsDir = path.join(root, 'charts');
  const dirs = fs.existsSync(chartsDir) ? fs.readdirSync(chartsDir, { withFileTypes: true }) : [];
  for (const d of dirs.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (d.name.startsWith('.')) continue;
    const rel = `charts/${d.name}`;
    if (!d.isDirectory()) {
      if (d.isSymbolicLink()) read(rel);
      charts.push({ path: rel, text: '' });
      continue;
    }
    for (const f of fs.readdirSync(path.join(root, rel)).sort()) {
      if (f.startsWith('.') || f.toLowerCase() === 'readme.md') continue;
      charts.push(read(`${rel}/${f}`));
    }
  }
  return { config: read(configPath), charts };
}

/** Loads and validates every spec of the repo. */
export function loadRepo(root: string): LoadedProject {
  const { config, charts } = readSources(root);
  return loadProject(config, charts);
}

/** Synthesizes the repo in memory: nothing is written. */
export function synthRepo(paths: RepoPaths): SynthOutput {
  return buildOutput(loadRepo(paths.root), paths.outDir ?? 'dist');
}

/** Synthesizes and, only when everything succeeded, replaces dist/ in one step. */
export function synthAndWrite(paths: RepoPaths): { output: SynthOutput; changed: boolean } {
  const outDir = paths.outDir ?? 'dist';
  const output = synthRepo(paths);
  const prefix = `${outDir}/`;
  const rel = new Map<string, string>();
  for (const [file, text] of output.files) rel.set(file.slice(prefix.length), text);
  const changed = replaceTreeAtomically(path.join(paths.root, outDir), rel);
  return { output, changed };
}

/** Writes the editor JSON Schemas under schema/. */
export function writeSchemas(root: string): string[] {
  const dir = path.join(root, 'schema');
  fs.mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of jsonSchemas()) {
    fs.writeFileSync(path.join(dir, name), text);
    written.push(`schema/${name}`);
  }
  return written;
}

/** What a synth would change in dist/, optionally for one environment only. */
export function diffRepo(paths: RepoPaths, env?: string): ObjectChange[] {
  const outDir = paths.outDir ?? 'dist';
  const inEnv = (f: string) => !env || f.startsWith(`${outDir}/${env}/`) || f.startsWith(`${outDir}/argocd/${env}/`) || f === `${outDir}/argocd/root-${env}.yaml`;
  const fresh = new Map([...synthRepo(paths).files].filter(([f]) => inEnv(f)));
  const current = new Map([...readTree(path.join(paths.root, outDir))].map(([f, t]) => [`${outDir}/${f}`, t] as [string, string]).filter(([f]) => inEnv(f)));
  return diffTrees(current, fresh);
}
