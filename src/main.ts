/**
 * The only module that touches the outside world: argv-free entry points that read the repo,
 * run the pure pipeline (load → build → check) and write dist/ atomically.
 */
import * as fs from 'fs';
import Module, { isBuiltin, SourceMap } from 'module';
import * as path from 'path';
import * as cdk8s from 'cdk8s';
import * as constructs from 'constructs';
import * as publicApi from './index';
import type { LoadedHook } from './hook/hook';
import { buildOutput, CheckError, envFolderOf, placeOf, SynthOutput, unitChecker } from './app';
import { checkLeaks, runChecks } from './check/index';
import { compareFindings } from './check/format';
import { parseManifests } from './check/parse-manifests';
import { findingLines, formatSarif } from './check/sarif';
import { Finding, Manifest } from './check/types';
import * as yaml from 'js-yaml';
import { Problem, SpecError, valueAt } from './spec/errors';
import { environmentNamed, loadProject, loadProjectConfig, LoadedProject, SourceFile } from './spec/load';
import { readTree, replaceTreeAtomically, walkFiles } from './output/atomic-write';
import { diffTrees, TreeDiff } from './output/diff';
import { jsonSchemas } from './spec/json-schema';
import { ImageEdit } from './ops/images';
import { setScalar, YamlEditError } from './ops/yaml-edit';

/** Where a project lives and where it writes. */
export interface RepoPaths {
  readonly root: string;
  /** @default 'dist' */
  readonly outDir?: string;
}

/**
 * Reads berth.yaml and every file under charts/ (or, with `only`, under charts/<only>/ alone),
 * refusing anything that resolves outside the repo.
 */
export function readSources(root: string, only?: string): { config: SourceFile; charts: SourceFile[]; hooks: string[] } {
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
  const hooks: string[] = [];
  const folders: Problem[] = [];
  const chartsDir = path.join(root, 'charts');
  const dirs = fs.existsSync(chartsDir) ? fs.readdirSync(chartsDir, { withFileTypes: true }) : [];
  for (const d of dirs.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (d.name.startsWith('.') || (only !== undefined && d.name !== only)) continue;
    const rel = `charts/${d.name}`;
    if (!d.isDirectory()) {
      if (d.isSymbolicLink()) read(rel);
      charts.push({ path: rel, text: '' });
      continue;
    }
    for (const f of fs.readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (f.name.startsWith('.') || f.name.toLowerCase() === 'readme.md') continue;
      if (f.isDirectory() && f.name === EXTRA_DIR) {
        charts.push(...readExtra(root, `${rel}/${f.name}`, read, folders));
        continue;
      }
      if (f.isDirectory()) {
        folders.push({ file: `${rel}/${f.name}`, path: '', message: 'Unexpected folder under charts/', fix: 'specs live at charts/<service>/service.yaml and charts/<service>/<env>.yaml; move or delete this folder' });
        continue;
      }
      const file = read(`${rel}/${f.name}`);
      if (f.name === HOOK_FILE) hooks.push(file.path);
      else charts.push(file);
    }
  }
  if (folders.length) throw new SpecError(folders);
  return { config: read(configPath), charts, hooks };
}

/** The per-service TypeScript hook's file name, beside service.yaml (docs/hooks.md). */
export const HOOK_FILE = 'chart.ts';

/** bin/build.js, which compiles hooks with the same esbuild as berth's own bundle (it sits one folder up from both src/ and lib/). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hookBuilder = (): { compileHook(root: string, rel: string): CompiledHook } => require(path.join(__dirname, '..', 'bin', 'build.js'));

/** A hook as bin/build.js compiled it: CommonJS code, and its source map (read on demand). */
interface CompiledHook {
  readonly code: string;
  readonly readMap: () => string;
}

/** The modules a hook shares with berth, berth's own instances (bin/build.js `HOOK_SHARED` leaves them out of the hook's bundle; a test keeps the two lists equal). */
export const HOOK_MODULES: Readonly<Record<string, () => unknown>> = {
  cdk8s: () => cdk8s,
  constructs: () => constructs,
  berth: () => publicApi,
};

/**
 * Compiles (bin/build.js keeps the result until the hook changes) and loads each service's
 * hook, by service name. A hook that does not compile, throws while it loads, or exports no
 * function is a problem at its file and line.
 */
export function loadHooks(root: string, hookFiles: readonly string[], project: LoadedProject): Map<string, LoadedHook> {
  const hooks = new Map<string, LoadedHook>();
  const problems: Problem[] = [];
  for (const rel of hookFiles) {
    const base = `${path.posix.dirname(rel)}/service.yaml`;
    const unit = project.units.find((u) => u.files[0] === base);
    // A hook without its service: loadProject reported the folder already, or the spec failed.
    if (!unit) continue;
    let compiled: CompiledHook;
    try {
      compiled = hookBuilder().compileHook(root, rel);
    } catch (e) {
      const errors = (e as { hookErrors?: Array<{ file: string; line?: number; text: string }> }).hookErrors;
      if (!errors) throw e;
      for (const m of errors) problems.push({ file: m.file, path: '', line: m.line, message: `The hook does not compile: ${m.text}`, fix: 'fix the TypeScript at this line (`npx tsc --noEmit` type-checks hooks too)' });
      continue;
    }
    const filename = path.join(root, `${rel}.compiled.js`);
    let map: SourceMap | undefined;
    const locate = (error: unknown) => sourceLine(error, filename, () => (map ??= new SourceMap(JSON.parse(compiled.readMap()))));
    const hookModule = { exports: {} as Record<string, unknown> };
    const requireShared = (id: string): unknown => {
      if (Object.hasOwn(HOOK_MODULES, id)) return HOOK_MODULES[id]();
      if (isBuiltin(id)) return require(id);
      throw new Error(`a hook cannot load "${id}" at run time: import it so bin/build.js bundles it`);
    };
    try {
      // An indirect eval, not vm: the hook must run in the realm berth runs in (under jest that is
      // not Node's main one), or the plain objects it writes fail cdk8s's `constructor === Object`
      // and its IntOrString values do not render. sourceURL names it in stack traces (sourceLine).
      const wrapped = (0, eval)(`${Module.wrap(compiled.code)}\n//# sourceURL=${filename}`) as (...args: unknown[]) => void;
      wrapped.call(hookModule.exports, hookModule.exports, requireShared, hookModule, filename, path.dirname(filename));
    } catch (e) {
      const at = locate(e);
      problems.push({ file: at?.file ?? rel, path: '', line: at?.line, message: `The hook failed while loading: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, fix: 'fix the hook at this line: code outside the exported function runs once, when berth loads the hook' });
      continue;
    }
    const exported = hookModule.exports.default ?? hookModule.exports;
    if (typeof exported !== 'function') {
      problems.push({ file: rel, path: '', message: 'The hook exports no function', fix: 'export one: `export default function (chart: Chart, ctx: HookContext): void { … }` (Chart from \'cdk8s\', HookContext from \'berth\')' });
      continue;
    }
    hooks.set(unit.name, { file: rel, run: exported as LoadedHook['run'], locate });
  }
  if (problems.length) throw new SpecError(problems);
  return hooks;
}

/**
 * The TypeScript file and line of the innermost stack frame in the project's own code of a hook
 * (the hook or a file of the repository it imports). Frames of the packages bundled into it
 * (cdk8s-plus-28) are skipped: the line to fix is the hook's call into them.
 */
function sourceLine(error: unknown, filename: string, map: () => SourceMap): { file: string; line: number } | undefined {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  for (const line of stack.split('\n')) {
    const at = line.lastIndexOf(`${filename}:`);
    if (at < 0) continue;
    const m = /^:(\d+):(\d+)/.exec(line.slice(at + filename.length));
    if (!m) continue;
    const entry = map().findEntry(Number(m[1]) - 1, Number(m[2]) - 1) as { originalSource?: string; originalLine?: number };
    if (entry.originalSource === undefined || entry.originalLine === undefined || /(^|\/)node_modules\//.test(entry.originalSource)) continue;
    return { file: entry.originalSource, line: entry.originalLine + 1 };
  }
  return undefined;
}

/** What a command loads beyond the specs. */
export interface LoadOptions {
  /** Compile and load the services' hooks: every command that synthesizes needs them. @default true */
  readonly hooks?: boolean;
}

/** A project as loaded, with its services' hooks (unless the caller does not synthesize). */
function withHooks(root: string, hookFiles: readonly string[], project: LoadedProject, opts: LoadOptions): LoadedProject {
  return hookFiles.length && opts.hooks !== false ? { ...project, hooks: loadHooks(root, hookFiles, project) } : project;
}

/** The folder of a service's extra objects (docs/escape-hatches.md). */
const EXTRA_DIR = 'extra';

/**
 * The files of a service's `extra/` folder: its own files (every environment) and those of its
 * environment folders, one level deep (load.ts says which environments exist).
 */
function readExtra(root: string, rel: string, read: (rel: string) => SourceFile, folders: Problem[]): SourceFile[] {
  const out: SourceFile[] = [];
  const visible = (dir: string) => fs.readdirSync(path.join(root, dir), { withFileTypes: true }).filter((e) => !e.name.startsWith('.') && e.name.toLowerCase() !== 'readme.md').sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of visible(rel)) {
    if (!e.isDirectory()) {
      out.push(read(`${rel}/${e.name}`));
      continue;
    }
    for (const f of visible(`${rel}/${e.name}`)) {
      if (f.isDirectory()) folders.push({ file: `${rel}/${e.name}/${f.name}`, path: '', message: 'Unexpected folder under extra/<env>/', fix: 'extra objects live at extra/*.yaml (every environment) and extra/<env>/*.yaml (one); move the files up' });
      else out.push(read(`${rel}/${e.name}/${f.name}`));
    }
  }
  return out;
}

/** Loads and validates every spec of the repo. */
export function loadRepo(root: string, opts: LoadOptions = {}): LoadedProject {
  const { config, charts, hooks } = readSources(root);
  return withHooks(root, hooks, loadProject(config, charts), opts);
}

/**
 * The project as one service sees it: berth.yaml and that service's own files (its folder is
 * named after it, as `berth new` writes it), so a command about one service costs one service
 * however many the repository holds. The rules between services (unique names, namespaces and
 * routes) are the synth's business. When the folder does not hold that service, the whole repo
 * is loaded, and the caller's errors list every service as before.
 */
export function loadService(root: string, service: string, opts: LoadOptions = {}): LoadedProject {
  // A name that could leave charts/ is not a folder name: it is looked up in the whole repo.
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(service) && fs.existsSync(path.join(root, 'charts', service, 'service.yaml'))) {
    const { config, charts, hooks } = readSources(root, service);
    const project = loadProject(config, charts);
    if (project.units.some((u) => u.name === service)) return withHooks(root, hooks, project, opts);
  }
  return loadRepo(root, opts);
}

/** Synthesizes the repo in memory: nothing is written. */
export function synthRepo(paths: RepoPaths): SynthOutput {
  return buildOutput(loadRepo(paths.root), { outDir: paths.outDir });
}

/** The strict schema validator, loaded on first use (it compiles validators per kind). */
export function schemaValidator(): (manifests: readonly Manifest[]) => Finding[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('./check/schema') as typeof import('./check/schema')).validateSchema;
}

/** Synthesizes and checks; throws CheckError on any finding. Nothing is written. */
function synthAndCheck(paths: RepoPaths): SynthOutput {
  // Each file is checked as it is rendered and its objects are dropped: memory stays flat.
  const output = buildOutput(loadRepo(paths.root), { outDir: paths.outDir, check: unitChecker(schemaValidator()), keepManifests: false });
  if (output.findings.length || output.problems.length) throw new CheckError(output.findings, output.problems);
  return output;
}

/**
 * `synth --no-checks`, for reading what a spec produces while its output still fails a check:
 * synthesizes without the checks and returns every file as one YAML stream, each file after a
 * `# Source: dist/...` line. Writes nothing: dist/ is what Argo CD syncs, and only checked
 * output may reach it. The secret-leak guard still runs (throwing CheckError): what it finds
 * must never be printed.
 */
export function synthUnchecked(paths: RepoPaths): { stream: string; output: SynthOutput } {
  const output = buildOutput(loadRepo(paths.root), { outDir: paths.outDir, check: (manifests) => checkLeaks(manifests), keepManifests: false });
  // Leaks in what a hook or an extra object adds are told at its file: problems, not findings.
  if (output.findings.length || output.problems.length) throw new CheckError(output.findings, output.problems);
  const stream = [...output.files].map(([file, text]) => `# Source: ${file}\n${text}`).join('---\n');
  return { stream, output };
}

/** Synthesizes, checks and, only when everything succeeded, replaces dist/ in one step. */
export function synthAndWrite(paths: RepoPaths): { output: SynthOutput; changed: boolean } {
  const outDir = paths.outDir ?? 'dist';
  const output = synthAndCheck(paths);
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

/** What `berth diff` compares and found: the changes, and the environments they cover. */
export interface RepoDiff extends TreeDiff {
  readonly environments: readonly string[];
}

/**
 * What a synth would change in dist/: every environment and its Argo CD Applications, or one
 * environment (which must be one berth.yaml defines) with its own.
 */
export function diffRepo(paths: RepoPaths, env?: string): RepoDiff {
  const outDir = paths.outDir ?? 'dist';
  const loaded = loadRepo(paths.root);
  if (env !== undefined) environmentNamed(loaded.config, env);
  const place = (f: string) => placeOf(f, outDir);
  const inScope = (f: string) => env === undefined || place(f)?.env === env;
  // One environment's diff synthesizes that environment's services only.
  const project = env === undefined ? loaded : { ...loaded, units: loaded.units.filter((u) => u.env === env) };
  const fresh = new Map([...buildOutput(project, { outDir, keepManifests: false }).files].filter(([f]) => inScope(f)));
  // A file of dist/ the synth would write unchanged is kept as the synth's own text: one copy of
  // it in memory, and diffTrees skips it by comparing the two.
  const current = new Map<string, string>();
  const dist = path.join(paths.root, outDir);
  walkFiles(dist, (rel) => {
    const file = `${outDir}/${rel}`;
    if (!inScope(file)) return;
    const text = fs.readFileSync(path.join(dist, rel), 'utf8');
    const same = fresh.get(file);
    current.set(file, same === text ? same : text);
  });
  // An environment removed from berth.yaml is still in dist/ until the synth: it is compared too.
  const environments = env === undefined ? [...new Set([...Object.keys(project.config.environments), ...[...current.keys()].flatMap((f) => place(f)?.env ?? [])])].sort() : [env];
  return { ...diffTrees(current, fresh, place), environments };
}

/** The folder a command reads, refused when it does not exist. */
function existingFolder(root: string, dir: string): string {
  const abs = path.resolve(root, dir);
  if (!fs.existsSync(abs)) throw new Error(`${dir}: no such folder`);
  return abs;
}

/** Reads every YAML document under a folder (any manifests, not only berth's). */
export function readManifests(root: string, dir: string): Manifest[] {
  const abs = existingFolder(root, dir);
  const manifests: Manifest[] = [];
  for (const [rel, text] of readTree(abs)) {
    if (/\.ya?ml$/.test(rel)) manifests.push(...parseManifests(path.relative(root, path.join(abs, rel)) || rel, text));
  }
  return manifests;
}

/**
 * Reads the YAML documents under a folder one folder at a time: `visit` gets the objects of the
 * files directly in each folder once its walk is over, so only the folders being walked are held
 * in memory. Files are read and parsed in the order readTree reads them (the first file that does
 * not parse is the one reported).
 */
function walkManifests(root: string, dir: string, visit: (folder: string, manifests: Manifest[]) => void): void {
  const abs = existingFolder(root, dir);
  const walk = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(abs, rel), { withFileTypes: true });
    } catch {
      return;
    }
    const here: Manifest[] = [];
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else if (e.isFile() && /\.ya?ml$/.test(r)) here.push(...parseManifests(path.relative(root, path.join(abs, r)) || r, fs.readFileSync(path.join(abs, r), 'utf8')));
    }
    if (here.length) visit(rel, here);
  };
  walk('');
}

/** Options of {@link checkFolder}. */
export interface CheckFolderOptions {
  /** Run the production guardrails. @default - per environment from berth.yaml; true for folders it does not describe */
  readonly guardrails?: boolean;
}

/**
 * `berth check DIR`: every check on any folder of YAML. Files under `<DIR>/<env>/` of an
 * environment in berth.yaml use that environment's settings, and are checked folder by folder
 * (the objects of one folder together, as the synth checks each service's folder: an envFrom
 * ConfigMap is looked for in the pod's folder), so memory stays flat however many services
 * there are. Anything else is held to production rules, and checked all together.
 */
export function checkFolder(root: string, dir: string, opts: CheckFolderOptions = {}): { findings: Finding[]; objects: number } {
  let envs: Record<string, { production: boolean; guardrails: boolean }> = {};
  if (fs.existsSync(path.join(root, 'berth.yaml'))) {
    try {
      envs = loadProjectConfig({ path: 'berth.yaml', text: fs.readFileSync(path.join(root, 'berth.yaml'), 'utf8') }).environments;
    } catch {
      envs = {};
    }
  }
  const schema = schemaValidator();
  const check = (env: string, list: readonly Manifest[]) => {
    const settings = envs[env] ?? { production: true, guardrails: true };
    return runChecks(list, { production: settings.production, guardrails: opts.guardrails ?? settings.guardrails, schema });
  };
  const findings: Finding[] = [];
  const rest: Manifest[] = [];
  let objects = 0;
  walkManifests(root, dir, (folder, manifests) => {
    objects += manifests.length;
    const env = envFolderOf(folder) ?? '';
    if (env in envs) findings.push(...check(env, manifests));
    else rest.push(...manifests);
  });
  if (rest.length) findings.push(...check('', rest));
  // One order whatever order the file system lists folders in (the formatters sort too).
  return { findings: findings.sort(compareFindings), objects };
}

// --- berth promote / set-image: edit image references in the specs --------------------------------

/** What an image command changed: the edits, in the files it wrote (none when nothing changes). */
export interface ImageChange {
  readonly edits: readonly ImageEdit[];
  readonly written: readonly string[];
  /** The project as it loads after the edits. */
  readonly project: LoadedProject;
}

/** The first line of an overlay berth creates, like the ones `berth new` writes. */
const NEW_OVERLAY = '# yaml-language-server: $schema=../../schema/service-overlay.schema.json\n';

/**
 * Plans image edits on the loaded repo, applies them to the specs' text (comments and formatting
 * kept), validates the whole project as it would be, and only then writes the changed files,
 * each replaced in one rename. A refused edit or an invalid result writes nothing.
 */
export function editImages(root: string, plan: (project: LoadedProject) => ImageEdit[]): ImageChange {
  const sources = readSources(root);
  const before = loadProject(sources.config, sources.charts);
  const edits = plan(before);
  if (edits.length === 0) return { edits, written: [], project: before };
  const texts = new Map(sources.charts.map((f) => [f.path, f.text]));
  const changed = new Set<string>();
  const done: ImageEdit[] = [];
  for (const e of edits) {
    const text = texts.get(e.file) ?? NEW_OVERLAY;
    // What the file itself said, when it sets the key (an overlay may have hidden it in the plan).
    const own = valueAt(/^[ \t]*[^#\s]/m.test(text) ? yaml.load(text) : {}, e.keys);
    done.push(typeof own === 'string' ? { ...e, from: own } : e);
    try {
      texts.set(e.file, setScalar(e.file, text, e.keys, e.to));
    } catch (err) {
      if (!(err instanceof YamlEditError)) throw err;
      throw new SpecError([{ file: e.file, path: e.keys.join('.'), message: err.message.slice(e.file.length + 2), fix: err.fix }]);
    }
    changed.add(e.file);
  }
  const after = loadProject(sources.config, [...texts].map(([p, text]) => ({ path: p, text })));
  for (const file of changed) {
    const abs = path.join(root, file);
    const tmp = `${abs}.berth-${process.pid}`;
    fs.writeFileSync(tmp, texts.get(file)!);
    fs.renameSync(tmp, abs);
  }
  return { edits: done, written: [...changed].sort(), project: after };
}

/** `berth check --format sarif`: the findings as SARIF, each at the line of its field in its file. */
export function sarifLog(root: string, findings: readonly Finding[]): string {
  const lookups = new Map<string, ReturnType<typeof findingLines>>();
  return formatSarif(findings, (f) => {
    let lineOf = lookups.get(f.file);
    if (!lineOf) {
      const abs = path.join(root, f.file);
      lineOf = findingLines(fs.existsSync(abs) ? fs.readFileSync(abs, 'utf8') : '');
      lookups.set(f.file, lineOf);
    }
    return lineOf(f.object, f.path);
  });
}

/** The settings berth reads from its environment, read here and handed to the CLI. */
export interface BerthEnv {
  /** `BERTH_USAGE_FILE`: where the benchmark wants the run's CPU time and peak RSS. @default - not written */
  readonly usageFile?: string;
  /** `BERTH_DEBUG`: print the stack of an unexpected error. @default false */
  readonly debug?: boolean;
  /** `CDK8S_OUTDIR`: the folder the cdk8s CLI reads when it runs `berth synth --from-cdk8s-cli`. @default - none */
  readonly cdk8sOutdir?: string;
}

/** Reads {@link BerthEnv} from the process's environment (an empty variable counts as unset). */
export function berthEnv(env: NodeJS.ProcessEnv = process.env): BerthEnv {
  return {
    ...(env.BERTH_USAGE_FILE ? { usageFile: env.BERTH_USAGE_FILE } : {}),
    debug: Boolean(env.BERTH_DEBUG),
    ...(env.CDK8S_OUTDIR ? { cdk8sOutdir: env.CDK8S_OUTDIR } : {}),
  };
}
