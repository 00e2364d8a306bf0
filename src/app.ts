/**
 * buildOutput: loaded specs → every object, ordered and rendered, keyed by output file. Pure.
 *
 * Each service/environment is its own cdk8s App with one chart: cdk8s resolves and validates the
 * whole App on every synth, so one App per output unit keeps synthesis linear in the number of
 * services (one big App with a chart per service grows quadratically).
 */
import { App, Chart } from 'cdk8s';
import { runChecks } from './check/index';
import { Finding, Manifest } from './check/types';
import { ServiceChart } from './chart/service-chart';
import { applySyncOrder } from './chart/sync-waves';
import { ArgoApplication } from './constructs/delivery/argo-application';
import { Problem, SpecError } from './spec/errors';
import { LoadedProject, ServiceUnit } from './spec/load';
import { toYamlStream } from './output/yaml';

/** What a synth produces: file contents by repository-relative path, and the objects in them. */
export interface SynthOutput {
  readonly files: ReadonlyMap<string, string>;
  readonly manifests: readonly Manifest[];
}

/** The folder of one service in one environment, as Argo CD Applications point at it. */
export function unitDir(outDir: string, env: string, service: string): string {
  return `${outDir}/${env}/${service}`;
}

// Apply order inside a file mirrors the sync order: identity and config, then workloads, then edge.
const KIND_ORDER = [
  'Namespace', 'ServiceAccount', 'ConfigMap', 'SealedSecret', 'ExternalSecret', 'PersistentVolumeClaim', 'NetworkPolicy',
  'Job', 'Service', 'Deployment', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'CronJob',
  'Certificate', 'Middleware', 'Ingress', 'HTTPRoute', 'ServiceMonitor', 'Application',
];
const kindRank = (k: string) => {
  const i = KIND_ORDER.indexOf(k);
  return i < 0 ? KIND_ORDER.length : i;
};

/** Sorts objects by kind order, then name: stable whatever order constructs were added in. */
export function sortObjects<T extends Record<string, any>>(objects: T[]): T[] {
  return objects.sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || (a.metadata?.name < b.metadata?.name ? -1 : a.metadata?.name > b.metadata?.name ? 1 : 0));
}

/** Synthesizes one service in one environment into plain objects, in sync order. */
export function synthUnit(project: LoadedProject, unit: ServiceUnit): Record<string, any>[] {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new ServiceChart(app, unit.name, { spec: unit.spec, env: project.config.environments[unit.env], envName: unit.env });
  const objects = chart.toJson();
  applySyncOrder(objects);
  return sortObjects(objects);
}

/** The folder holding one environment's Argo CD Applications. */
export function appsDir(outDir: string, env: string): string {
  return `${outDir}/argocd/${env}`;
}

/**
 * Argo CD Applications of one environment: one per service (written into `appsDir`), and the
 * root Application that syncs that folder (written beside it, applied once by hand).
 */
export function synthApplications(project: LoadedProject, env: string, outDir: string): { apps: Record<string, any>[]; root: Record<string, any> } {
  const { config } = project;
  const environment = config.environments[env];
  const app = new App({ outdir: '/nonexistent' });
  const chart = new Chart(app, `argocd-${env}`, { disableResourceNameHashes: true });
  const common = {
    argocdNamespace: config.argocdNamespace,
    project: environment.argocd.project,
    destinationServer: environment.cluster,
    prune: environment.argocd.prune,
    selfHeal: environment.argocd.selfHeal,
    labels: { 'berth.dev/environment': env },
  };
  for (const unit of project.units.filter((u) => u.env === env)) {
    new ArgoApplication(chart, unit.name, {
      ...common,
      name: `${unit.name}-${env}`,
      source: { repoURL: config.repoURL, targetRevision: config.targetRevision, path: unitDir(outDir, env, unit.name) },
      destinationNamespace: unit.spec.namespace ?? unit.spec.name,
    });
  }
  const apps = sortObjects(chart.toJson());
  const rootChart = new Chart(app, `argocd-root-${env}`, { disableResourceNameHashes: true });
  new ArgoApplication(rootChart, 'root', {
    ...common,
    name: `berth-${env}`,
    cascadeDelete: false,
    source: { repoURL: config.repoURL, targetRevision: config.targetRevision, path: appsDir(outDir, env) },
    destinationNamespace: config.argocdNamespace,
  });
  return { apps, root: rootChart.toJson()[0] };
}

/** Synthesizes every unit and renders the files under `outDir` (default `dist`). */
export function buildOutput(project: LoadedProject, outDir = 'dist'): SynthOutput {
  const files = new Map<string, string>();
  const manifests: Manifest[] = [];
  const add = (file: string, objects: Record<string, any>[]) => {
    files.set(file, toYamlStream(objects));
    for (const object of objects) manifests.push({ file, object });
  };
  const problems: Problem[] = [];
  for (const unit of project.units) {
    try {
      add(`${unitDir(outDir, unit.env, unit.name)}/manifests.yaml`, synthUnit(project, unit));
    } catch (e) {
      // A construct refused its props: report it against the spec files, like a schema error.
      problems.push({ file: unit.files[unit.files.length - 1], path: '', message: `${unit.env}: ${(e as Error).message}` });
    }
  }
  if (problems.length) throw new SpecError(problems);
  for (const env of Object.keys(project.config.environments).sort()) {
    const { apps, root } = synthApplications(project, env, outDir);
    for (const a of apps) add(`${appsDir(outDir, env)}/${a.metadata.name}.yaml`, [a]);
    add(`${outDir}/argocd/root-${env}.yaml`, [root]);
  }
  return { files, manifests };
}

/** Thrown when synthesized output fails a check; nothing is written. */
export class CheckError extends Error {
  constructor(readonly findings: readonly Finding[]) {
    super(`${findings.length} check finding${findings.length === 1 ? '' : 's'}`);
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
  const byEnv = new Map<string, Manifest[]>();
  for (const m of output.manifests) {
    const parts = m.file.split('/');
    const env = parts[1] === 'argocd' ? '' : parts[1];
    byEnv.set(env, [...(byEnv.get(env) ?? []), m]);
  }
  const findings: Finding[] = [];
  for (const [env, manifests] of byEnv) {
    const settings = project.config.environments[env];
    findings.push(...runChecks(manifests, { production: settings?.production ?? false, guardrails: settings?.guardrails ?? false, schema: opts.schema }));
  }
  return findings;
}
