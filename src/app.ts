/**
 * buildOutput: loaded specs → every object, ordered and rendered, keyed by output file. Pure.
 *
 * Each service/environment is its own cdk8s App with one chart: cdk8s resolves and validates the
 * whole App on every synth, so one App per output unit keeps synthesis linear in the number of
 * services (one big App with a chart per service grows quadratically).
 */
import { App } from 'cdk8s';
import { Manifest } from './check/types';
import { ServiceChart } from './chart/service-chart';
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

/** Synthesizes one service in one environment into plain objects. */
export function synthUnit(project: LoadedProject, unit: ServiceUnit): Record<string, any>[] {
  const app = new App({ outdir: '/nonexistent' });
  const chart = new ServiceChart(app, unit.name, { spec: unit.spec, env: project.config.environments[unit.env], envName: unit.env });
  return sortObjects(chart.toJson());
}

/** Synthesizes every unit and renders the files under `outDir` (default `dist`). */
export function buildOutput(project: LoadedProject, outDir = 'dist'): SynthOutput {
  const files = new Map<string, string>();
  const manifests: Manifest[] = [];
  for (const unit of project.units) {
    const objects = synthUnit(project, unit);
    const file = `${unitDir(outDir, unit.env, unit.name)}/manifests.yaml`;
    files.set(file, toYamlStream(objects));
    for (const object of objects) manifests.push({ file, object });
  }
  return { files, manifests };
}
