/**
 * Guardrail findings of synthesized objects, told as spec problems: at the file and field a
 * person wrote (`charts/rag/service.yaml`, `env.ALLOW_DEV_LOGIN`, line 9), once, with the
 * processes it reaches, instead of once per object at a path inside `dist/`.
 */
import * as yaml from 'js-yaml';
import type { Finding } from '../check/types';
import { parsePath, Problem } from './errors';
import { SourceFile, withLines } from './load';
import { ServiceSpec } from './schema';

/** What {@link findingsToProblems} needs of a unit: its spec, environment and source files (base first). */
export interface FindingSource {
  readonly env: string;
  readonly spec: ServiceSpec;
  readonly sources: readonly SourceFile[];
}

/** `Container "backend" sets X=1 via ConfigMap "c" (why)` → the container and the rest. */
const CONTAINER = /^Container "([^"]+)" /;

/**
 * Turns the guardrail findings of one unit into problems at the spec fields that produced them;
 * findings it cannot place (other checks, or a guardrail about something the spec does not say)
 * are returned as they are.
 */
export function findingsToProblems(findings: readonly Finding[], unit: FindingSource): { problems: Problem[]; rest: Finding[] } {
  const rest: Finding[] = [];
  const merged = new Map<string, { path: string; message: string; fix?: string; processes: Set<string> }>();
  for (const f of findings) {
    const container = CONTAINER.exec(f.message)?.[1];
    const path = f.check === 'guardrail' ? specField(f, container, unit.spec) : undefined;
    if (path === undefined) {
      rest.push(f);
      continue;
    }
    // The ConfigMap is how berth delivers the spec's env; the spec line is what to edit.
    const message = f.message.replace(CONTAINER, '').replace(/^sets /, '').replace(/ via ConfigMap "[^"]*"/, '');
    const key = `${path}\0${message}`;
    const seen = merged.get(key) ?? { path, message: message.charAt(0).toUpperCase() + message.slice(1), fix: f.fix, processes: new Set<string>() };
    if (container) seen.processes.add(container);
    merged.set(key, seen);
  }
  const overlay = unit.sources[1] ? safeLoad(unit.sources[1].text) : undefined;
  const problems = [...merged.values()].map(
    (m): Problem => ({
      file: overlay !== undefined && has(overlay, parsePath(m.path)) ? unit.sources[1].path : unit.sources[0].path,
      path: m.path,
      message: `${unit.env}: ${m.message}${m.processes.size ? `, in ${[...m.processes].sort().join(', ')}` : ''}`,
      // Every guardrail says what to do; the fallback only keeps the type honest.
      fix: m.fix ?? 'change the field so the production guardrail passes',
    }),
  );
  return { problems: withLines(problems, unit.sources), rest };
}

/** The process group and spec of a container, by its name (containers are named after their process). */
function processOf(spec: ServiceSpec, container: string): { at: string; p: { env?: Record<string, unknown>; image?: string; command?: string[]; args?: string[] } } | undefined {
  for (const group of ['web', 'workers', 'singletons'] as const) {
    const p = (spec[group] as Record<string, { env?: Record<string, unknown>; image?: string; command?: string[]; args?: string[] }>)[container];
    if (p) return { at: `${group}.${container}`, p };
  }
  if (spec.cron.jobs[container]) return { at: `cron.jobs.${container}`, p: spec.cron.jobs[container] };
  if (container === 'migrate' && spec.migration) return { at: 'migration', p: spec.migration };
  if (container === 'tmp-cleanup' && spec.cron.tmpCleanup) return { at: 'cron.tmpCleanup', p: spec.cron.tmpCleanup };
  if (container === 'retention' && spec.cron.retention) return { at: 'cron.retention', p: {} };
  return undefined;
}

/** The spec field a guardrail finding comes from, or undefined when the spec does not say it. */
function specField(f: Finding, container: string | undefined, spec: ServiceSpec): string | undefined {
  if (/^Public route to internal path/.test(f.message)) return 'edge.internalPaths';
  if (!container) return undefined;
  const proc = processOf(spec, container);
  const env = / sets ([A-Za-z_][A-Za-z0-9_]*)=/.exec(f.message)?.[1];
  if (env) return proc?.p.env && env in proc.p.env ? `${proc.at}.env.${env}` : env in spec.env ? `env.${env}` : undefined;
  if (!proc) return undefined;
  const field = / runs a development server \(.+ in (command|args)/.exec(f.message)?.[1] as 'command' | 'args' | undefined;
  if (field) return proc.p[field] ? `${proc.at}.${field}` : proc.at;
  if (/ image "/.test(f.message)) return proc.p.image ? `${proc.at}.image` : 'image';
  if (/ has no (readiness|liveness)Probe$/.test(f.message)) return `${proc.at}.health`;
  if (/ has no memory limit$/.test(f.message)) return `${proc.at}.resources.memoryLimit`;
  return undefined;
}

function safeLoad(text: string): unknown {
  try {
    return yaml.load(text);
  } catch {
    return undefined;
  }
}

/** Does the data set this path? */
function has(data: unknown, path: ReadonlyArray<string | number>): boolean {
  let cur = data;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object' || !(String(seg) in cur)) return false;
    cur = (cur as Record<string, unknown>)[String(seg)];
  }
  return path.length > 0;
}
