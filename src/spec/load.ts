/**
 * YAML text → merged, validated specs. Pure: main.ts reads the files and hands their text here.
 *
 * Layout: `berth.yaml` (project and environments), `charts/<service>/service.yaml` and
 * `charts/<service>/<env>.yaml` overlays. An overlay is deep-merged over the base (objects merge,
 * arrays and scalars replace, `null` removes a key), then the result is validated.
 */
import { createHash } from 'crypto';
import * as yaml from 'js-yaml';
import { z } from 'zod';
import { YamlLines } from '../onboard/yaml-positions';
import { CREDENTIAL_PLACEHOLDER, isSecretName, credentialReason, obviouslyNotSecret } from '../util/credentials';
import { rememberSecrets } from '../util/redact';
import { formatPath, issuesToProblems, parsePath, Problem, SpecError, valueAt } from './errors';
import { UsageError } from '../util/argv';
import { Environment, ProjectConfig, ServiceSpec } from './schema';
import { checkSemantics } from './semantics';
import { resolveService, ServiceModel } from '../model/service-model';
import { EXTRA_FILE, ExtraObject, extraObjectsIn, parseExtraFile } from './extra-objects';
import type { LoadedHook } from '../hook/hook';

/** A file handed in by main.ts: its repository-relative path and text. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
}

/** One service in one environment, ready for the chart. */
export interface ServiceUnit {
  readonly name: string;
  readonly env: string;
  readonly spec: ServiceSpec;
  /** The spec resolved in its environment, built once: what the charts, explain and alerts read. */
  readonly model: ServiceModel;
  /** The files it was built from, base first. */
  readonly files: readonly string[];
  /** Their text, base first: where a problem found later (a guardrail) is placed. @default - none */
  readonly sources?: readonly SourceFile[];
  /** The objects of `extra/` and `extra/<env>/`, in the service's namespace. @default - none */
  readonly extras?: readonly ExtraObject[];
  /** Where each of `spec.patches` was written, in the same order. @default - none */
  readonly patchSources?: readonly PatchSource[];
}

/** Where one patch of a unit was written: the spec or overlay, its index there and its line. */
export interface PatchSource {
  readonly file: string;
  readonly index: number;
  /** @default - unknown */
  readonly line?: number;
  /** The line of each of its RFC 6902 operations, by index. @default - none */
  readonly opLines?: ReadonlyArray<number | undefined>;
}

/** Everything `charts/` and `berth.yaml` describe. */
export interface LoadedProject {
  readonly config: ProjectConfig;
  readonly units: readonly ServiceUnit[];
  /** The services' TypeScript hooks (charts/<service>/chart.ts), by service name, as main.ts loaded them. @default - none */
  readonly hooks?: ReadonlyMap<string, LoadedHook>;
}

/** Limits that keep a hostile or broken file from hanging or exhausting the process. */
export const LIMITS = { maxBytes: 1024 * 1024, maxAliases: 32, maxDepth: 32, maxNodes: 50_000 } as const;

const SECRET_WAYS =
  'secret values never go in a spec. Reference them instead, under secrets.items with secrets.source set to one of: ' +
  '{ existingSecret: <name> } (a Secret created out of band), ' +
  '{ externalSecret: { store: <store> } } with remoteKey/property per item (External Secrets Operator), or ' +
  '{ sealedSecret: {} } with the kubeseal-encrypted value in `encrypted`';

/** Parses one YAML file into plain data, or returns the problem. Empty files are a problem. */
export function parseYamlFile(file: SourceFile): { data: unknown } | { problem: Problem } {
  const fail = (message: string, fix: string) => ({ problem: { file: file.path, path: '', message, fix } });
  if (Buffer.byteLength(file.text, 'utf8') > LIMITS.maxBytes) {
    return fail(`File is larger than ${LIMITS.maxBytes / 1024} KiB`, 'a service spec is a few hundred lines; split it or remove generated content');
  }
  // Nothing but blank lines and comments: js-yaml calls that a syntax error, a person calls it empty.
  if (!/^[ \t]*[^#\s]/m.test(file.text)) return fail('File is empty', 'write a mapping, or delete the file');
  let data: unknown;
  try {
    data = yaml.load(file.text, { filename: file.path, maxAliases: LIMITS.maxAliases, maxDepth: LIMITS.maxDepth });
  } catch (e) {
    const err = e as Error & { reason?: string; mark?: { line: number; column: number } };
    const where = err.mark ? ` (line ${err.mark.line + 1}, column ${err.mark.column + 1})` : '';
    const reason = err.reason ?? err.message.split('\n')[0];
    if (/alias/i.test(reason)) {
      return fail(`YAML uses too many aliases${where}: ${reason}`, `use at most ${LIMITS.maxAliases} aliases; write the values out`);
    }
    if (/maxDepth/.test(reason)) {
      return fail(`YAML nests deeper than ${LIMITS.maxDepth} levels${where}`, 'a service spec nests a few levels; remove the generated or pasted structure');
    }
    return fail(`YAML syntax error${where}: ${reason}`, 'fix the YAML syntax (indentation, quoting, a missing colon)');
  }
  if (data === undefined || data === null) return fail('File is empty', 'write a mapping, or delete the file');
  // Before anything can report on it: no message may echo a secret value of this file.
  rememberSecrets(data);
  if (typeof data !== 'object' || Array.isArray(data)) {
    return fail(`Expected a mapping at the top level, got ${Array.isArray(data) ? 'a list' : typeof data}`, 'start the file with `name: <service>`');
  }
  const proto = protoKeyPath(data);
  if (proto !== undefined) {
    return { problem: { file: file.path, path: proto, message: 'The key "__proto__" is not allowed (JavaScript reads it as an object\'s prototype, so it would be dropped silently)', fix: 'rename or remove the key' } };
  }
  if (countNodes(data, LIMITS.maxNodes) > LIMITS.maxNodes) {
    return fail(`File has more than ${LIMITS.maxNodes} values once aliases are expanded (a service spec has a few hundred)`, 'remove generated content, and write values out instead of nesting aliases');
  }
  return { data };
}

/** The path of the first `__proto__` key (js-yaml keeps it as an own key; most code would not). */
function protoKeyPath(data: unknown, at = ''): string | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const entries: Array<[string, unknown]> = Array.isArray(data) ? data.map((v, i) => [`[${i}]`, v]) : Object.entries(data).map(([k, v]) => [at ? `.${k}` : k, v]);
  for (const [step, v] of entries) {
    if (step === '__proto__' || step === '.__proto__') return `${at}${step}`;
    const found = protoKeyPath(v, `${at}${step}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** How many values data holds once aliases are expanded, counting up to just past `budget`. */
export function countNodes(data: unknown, budget: number): number {
  let n = 0;
  const stack: unknown[] = [data];
  while (stack.length && n <= budget) {
    const cur = stack.pop();
    n++;
    if (cur && typeof cur === 'object') for (const v of Object.values(cur)) stack.push(v);
  }
  return n;
}

/** Deep merge for overlays: objects merge, arrays and scalars replace, null removes. */
export function deepMerge(base: unknown, overlay: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return overlay;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    if (v === null) delete out[k];
    else out[k] = Object.hasOwn(base, k) ? deepMerge(base[k], v) : v;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Does the overlay set this field (or remove it with null)? The file root is the base's. */
export function overlayTouches(overlay: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return false;
  let cur = overlay;
  for (const seg of path) {
    // An overlay's list replaces the base's whole (deepMerge), so everything in it is the overlay's.
    if (Array.isArray(cur)) return true;
    if (!isPlainObject(cur) || !(String(seg) in cur)) return false;
    cur = cur[String(seg)];
  }
  return true;
}

/** Finds secret values written into a spec (or overlay) before schema validation. */
export function findSecretLiterals(file: string, data: unknown): Problem[] {
  const problems: Problem[] = [];
  const item = valueAt(data, ['secrets', 'items']);
  if (isPlainObject(item)) {
    for (const [name, v] of Object.entries(item)) {
      if (typeof v === 'string' || typeof v === 'number') {
        problems.push({ file, path: `secrets.items.${name}`, message: `Secret "${name}" has a plain value`, fix: SECRET_WAYS });
      }
      for (const field of ['value', 'stringData', 'data', 'plaintext']) {
        if (isPlainObject(v) && field in v) {
          problems.push({ file, path: `secrets.items.${name}.${field}`, message: `Secret "${name}" has a plain value`, fix: SECRET_WAYS });
        }
      }
    }
  }
  const envBlocks: Array<[string, unknown]> = [['env', valueAt(data, ['env'])]];
  for (const kind of ['web', 'workers', 'singletons']) {
    const procs = valueAt(data, [kind]);
    if (isPlainObject(procs)) for (const [p, v] of Object.entries(procs)) envBlocks.push([`${kind}.${p}.env`, isPlainObject(v) ? v.env : undefined]);
  }
  envBlocks.push(['migration.env', valueAt(data, ['migration', 'env'])]);
  const jobs = valueAt(data, ['cron', 'jobs']);
  if (isPlainObject(jobs)) for (const [j, v] of Object.entries(jobs)) envBlocks.push([`cron.jobs.${j}.env`, isPlainObject(v) ? v.env : undefined]);
  // Init containers and sidecars (issue 21 item 5), at the service level and in every process.
  const containerOwners: Array<[string, unknown]> = [['', data], ['migration.', valueAt(data, ['migration'])]];
  for (const kind of ['web', 'workers', 'singletons']) {
    const procs = valueAt(data, [kind]);
    if (isPlainObject(procs)) for (const [p, v] of Object.entries(procs)) containerOwners.push([`${kind}.${p}.`, v]);
  }
  if (isPlainObject(jobs)) for (const [j, v] of Object.entries(jobs)) containerOwners.push([`cron.jobs.${j}.`, v]);
  for (const [prefix, owner] of containerOwners) {
    for (const group of ['initContainers', 'sidecars']) {
      const containers = isPlainObject(owner) ? owner[group] : undefined;
      if (isPlainObject(containers)) for (const [c, v] of Object.entries(containers)) envBlocks.push([`${prefix}${group}.${c}.env`, isPlainObject(v) ? v.env : undefined]);
    }
  }
  for (const [where, env] of envBlocks) {
    if (!isPlainObject(env)) continue;
    for (const [k, v] of Object.entries(env)) {
      if (typeof v !== 'string' || v === '') continue;
      const reason = credentialReason(v) ?? (isSecretName(k) ? 'has a name that says it is a secret' : undefined);
      if (reason) {
        problems.push({ file, path: `${where}.${k}`, message: `Env var ${k} ${reason}: a secret literal in the spec`, fix: `move it to secrets.items.${k}; ${SECRET_WAYS}` });
      }
    }
  }
  const reported = new Set(problems.map((p) => p.path));
  return [...problems, ...findCredentials(file, data).filter((p) => !reported.has(p.path))];
}

/**
 * Credential-shaped values anywhere in a file, and keys: a credential that passed validation
 * would be written to dist/ (an annotation, a command argument, an Application's revision).
 * The kubeseal ciphertext of a SealedSecret item is meant to be random; a commit SHA is a
 * revision, not a key.
 */
export function findCredentials(file: string, data: unknown, at: readonly PropertyKey[] = []): Problem[] {
  const where = () => formatPath(at);
  if (typeof data === 'string') {
    const reason = credentialReason(data);
    const last = at[at.length - 1];
    if (!reason || last === 'encrypted' || (last === 'targetRevision' && /^([0-9a-f]{40}|[0-9a-f]{64})$/.test(data))) return [];
    return [{ file, path: where(), message: `The value ${reason} (${data.length} characters): credentials never go in a spec or berth.yaml`, fix: SECRET_WAYS }];
  }
  if (data === null || typeof data !== 'object') return [];
  if (Array.isArray(data)) {
    // A command line: the word after a secret-named flag (`--password x`, `--api-key=x`) is a secret.
    const flagged = data.flatMap((v, i): Problem[] => {
      const inline = typeof v === 'string' ? /^--?([A-Za-z][\w-]*)=(.+)$/.exec(v) : null;
      const previous = typeof data[i - 1] === 'string' ? /^--?([A-Za-z][\w-]*)$/.exec(data[i - 1]) : null;
      const [flag, value] = inline ? [inline[1], inline[2]] : previous && typeof v === 'string' ? [previous[1], v] : [undefined, undefined];
      if (flag === undefined || value === undefined || /^-|^\$/.test(value) || obviouslyNotSecret(value) || value === CREDENTIAL_PLACEHOLDER || !isSecretName(flag.replace(/-/g, '_').toUpperCase())) return [];
      return [{ file, path: formatPath([...at, i]), message: `The value of --${flag} (${value.length} characters) is a secret literal in a command line`, fix: `pass it as an env var from secrets.items (the app reads ${flag.replace(/-/g, '_').toUpperCase()}_FILE or the variable); ${SECRET_WAYS}` }];
    });
    if (flagged.length) return flagged;
  }
  const entries: Array<[PropertyKey, unknown]> = Array.isArray(data) ? data.map((v, i) => [i, v]) : Object.entries(data);
  return entries.flatMap(([k, v]) => {
    const key = typeof k === 'string' ? credentialReason(k) : undefined;
    if (key) return [{ file, path: formatPath([...at, k]), message: `A key ${key}: credentials never go in a spec or berth.yaml`, fix: 'remove the key; reference secrets under secrets.items' }];
    return findCredentials(file, v, [...at, k]);
  });
}

/** Validates berth.yaml. */
export function loadProjectConfig(file: SourceFile): ProjectConfig {
  const parsed = parseYamlFile(file);
  if ('problem' in parsed) throw new SpecError([parsed.problem]);
  const credentials = findCredentials(file.path, parsed.data);
  if (credentials.length) throw new SpecError(withLines(credentials, [file]));
  const result = ProjectConfig.safeParse(parsed.data);
  if (!result.success) throw new SpecError(withLines(issuesToProblems(ProjectConfig, result.error.issues, () => file.path, parsed.data), [file]));
  return result.data;
}

/**
 * The environment `--env NAME` names. A name berth.yaml does not define is a usage error that
 * lists the ones it does, for every command that takes `--env`.
 */
export function environmentNamed(config: ProjectConfig, name: string): Environment {
  const env = Object.hasOwn(config.environments, name) ? config.environments[name] : undefined;
  if (env) return env;
  const names = Object.keys(config.environments).sort();
  throw new UsageError(`--env ${name}: berth.yaml has no environment "${name}"; use one of: ${names.join(', ')}`, false);
}

/** The unit of a service in an environment, or a usage error naming the services that environment has. */
export function unitNamed(project: LoadedProject, service: string, envName: string): ServiceUnit {
  const unit = project.units.find((u) => u.name === service && u.env === envName);
  if (unit) return unit;
  const known = [...new Set(project.units.filter((u) => u.env === envName).map((u) => u.name))].sort();
  throw new UsageError(`no service "${service}" in environment "${envName}"; the services there are: ${known.join(', ') || 'none'}`, false);
}

/**
 * What validating one service's files yields, and what resolving them for an environment yields:
 * pure functions of the files' paths and texts (and of the environment's settings), kept for the
 * next load in this process. A command that loads the repository twice (promote, set-image, diff),
 * and a test that runs many commands on copies of one repository, validate an unchanged service
 * once. Frozen, because every load that finds them shares them: a consumer that wrote to a spec or a
 * model would change what the next load returns (a hook gets copies). The newest entries are kept,
 * by a digest of their files: a synth of a thousand services finds none again, and holds no more
 * than a handful of services beyond its own units.
 */
const MEMO_ENTRIES = 64;
type Validated = { merged: unknown; patchFiles: PatchSource[]; result: ReturnType<typeof ServiceSpec.safeParse> };
type Resolved = { model: ServiceModel; semantic: ReturnType<typeof checkSemantics> };
const parsedMemo = new Map<string, ReturnType<typeof parseYamlFile>>();
const validatedMemo = new Map<string, Validated>();
const resolvedMemo = new Map<string, Resolved>();

function memoized<T>(memo: Map<string, T>, key: string, make: () => T): T {
  const hit = memo.get(key);
  if (hit !== undefined) return hit;
  const made = deepFreeze(make());
  if (memo.size >= MEMO_ENTRIES) memo.delete(memo.keys().next().value!);
  memo.set(key, made);
  return made;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * {@link parseYamlFile} of a spec or overlay, kept like its validation (the next load shares the
 * frozen data). Its values are remembered for redaction again on every load, which may have
 * cleared what the last one remembered.
 */
function parseChartFile(file: SourceFile): ReturnType<typeof parseYamlFile> {
  const parsed = memoized(parsedMemo, filesKey([file]), () => parseYamlFile(file));
  if ('data' in parsed) rememberSecrets(parsed.data);
  return parsed;
}

/** A memo key for files: a digest of their paths and texts, each hashed once per file object. */
const fileDigests = new WeakMap<SourceFile, string>();
function filesKey(files: ReadonlyArray<SourceFile | undefined>): string {
  return files
    .map((f) => {
      if (f === undefined) return '-';
      let digest = fileDigests.get(f);
      if (digest === undefined) {
        digest = createHash('sha256').update(f.path).update('\0').update(f.text).digest('base64');
        fileDigests.set(f, digest);
      }
      return digest;
    })
    .join(' ');
}

/**
 * Loads every service spec and overlay; throws one SpecError listing every problem in every file.
 * @param config berth.yaml as {@link loadProjectConfig} validated it, for a caller that loads many sets of charts against one @default - `configFile` validated
 */
export function loadProject(configFile: SourceFile, chartFiles: readonly SourceFile[], config: ProjectConfig = loadProjectConfig(configFile)): LoadedProject {
  const envs = Object.keys(config.environments).sort();
  const problems: Problem[] = [];

  // Group files by chart directory.
  const dirs = new Map<string, Map<string, SourceFile>>();
  // Extra objects by chart directory, and the environment folder they sit in ('' for every one).
  const extraFiles = new Map<string, Array<{ env: string; objects: ExtraObject[] }>>();
  for (const f of chartFiles) {
    const x = EXTRA_FILE.exec(f.path);
    if (x) {
      const [, dir, env = ''] = x;
      if (env !== '' && !envs.includes(env)) {
        problems.push({ file: f.path, path: '', message: `Extra objects for unknown environment "${env}"`, fix: `environments in berth.yaml: ${envs.join(', ')}; rename the folder extra/${env}/ or add the environment` });
        continue;
      }
      const parsed = parseExtraFile(f);
      problems.push(...parsed.problems);
      extraFiles.set(dir, [...(extraFiles.get(dir) ?? []), { env, objects: parsed.objects }]);
      continue;
    }
    const m = /^charts\/([^/]+)\/([^/]+)\.ya?ml$/.exec(f.path);
    if (!m) {
      problems.push({ file: f.path, path: '', message: 'Unexpected file under charts/', fix: 'specs live at charts/<service>/service.yaml and charts/<service>/<env>.yaml' });
      continue;
    }
    const [, dir, base] = m;
    if (!dirs.has(dir)) dirs.set(dir, new Map());
    dirs.get(dir)!.set(base, f);
  }

  for (const dir of extraFiles.keys()) {
    if (!dirs.get(dir)?.has('service')) problems.push({ file: `charts/${dir}/extra`, path: '', message: `Extra objects for an unknown service: charts/${dir}/ has no service.yaml`, fix: `create charts/${dir}/service.yaml, or move extra/ next to its service` });
  }
  const units: ServiceUnit[] = [];
  const seenNames = new Map<string, string>();
  // One service per namespace and environment: each Application owns its Namespace object.
  const namespaces = new Map<string, { service: string; file: string }>();
  // `<env> <host><path>` → the service that routes it: two Ingresses for one host and prefix
  // leave the controller to pick one, so the second service to claim it is refused.
  const routed = new Map<string, { service: string; file: string }>();
  for (const dir of [...dirs.keys()].sort()) {
    const files = dirs.get(dir)!;
    const baseFile = files.get('service');
    if (!baseFile) {
      for (const f of files.values()) {
        problems.push({ file: f.path, path: '', message: `Overlay for an unknown service: charts/${dir}/ has no service.yaml`, fix: `create charts/${dir}/service.yaml, or move this overlay next to its service` });
      }
      continue;
    }
    for (const [base, f] of files) {
      if (base !== 'service' && !envs.includes(base)) {
        problems.push({ file: f.path, path: '', message: `Overlay for unknown environment "${base}"`, fix: `environments in berth.yaml: ${envs.join(', ')}; rename the file or add the environment` });
      }
    }
    const baseParsed = parseChartFile(baseFile);
    if ('problem' in baseParsed) {
      problems.push(baseParsed.problem);
      continue;
    }
    const baseData = baseParsed.data as Record<string, unknown>;
    // A field reported as a secret literal is not reported again by the schema (as an unknown key).
    const literals = new Set<string>();
    const reportLiterals = (found: Problem[]) => {
      for (const p of found) literals.add(`${p.file}\0${p.path}`);
      problems.push(...found);
    };
    reportLiterals(findSecretLiterals(baseFile.path, baseData));
    const name = typeof baseData.name === 'string' ? baseData.name : undefined;
    if (name !== undefined) {
      const other = seenNames.get(name);
      if (other) {
        problems.push({ file: baseFile.path, path: 'name', message: `Service name "${name}" is already used by ${other}`, fix: 'give every service a unique name' });
        continue;
      }
      seenNames.set(name, baseFile.path);
    }

    // Every environment without an overlay validates the same spec: the schema, most of a load's
    // time, runs once for all of them (and once per process for the same files, see validatedMemo),
    // and their units share the result, which nothing changes (a hook gets copies).
    const validate = (overlay: unknown, overlayFile: SourceFile | undefined): Validated =>
      memoized(validatedMemo, filesKey([baseFile, overlayFile]), () => {
        const { merged, patchFiles } = mergeSpec(baseData, overlay, baseFile, overlayFile);
        return { merged, patchFiles, result: ServiceSpec.safeParse(merged) };
      });
    for (const env of envs) {
      const overlayFile = files.get(env);
      let overlay: unknown = {};
      if (overlayFile) {
        const parsed = parseChartFile(overlayFile);
        if ('problem' in parsed) {
          problems.push(parsed.problem);
          continue;
        }
        overlay = parsed.data;
        reportLiterals(findSecretLiterals(overlayFile.path, overlay));
        const overlayName = (overlay as Record<string, unknown>).name;
        if (overlayName !== undefined && overlayName !== name) {
          problems.push({ file: overlayFile.path, path: 'name', message: `An overlay cannot rename its service (${JSON.stringify(name)} → ${JSON.stringify(overlayName)})`, fix: 'remove `name` from the overlay' });
          continue;
        }
      }
      const { merged, patchFiles, result } = validate(overlay, overlayFile);
      const fileFor = (path: readonly PropertyKey[]) =>
        path[0] === 'patches' && typeof path[1] === 'number' && patchFiles[path[1]] ? patchFiles[path[1]].file : overlayFile && overlayTouches(overlay, path) ? overlayFile.path : baseFile.path;
      if (!result.success) {
        const schemaProblems = issuesToProblems(ServiceSpec as unknown as z.core.$ZodType, result.error.issues, fileFor, merged);
        // A patch's index in the file it was written in (an overlay's come after the service's).
        const own = (p: Problem): Problem => {
          const m = /^patches\[(\d+)\]/.exec(p.path);
          const source = m ? patchFiles[Number(m[1])] : undefined;
          return source ? { ...p, path: `patches[${source.index}]${p.path.slice(m![0].length)}` } : p;
        };
        problems.push(...schemaProblems.map(own).filter((p) => !literals.has(`${p.file}\0${p.path}`)));
        continue;
      }
      const environment = config.environments[env];
      const { model, semantic } = memoized(resolvedMemo, `${filesKey([baseFile, overlayFile])} ${env} ${JSON.stringify(environment)}`, () => {
        const resolved = resolveService(result.data, environment, env);
        return { model: resolved, semantic: checkSemantics(result.data, environment, env, resolved) };
      });
      for (const p of semantic) problems.push({ file: fileFor(parsePath(p.path)), ...p });
      const ns = model.namespace;
      const owner = namespaces.get(`${env}/${ns}`);
      if (owner && owner.service !== result.data.name) {
        problems.push({ file: fileFor(['namespace']), path: 'namespace', message: `Namespace "${ns}" is already the namespace of service "${owner.service}" (${owner.file})`, fix: 'give every service its own namespace' });
        continue;
      }
      namespaces.set(`${env}/${ns}`, { service: result.data.name, file: baseFile.path });
      const hostsFile = fileFor(['edge', 'hosts']);
      // One problem per host: the prefixes another service already routes there.
      const clashes = new Map<number, { host: string; service: string; file: string; paths: string[] }>();
      for (const { host, index, path } of routesOf(model)) {
        const key = `${env} ${host}${path}`;
        const other = routed.get(key);
        if (!other) routed.set(key, { service: result.data.name, file: hostsFile });
        else if (other.service !== result.data.name) {
          const c = clashes.get(index) ?? { host, ...other, paths: [] };
          c.paths.push(path);
          clashes.set(index, c);
        }
      }
      const claimed = [...clashes].map(([index, c]): Problem => ({
        file: hostsFile,
        path: `edge.hosts[${index}]`,
        message: `${env}: service "${c.service}" (${c.file}) already routes ${c.host} ${c.paths.length === 1 ? 'prefix' : 'prefixes'} ${c.paths.join(', ')}`,
        fix: 'give this service its own host, or route a different path prefix (web.<process>.paths)',
      }));
      problems.push(...claimed);
      const extra = extraObjectsIn((extraFiles.get(dir) ?? []).filter((x) => x.env === '' || x.env === env).flatMap((x) => x.objects), ns);
      problems.push(...extra.problems);
      if (semantic.length === 0) {
        units.push({
          name: result.data.name,
          env,
          spec: result.data,
          model,
          files: overlayFile ? [baseFile.path, overlayFile.path] : [baseFile.path],
          sources: overlayFile ? [baseFile, overlayFile] : [baseFile],
          extras: extra.objects,
          patchSources: patchFiles,
        });
      }
    }
  }
  if (problems.length) throw new SpecError(withLines(dedupe(problems), [configFile, ...chartFiles]));
  return { config, units };
}

/**
 * The base spec with an overlay merged over it (deepMerge), except `patches`: an overlay's
 * patches come after the service's instead of replacing them (a patch for one environment is
 * what an overlay adds; `patches: null` drops the service's), and each is remembered with the
 * file it was written in.
 */
export function mergeSpec(base: Record<string, unknown>, overlay: unknown, baseFile: SourceFile, overlayFile: SourceFile | undefined): { merged: unknown; patchFiles: PatchSource[] } {
  const merged = deepMerge(base, overlay);
  const own = (data: unknown) => (isPlainObject(data) && Array.isArray(data.patches) ? data.patches : []);
  const fromBase = own(base);
  const fromOverlay = own(overlay);
  const at = (file: SourceFile, n: number) => {
    const lines = linesOf(file);
    const ops = (index: number) => {
      const patch = (isPlainObject(file === baseFile ? base : overlay) ? own(file === baseFile ? base : overlay)[index] : undefined) as { patch?: unknown } | undefined;
      return Array.isArray(patch?.patch) ? patch.patch.map((_, i) => lines.line(['patches', index, 'patch', i])) : [];
    };
    return Array.from({ length: n }, (_, index): PatchSource => ({ file: file.path, index, line: lines.line(['patches', index]), opLines: ops(index) }));
  };
  // `patches: null` in an overlay drops the service's patches in that environment, as null does everywhere.
  const dropped = isPlainObject(overlay) && overlay.patches === null;
  const patchFiles = [...(fromBase.length && !dropped ? at(baseFile, fromBase.length) : []), ...(overlayFile && fromOverlay.length ? at(overlayFile, fromOverlay.length) : [])];
  if (fromBase.length && isPlainObject(overlay) && Array.isArray(overlay.patches) && isPlainObject(merged)) merged.patches = [...fromBase, ...fromOverlay];
  return { merged, patchFiles };
}

/**
 * The key lines of a file, read once per file object: a service's spec is merged with the overlay
 * of each environment, and reading its lines is a YAML parse of its own.
 */
const fileLines = new WeakMap<SourceFile, YamlLines>();
function linesOf(file: SourceFile): YamlLines {
  let lines = fileLines.get(file);
  if (!lines) fileLines.set(file, (lines = new YamlLines(file.text)));
  return lines;
}

/**
 * Adds the line of each problem's field, found in the text of its file. Only on failure: a
 * valid project pays nothing for it.
 */
export function withLines(problems: readonly Problem[], files: readonly SourceFile[]): Problem[] {
  const texts = new Map(files.map((f) => [f.path, f.text]));
  const located = new Map<string, YamlLines>();
  return problems.map((p) => {
    const text = texts.get(p.file);
    if (p.line !== undefined || !p.path || text === undefined) return p;
    let lines = located.get(p.file);
    if (!lines) located.set(p.file, (lines = new YamlLines(text)));
    const line = lines.line(parsePath(p.path));
    return line === undefined ? p : { ...p, line };
  });
}

/** Every host and path prefix a service routes at the edge: its hosts × the paths of its public web processes. */
function routesOf(model: ServiceModel): Array<{ host: string; index: number; path: string }> {
  if (!model.edge) return [];
  const paths = [...new Set(model.edge.routes.map((r) => r.path))];
  return model.edge.hosts.flatMap((host, index) => paths.map((path) => ({ host, index, path })));
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const k = `${p.file}\0${p.path}\0${p.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
