/**
 * Test helpers: build a spec from a few fields, synthesize it in memory, and find objects.
 */
import { spawnSync } from 'child_process';
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Chart } from 'cdk8s';
import type { z } from 'zod';
import type { Environment, ServiceSpecInput } from '../src/spec/schema';
import { tempDir } from './temp-dir';

// cdk8s, the schema and the chart are loaded on first use: a test file that needs only REPO, a
// folder or the CLI does not pay for loading the constructs (a third of a second of each).
/* eslint-disable @typescript-eslint/no-require-imports */
const cdk8s = () => require('cdk8s') as typeof import('cdk8s');
const schema = () => require('../src/spec/schema') as typeof import('../src/spec/schema');
const chart = () => require('../src/chart/service-chart') as typeof import('../src/chart/service-chart');
/* eslint-enable @typescript-eslint/no-require-imports */

export { tempDir } from './temp-dir';

export const REPO = path.resolve(__dirname, '..');

/** The services under charts/ (the five seeds and ledger, the escape-hatch reference), so counts follow the folder. */
export const CHART_SERVICES: readonly string[] = fs.readdirSync(path.join(REPO, 'charts')).filter((d) => fs.statSync(path.join(REPO, 'charts', d)).isDirectory()).sort();

/** A minimal valid spec input; override any field. */
export function specInput(overrides: Partial<ServiceSpecInput> = {}): ServiceSpecInput {
  return {
    name: 'demo',
    image: 'registry.example.com/demo:1.0.0',
    web: { api: { port: 8000, health: { liveness: '/health' } } },
    ...overrides,
  };
}

/** Parses an environment through the real schema (so defaults apply). */
export function environment(overrides: z.input<typeof Environment> = {}): Environment {
  return schema().Environment.parse(overrides);
}

/** Synthesizes one spec in one environment and returns the objects. */
export function synthSpec(input: ServiceSpecInput, env: Environment = environment(), envName = 'staging'): any[] {
  const spec = schema().ServiceSpec.parse(input);
  const app = new (cdk8s().App)({ outdir: '/nonexistent' });
  return new (chart().ServiceChart)(app, spec.name, { spec, env, envName }).toJson();
}

/** Synthesizes whatever a test adds to a bare chart. */
export function synthConstruct(build: (chart: Chart) => void, namespace = 'demo'): any[] {
  const { App, Chart } = cdk8s();
  const app = new App({ outdir: '/nonexistent' });
  const scope = new Chart(app, 'test', { namespace, disableResourceNameHashes: true });
  build(scope);
  return scope.toJson();
}

/** The one object of a kind (and name, when given); throws when it is missing or ambiguous. */
export function find(objects: readonly any[], kind: string, name?: string): any {
  const hits = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (hits.length !== 1) throw new Error(`expected one ${kind}${name ? ` ${name}` : ''}, found ${hits.length}: ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return hits[0];
}

/** Every pod template in a list of objects, with the object it belongs to. */
export function podTemplates(objects: readonly any[]): Array<{ owner: any; template: any }> {
  const out: Array<{ owner: any; template: any }> = [];
  for (const o of objects) {
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'Job'].includes(o.kind)) out.push({ owner: o, template: o.spec.template });
    if (o.kind === 'CronJob') out.push({ owner: o, template: o.spec.jobTemplate.spec.template });
  }
  return out;
}

/** A throwaway copy of the repo's inputs (berth.yaml, charts/, dist/) to run the CLI against; removed after the test file. */
export function tempRepo(): string {
  const dir = tempDir();
  for (const entry of ['berth.yaml', 'charts', 'dist']) {
    const src = path.join(REPO, entry);
    if (fs.existsSync(src)) fs.cpSync(src, path.join(dir, entry), { recursive: true });
  }
  return dir;
}

/** Runs the berth CLI (compiled, as users run it) in a directory. */
export function berth(cwd: string, ...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(REPO, 'bin/berth.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, BERTH_DEBUG: '', TZ: 'Pacific/Chatham', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' } });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs a berth command in this process, in a directory: the same `run` the CLI calls, with the
 * folder, stdout and stderr given to it instead of the process's. A tenth of a process's cost;
 * use {@link berth} where the process itself is under test (exit codes, stack traces, start-up).
 */
export async function berthInProcess(cwd: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  // Loaded on first use: test files that never run a command do not load the CLI.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { run } = require('../src/cli') as typeof import('../src/cli');
  let stdout = '';
  let stderr = '';
  const code = await run(args, { cwd, stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** sha256 of every file under a directory, by relative path. */
export function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!fs.existsSync(dir)) return out;
  const listing = (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[]).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name)).sort();
  for (const f of listing) out[path.relative(dir, f)] = createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  return out;
}
