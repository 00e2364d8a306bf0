/**
 * Guardrail findings of synthesized objects, told as spec problems: at the file and field a
 * person wrote (`charts/rag/service.yaml`, `env.ALLOW_DEV_LOGIN`, line 9), once, with the
 * processes it reaches, instead of once per object at a path inside `dist/`.
 */
import * as yaml from 'js-yaml';
import type { Finding } from '../check/types';
import type { ServiceModel } from '../model/service-model';
import { parsePath, Problem, valueAt } from './errors';
import { overlayTouches, SourceFile, withLines } from './load';
import { ServiceSpec } from './schema';

/** What {@link findingsToProblems} needs of a unit: its spec and model, environment and source files (base first). */
export interface FindingSource {
  readonly env: string;
  readonly spec: ServiceSpec;
  /** Its processes: which spec field declares the process a container runs. */
  readonly model: ServiceModel;
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
    const path = f.check === 'guardrail' ? specField(f, container, unit) : undefined;
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
      file: overlay !== undefined && overlayTouches(overlay, parsePath(m.path)) ? unit.sources[1].path : unit.sources[0].path,
      path: m.path,
      message: `${unit.env}: ${m.message}${m.processes.size ? `, in ${[...m.processes].sort().join(', ')}` : ''}`,
      // Every guardrail says what to do; the fallback only keeps the type honest.
      fix: m.fix ?? 'change the field so the production guardrail passes',
    }),
  );
  return { problems: withLines(problems, unit.sources), rest };
}

/** The spec section of a process's fields that a guardrail names. */
interface ProcessSection {
  readonly env?: Record<string, string>;
  readonly image?: string;
  readonly command?: string[];
  readonly args?: string[];
}

/** The field and spec section of a container, by its name (containers are named after their process). */
function processOf(unit: FindingSource, container: string): { at: string; p: ProcessSection } | undefined {
  const process = unit.model.processes.find((m) => m.name === container);
  return process && { at: process.field, p: valueAt(unit.spec, parsePath(process.field)) as ProcessSection };
}

/** The spec field a guardrail finding comes from, or undefined when the spec does not say it. */
function specField(f: Finding, container: string | undefined, unit: FindingSource): string | undefined {
  const { spec } = unit;
  if (/^Public route to internal path/.test(f.message)) return 'edge.internalPaths';
  if (!container) return undefined;
  const proc = processOf(unit, container);
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
