/**
 * buildOutput: loaded specs → every object, ordered and rendered, keyed by output file. Pure.
 *
 * Each service/environment is its own cdk8s App with one chart: cdk8s resolves and validates the
 * whole App on every synth, so one App per output unit keeps synthesis linear in the number of
 * services (one big App with a chart per service grows quadratically).
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { runbookBase } from './alerts/plan';
import { runChecks } from './check/index';
import { Finding, Manifest, objectRef } from './check/types';
import { HookError, HookOrigin, LoadedHook, runHook } from './hook/hook';
import { ServiceChart } from './chart/service-chart';
import { addExtraObjects } from './chart/extra-objects';
import { AppliedPatch, applyPatches } from './chart/patches';
import { applySyncOrder } from './chart/sync-waves';
import { ExtraObject } from './spec/extra-objects';
import { ArgoApplication } from './constructs/delivery/argo-application';
import { ArgoProject } from './constructs/delivery/argo-project';
import { IN_CLUSTER, notificationAnnotations, projectOf, rootProject, serviceProject } from './chart/delivery';
import { parsePath, Problem, SpecError } from './spec/errors';
import { findingsToProblems } from './spec/findings';
import { LoadedProject, ServiceUnit } from './spec/load';
import { Environment } from './spec/schema';
import { toYamlStream } from './output/yaml';
import { ENVIRONMENT_LABEL } from './util/annotations';
import { KIND_ORDER } from './util/kinds';
import { applicationName, rootName } from './util/names';

/** One part of the output, keyed by environment and service: what it holds, and where it is written. */
export interface OutputUnit {
  readonly env: string;
  /** The service whose manifests, or whose Application, it holds. @default - none: the environment's root Application */
  readonly service?: string;
  /** A service's manifests, or Argo CD objects (a service's Application and project, or the root's). */
  readonly kind: 'manifests' | 'argocd';
  /** The files it is written to, repository-relative. */
  readonly files: readonly string[];
  /** Its objects (empty when the caller asked not to keep them). */
  readonly objects: readonly Manifest[];
  /** The objects the service's hook added or changed, by `Kind/namespace/name`, and the hook's file. @default - no hook */
  readonly hooked?: { readonly file: string; readonly objects: ReadonlyMap<string, HookOrigin> };
}

/** What a synth produces: file contents by repository-relative path, and the objects in them. */
export interface SynthOutput {
  readonly files: ReadonlyMap<string, string>;
  /** Every part of the output by environment and service, in the order they were synthesized. */
  readonly units: readonly OutputUnit[];
  /** The objects, by file (empty when the caller asked not to keep them). */
  readonly manifests: readonly Manifest[];
  /** How many objects were written. */
  readonly objects: number;
}

/** The folder of one service in one environment, as Argo CD Applications point at it. */
export function unitDir(outDir: string, env: string, service: string): string {
  return `${outDir}/${env}/${service}`;
}

// Apply order inside a file mirrors the sync order (util/kinds.ts).
const kindRank = (k: string) => {
  const i = KIND_ORDER.indexOf(k);
  return i < 0 ? KIND_ORDER.length : i;
};

/** Sorts objects by kind order, then name: stable whatever order constructs were added in. */
export function sortObjects<T extends Record<string, any>>(objects: T[]): T[] {
  return objects.sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || (a.metadata?.name < b.metadata?.name ? -1 : a.metadata?.name > b.metadata?.name ? 1 : 0));
}

/**
 * A cdk8s App for one output unit. berth's constructs use no Lazy values or tokens, so the
 * resolvers cdk8s would run on every value of every object are not needed (the typed classes
 * read union values such as Quantity themselves).
 */
function unitApp(): App {
  return new App({ outdir: '/nonexistent', resolvers: [] });
}

/**
 * Renders every ApiObject of a chart. Chart.toJson would first order them by a dependency graph
 * of every construct; berth orders objects itself (sortObjects), so that work is skipped.
 */
export function renderObjects(chart: Chart): Record<string, any>[] {
  return chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject).map((o) => o.toJson());
}

/** Synthesizes one service in one environment into plain objects, in sync order. */
export function synthUnit(project: LoadedProject, unit: ServiceUnit): Record<string, any>[] {
  return synthUnitTraced(project, unit).objects;
}

/** A unit's objects, and where the ones a person added or changed came from (for their findings). */
export interface TracedUnit {
  readonly objects: Record<string, any>[];
  /** Extra objects by object reference (check/types.ts `objectRef`). */
  readonly extras: ReadonlyMap<string, ExtraObject>;
  /** The patches applied to each object, by object reference. */
  readonly patched: ReadonlyMap<string, readonly AppliedPatch[]>;
  /** The service's hook, and what it did to each object it added or changed, by object reference. @default - no hook */
  readonly hooked?: { readonly hook: LoadedHook; readonly objects: ReadonlyMap<string, HookOrigin> };
}

/**
 * {@link synthUnit}, with the escape hatches traced. The stages, in order: berth's objects → the
 * TypeScript hook (hook/hook.ts), on the cdk8s chart, so it runs before the chart is rendered →
 * extra objects (chart/extra-objects.ts), plain objects added to the rendered ones → patches
 * (chart/patches.ts) → sync waves and order; the checks run on the result (buildOutput), so
 * nothing a person adds or changes escapes them. Throws HookError when the hook fails.
 */
function synthUnitTraced(project: LoadedProject, unit: ServiceUnit): TracedUnit {
  const environment = project.config.environments[unit.env];
  const hook = project.hooks?.get(unit.name);
  const chart = new ServiceChart(unitApp(), unit.name, {
    spec: unit.spec,
    model: unit.model,
    env: environment,
    envName: unit.env,
    runbookBase: runbookBase(project.config),
  });
  // Copies: what the hook does to them must not reach the Application or the next check.
  const touched = hook ? runHook(chart, hook, { service: unit.name, env: unit.env, namespace: unit.model.namespace, production: environment.production, environment: structuredClone(environment), spec: structuredClone(unit.spec), model: structuredClone(unit.model) }) : undefined;
  const objects = renderObjects(chart);
  const extras = addExtraObjects(objects, unit.extras ?? [], unit.name, unit.model.namespace, unit.model.metadata);
  const patched = applyPatches(objects, unit.spec.patches, { sources: unit.patchSources ?? [] });
  applySyncOrder(objects);
  return { objects: sortObjects(objects), extras, patched, hooked: hook && touched ? { hook, objects: touched } : undefined };
}

/** The folder holding one environment's Argo CD Applications. */
export function appsDir(outDir: string, env: string): string {
  return `${outDir}/argocd/${env}`;
}

/** The file of an environment's root Application, beside its `appsDir` (applied once by hand). */
export function rootAppFile(outDir: string, env: string): string {
  return `${outDir}/argocd/root-${env}.yaml`;
}

/** Where a file of the output belongs: an environment, and a service or the Argo CD Applications. */
export interface OutputPlace {
  readonly env: string;
  /** The service of `unitDir`. @default - none: the file holds Argo CD Applications */
  readonly service?: string;
}

/**
 * The environment folder a file sits in below `outDir` (the first segment of {@link unitDir}),
 * for folders berth may not have written itself (`berth check DIR`); undefined outside `outDir`.
 * @param outDir @default - the file's own first folder
 */
export function envFolderOf(file: string, outDir = ''): string | undefined {
  if (outDir !== '' && !file.startsWith(`${outDir}/`)) return undefined;
  return file.slice(outDir === '' ? 0 : outDir.length + 1).split('/')[0];
}

/** The inverse of {@link unitDir}, {@link appsDir} and {@link rootAppFile}; undefined for a file berth does not write. */
export function placeOf(file: string, outDir = 'dist'): OutputPlace | undefined {
  if (!file.startsWith(`${outDir}/`)) return undefined;
  const parts = file.slice(outDir.length + 1).split('/');
  if (parts[0] !== 'argocd') return parts.length === 3 ? { env: parts[0], service: parts[1] } : undefined;
  const root = parts.length === 2 ? /^root-(.+)\.yaml$/.exec(parts[1]) : null;
  if (root) return { env: root[1] };
  return parts.length === 3 ? { env: parts[1] } : undefined;
}


/**
 * Argo CD objects of one environment: per service, its AppProject (unless berth.yaml names an
 * existing project) and its Application, written together into `appsDir`; and the root
 * Application with its own project, written beside it and applied once by hand.
 */
function synthApplications(
  project: LoadedProject,
  env: string,
  outDir: string,
  /** `apiVersion` and `kind` of the objects each service's hook added, by service, for its project to allow. @default - none */
  hookKinds: ReadonlyMap<string, ReadonlyArray<{ readonly apiVersion: string; readonly kind: string }>> = new Map(),
): { apps: Array<{ service: string; objects: Record<string, any>[] }>; root: Record<string, any>[] } {
  const { config } = project;
  const environment = config.environments[env];
  const app = unitApp();
  const common = {
    argocdNamespace: config.argocdNamespace,
    prune: environment.argocd.prune,
    selfHeal: environment.argocd.selfHeal,
    labels: { [ENVIRONMENT_LABEL]: env },
    annotations: notificationAnnotations(environment.argocd.notifications),
  };
  const apps: Array<{ service: string; objects: Record<string, any>[] }> = [];
  for (const unit of project.units.filter((u) => u.env === env)) {
    const chart = new Chart(app, `argocd-${env}-${unit.name}`, { disableResourceNameHashes: true });
    const namespace = unit.model.namespace;
    const extraKinds = [...(unit.extras ?? []).map((x) => ({ apiVersion: x.object.apiVersion, kind: x.object.kind })), ...(hookKinds.get(unit.name) ?? [])];
    const projectProps = serviceProject(config, env, unit.name, namespace, extraKinds);
    if (projectProps) new ArgoProject(chart, 'project', projectProps);
    new ArgoApplication(chart, unit.name, {
      ...common,
      name: applicationName(unit.name, env),
      project: projectOf(environment, unit.name, env),
      source: { repoURL: config.repoURL, targetRevision: config.targetRevision, path: unitDir(outDir, env, unit.name) },
      destinationServer: environment.cluster,
      destinationNamespace: namespace,
      description: unit.spec.description,
    });
    apps.push({ service: unit.name, objects: sortObjects(renderObjects(chart)) });
  }
  apps.sort((a, b) => (a.objects[0].metadata.name < b.objects[0].metadata.name ? -1 : 1));
  const rootChart = new Chart(app, `argocd-root-${env}`, { disableResourceNameHashes: true });
  new ArgoProject(rootChart, 'project', rootProject(config, env));
  new ArgoApplication(rootChart, 'root', {
    ...common,
    name: rootName(env),
    project: rootName(env),
    cascadeDelete: false,
    source: { repoURL: config.repoURL, targetRevision: config.targetRevision, path: appsDir(outDir, env) },
    // Applications and AppProjects live in Argo CD's own cluster and namespace, whichever
    // cluster the environment's services run on; that namespace exists wherever Argo CD runs.
    destinationServer: IN_CLUSTER,
    destinationNamespace: config.argocdNamespace,
    createNamespace: false,
  });
  return { apps, root: sortObjects(renderObjects(rootChart)) };
}

/** Options of {@link buildOutput}. */
export interface BuildOptions {
  /** @default 'dist' */
  readonly outDir?: string;
  /**
   * Checks each file's objects as soon as they are rendered, with its environment's settings.
   * With `keepManifests: false` the objects are dropped after that, so memory stays flat however
   * many services there are.
   */
  readonly check?: (manifests: readonly Manifest[], env: Environment | undefined) => Finding[];
  /** Keep every object in `manifests` (for callers that inspect them). @default true */
  readonly keepManifests?: boolean;
}

/**
 * The spec field behind a construct's error, by the construct that raised it. Validation
 * (spec/semantics.ts, checkConstructInputs) refuses what the constructs refuse, so this is the
 * net for a rule it does not know yet: the message still names a field a person can find.
 */
const CONSTRUCT_FIELDS: ReadonlyArray<[RegExp, string]> = [
  [/^(NginxIngress|TraefikIngress|GatewayRoute|PublicEndpoint|EdgeCertificate|buildEdge)\b/, 'edge'],
  [/^TmpCleanup\b/, 'cron.tmpCleanup'],
  [/^RetentionPrune\b/, 'cron.retention'],
  [/^ScheduledJob\b/, 'cron.jobs'],
  [/^(SecretFiles|DotEnvFile|ExternalSecretSource|SealedSecretSource|ExistingSecretSource)\b|^secrets\./, 'secrets'],
  [/^ServiceMonitor\b/, 'web'],
  [/^(NetworkPolicy|NetworkPolicies|NetworkPeer|NetworkPort)\b|^dependencies\./, 'dependencies'],
];
const CONSTRUCT_FIX = 'change the field as the message says (validation should have caught this: please report it, so it does next time)';

function constructField(message: string): string {
  return CONSTRUCT_FIELDS.find(([re]) => re.test(message))?.[1] ?? 'name';
}

/** Synthesizes every unit and renders the files under `outDir`; with `check`, also the findings. */
export function buildOutput(project: LoadedProject, opts: BuildOptions | string = {}): SynthOutput & { readonly findings: readonly Finding[]; readonly problems: readonly Problem[] } {
  const { outDir = 'dist', check, keepManifests = true } = typeof opts === 'string' ? { outDir: opts } : opts;
  const files = new Map<string, string>();
  const manifests: Manifest[] = [];
  const units: OutputUnit[] = [];
  const findings: Finding[] = [];
  // Guardrail findings told at the spec field that produced them, once (spec/findings.ts).
  const problems = new Map<string, Problem>();
  let count = 0;
  // Problems told at an extra file or a patch, with the environments they happen in.
  const placedProblems: PlacedProblems = new Map();
  const add = (place: Omit<OutputUnit, 'files' | 'objects'>, file: string, objects: Record<string, any>[], unit?: ServiceUnit, traced?: TracedUnit) => {
    count += objects.length;
    files.set(file, toYamlStream(objects));
    const list = objects.map((object) => ({ file, object }));
    units.push({ ...place, files: [file], objects: keepManifests ? list : [] });
    const env = place.kind === 'manifests' ? project.config.environments[place.env] : undefined;
    let found = check ? check(list, env) : [];
    if (traced && unit && found.length) found = placeTraced(found, traced, unit.env, placedProblems);
    if (unit?.sources && found.length) {
      const placed = findingsToProblems(found, { env: unit.env, spec: unit.spec, model: unit.model, sources: unit.sources });
      for (const p of placed.problems) problems.set(`${p.file}\0${p.path}\0${p.message}`, p);
      findings.push(...placed.rest);
    } else findings.push(...found);
    if (keepManifests) manifests.push(...list);
  };
  // A construct refused its props: reported against the service's base spec (an overlay only
  // changes a few fields; the spec is where the service is described), once per message, with
  // the environments it happened in.
  const refused = new Map<string, { file: string; message: string; envs: string[] }>();
  // The kinds hooks added, by environment and service, for the services' AppProjects to allow.
  const hookKinds = new Map<string, Map<string, Array<{ apiVersion: string; kind: string }>>>();
  for (const unit of project.units) {
    let traced: TracedUnit;
    try {
      traced = synthUnitTraced(project, unit);
    } catch (e) {
      if (e instanceof SpecError) {
        for (const p of e.problems) addPlaced(placedProblems, p, unit.env);
        continue;
      }
      if (e instanceof HookError) {
        addPlaced(placedProblems, e.problem, unit.env);
        continue;
      }
      const file = unit.files[0];
      const message = (e as Error).message;
      const key = `${file}\0${message}`;
      const seen = refused.get(key);
      if (seen) seen.envs.push(unit.env);
      else refused.set(key, { file, message, envs: [unit.env] });
      continue;
    }
    const hooked = traced.hooked;
    if (hooked) {
      // The namespaced kinds berth does not write (a PodMonitor): the service's AppProject allows them too.
      const added = traced.objects.filter((o) => hooked.objects.get(objectRef(o)) === 'adds').map((o) => ({ apiVersion: o.apiVersion, kind: o.kind }));
      if (added.length) hookKinds.set(unit.env, (hookKinds.get(unit.env) ?? new Map()).set(unit.name, added));
    }
    const place = { env: unit.env, service: unit.name, kind: 'manifests' as const, ...(hooked && { hooked: { file: hooked.hook.file, objects: hooked.objects } }) };
    add(place, `${unitDir(outDir, unit.env, unit.name)}/manifests.yaml`, traced.objects, unit, traced);
  }
  // An extra object or a patch that cannot be built is the person's to fix, at its file: no output.
  const stageProblems = [...placedProblems.values()].filter((p) => !p.finding).map(placedProblem);
  if (stageProblems.length) throw new SpecError(stageProblems);
  if (refused.size) {
    throw new SpecError([...refused.values()].map((r): Problem => ({ file: r.file, path: constructField(r.message), message: `${r.envs.sort().join(', ')}: ${r.message}`, fix: CONSTRUCT_FIX })));
  }
  for (const env of Object.keys(project.config.environments).sort()) {
    const { apps, root } = synthApplications(project, env, outDir, hookKinds.get(env));
    for (const { service, objects } of apps) add({ env, service, kind: 'argocd' }, `${appsDir(outDir, env)}/${objects[objects.length - 1].metadata.name}.yaml`, objects);
    add({ env, kind: 'argocd' }, rootAppFile(outDir, env), root);
  }
  return { files, units, manifests, objects: count, findings, problems: [...problems.values(), ...[...placedProblems.values()].map(placedProblem)] };
}

/** Problems by file, path and message (without the environment), with the environments they happen in. */
type PlacedProblems = Map<string, { problem: Problem; envs: string[]; finding: boolean }>;

function addPlaced(placed: PlacedProblems, problem: Problem, env: string, finding = false): void {
  const key = `${problem.file}\0${problem.path}\0${problem.message}`;
  const seen = placed.get(key);
  if (seen) {
    if (!seen.envs.includes(env)) seen.envs.push(env);
  } else placed.set(key, { problem, envs: [env], finding });
}

function placedProblem({ problem, envs }: { problem: Problem; envs: string[] }): Problem {
  return { ...problem, message: `${envs.sort().join(', ')}: ${problem.message}` };
}

/** Does a finding's field lie in (or contain) a field a patch changed? */
function related(finding: string, changed: string): boolean {
  const under = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`);
  return under(finding, changed) || under(changed, finding);
}

/**
 * Tells the findings on an extra object at its file, document and line, and the findings at a
 * field a patch changed at that patch; returns the rest.
 */
function placeTraced(findings: readonly Finding[], traced: TracedUnit, env: string, placed: PlacedProblems): Finding[] {
  const fix = (f: Finding) => f.fix ?? `change the object so the ${f.check} check passes`;
  return findings.filter((f) => {
    const x = traced.extras.get(f.object);
    if (x) {
      const message = `Document ${x.index + 1} (${x.object.kind} ${x.object.metadata.name}): ${f.message}`;
      addPlaced(placed, { file: x.file, path: f.path, line: x.lineOf(parsePath(f.path)), message, fix: fix(f) }, env, true);
      return false;
    }
    const patch = (traced.patched.get(f.object) ?? []).find((p) => p.changed.some((c) => related(f.path, c)));
    if (patch) {
      const { source } = patch;
      const message = `${f.object} at ${f.path}, which patch ${source.index + 1} changes: ${f.message}`;
      addPlaced(placed, { file: source.file, path: `patches[${source.index}]`, message, fix: fix(f), ...(source.line === undefined ? {} : { line: source.line }) }, env, true);
      return false;
    }
    // An object the hook added or changed: a person fixes the hook, not dist/.
    const origin = traced.hooked?.objects.get(f.object);
    if (!traced.hooked || origin === undefined) return true;
    addPlaced(placed, { file: traced.hooked.hook.file, path: `${f.object}${f.path ? ` ${f.path}` : ''}`, message: `${f.message} (${f.object}, which this hook ${origin})`, fix: fix(f) }, env, true);
    return false;
  });
}

/** The per-file check of a synth: every check, with the environment's production settings. */
export function unitChecker(schema?: (manifests: readonly Manifest[]) => Finding[]): NonNullable<BuildOptions['check']> {
  return (manifests, env) => runChecks(manifests, { production: env?.production ?? false, guardrails: env?.guardrails ?? false, schema });
}

/** Thrown when synthesized output fails a check; nothing is written. */
export class CheckError extends Error {
  /**
   * @param findings what the checks found in objects, by output file
   * @param problems guardrail findings placed at the spec fields that produced them @default - none
   */
  constructor(
    readonly findings: readonly Finding[],
    readonly problems: readonly Problem[] = [],
  ) {
    super(`${findings.length + problems.length} check finding${findings.length + problems.length === 1 ? '' : 's'}`);
    this.name = 'CheckError';
  }
}

/** Options of {@link checkOutput}. */
export interface CheckOutputOptions {
  /** Strict schema validation (injected: the validators are loaded only when asked for). */
  readonly schema?: (manifests: readonly Manifest[]) => Finding[];
}

/**
 * Runs every check on synthesized output, each environment with its own settings: production
 * guardrails where berth.yaml marks the environment production (and does not turn them off).
 */
export function checkOutput(project: LoadedProject, output: SynthOutput, opts: CheckOutputOptions = {}): Finding[] {
  const check = unitChecker(opts.schema);
  return output.units.flatMap((u) => check(u.objects, u.kind === 'manifests' ? project.config.environments[u.env] : undefined));
}
