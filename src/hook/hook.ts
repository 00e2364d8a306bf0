/**
 * The per-service TypeScript hook (`charts/<service>/chart.ts`): what it is given, and the stage
 * of the synth that runs it (after berth built the chart, before the checks). main.ts compiles and
 * loads hooks; this module only runs them, so it touches no file.
 */
import { ApiObject, Chart } from 'cdk8s';
import { applyObjectMetadata } from '../chart/service-chart';
import { objectRef } from '../check/types';
import { serviceLabels } from '../constructs/workloads/labels';
import type { ServiceModel } from '../model/service-model';
import type { Problem } from '../spec/errors';
import type { Environment, ServiceSpec } from '../spec/schema';

/** What a hook is told about the service and environment it runs for. */
export interface HookContext {
  /** The service's name (`name` in its service.yaml). */
  readonly service: string;
  /** The environment's name, as berth.yaml names it (`prod`, `staging`). */
  readonly env: string;
  /** The namespace the service's objects go to; the chart's default, so objects a hook adds get it without saying. */
  readonly namespace: string;
  /** Whether berth.yaml marks the environment production (its guardrails then hold what the hook adds too). */
  readonly production: boolean;
  /** The environment's settings in berth.yaml (its Prometheus and ingress controller pods, cluster issuer, …). */
  readonly environment: Environment;
  /** The service's spec in this environment, overlay merged and defaults applied. Read it; changing it changes nothing. */
  readonly spec: ServiceSpec;
  /** The spec resolved in this environment: processes, secrets, edge, dependencies. Read-only, as `spec`. */
  readonly model: ServiceModel;
}

/**
 * The function `charts/<service>/chart.ts` exports (`export default function (chart, ctx) {…}`):
 * it receives the chart berth built for one service in one environment, and may add objects to
 * it (`new ApiObject(chart, …)`, the typed classes of `imports/`, cdk8s-plus-28's `k8s` classes)
 * and change berth's (`ApiObject.of(…).addJsonPatch(…)`). It runs once per environment.
 */
export type ServiceHook = (chart: Chart, ctx: HookContext) => void;

/** A hook as main.ts loaded it. */
export interface LoadedHook {
  /** Its file, repository-relative: `charts/ledger/chart.ts`. */
  readonly file: string;
  readonly run: ServiceHook;
  /** Where in the TypeScript sources an error the hook threw comes from (source-mapped); undefined when no frame of the hook is on its stack. */
  readonly locate: (error: unknown) => { readonly file: string; readonly line: number } | undefined;
}

/** What a hook did to an object: added it, or changed one berth built. */
export type HookOrigin = 'adds' | 'changes';

/** Thrown when a hook fails: the problem names the hook's file and line, never a stack (app.ts prefixes the environments it failed in). */
export class HookError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.message);
    this.name = 'HookError';
  }
}

const HOOK_FIX = 'fix the hook at this line (the innermost line of your own code the error came through)';

/** The problem for an error a hook threw (or caused: a JSON patch that does not apply is thrown when the chart renders). */
function hookFailure(hook: LoadedHook, error: unknown, doing: string): HookError {
  const at = hook.locate(error);
  const message = error instanceof Error ? error.message : String(error);
  return new HookError({
    file: at?.file ?? hook.file,
    path: '',
    line: at?.line,
    message: `${doing}: ${message.split('\n')[0]}`,
    fix: at ? HOOK_FIX : 'fix the hook: a JSON patch path must exist in the object it patches, and an object it adds must render',
  });
}

/**
 * The hook's stage: runs it on the chart berth built (and the extra objects added to it), and
 * returns the objects it added or changed (by `Kind/namespace/name`, as findings name them), so a
 * finding on one of them names the hook's file. Refuses two objects of one kind and name, and an
 * object it added or changed in another namespace than the service's.
 * Renders the chart before and after: only for a service that has a hook.
 */
export function runHook(chart: Chart, hook: LoadedHook, ctx: HookContext): Map<string, HookOrigin> {
  const before = new Map(apiObjects(chart).map((o) => [o, JSON.stringify(o.toJson())]));
  try {
    hook.run(chart, ctx);
  } catch (e) {
    throw hookFailure(hook, e, 'the hook threw');
  }
  const touched = new Map<string, HookOrigin>();
  const seen = new Set<string>();
  const added: ApiObject[] = [];
  for (const o of apiObjects(chart)) {
    const was = before.get(o);
    let json: Record<string, any>;
    try {
      json = o.toJson();
    } catch (e) {
      throw hookFailure(hook, e, `${o.kind} "${o.name}" does not render after the hook`);
    }
    const namespace: unknown = json.metadata?.namespace;
    const ref = objectRef(json);
    // Argo CD would apply one of the two over the other, whichever it met last.
    if (seen.has(ref)) throw refusal(hook, `the chart holds ${ref} twice`, 'change the object berth wrote (find it in chart.node.findAll(), then addJsonPatch) instead of adding one with its kind and name');
    seen.add(ref);
    if (was === undefined) {
      touched.set(ref, 'adds');
      added.push(o);
    }
    else if (was !== JSON.stringify(json)) touched.set(ref, 'changes');
    else continue;
    // The service's AppProject lets its Application write into the service's namespace only.
    if (namespace !== undefined && namespace !== ctx.namespace) {
      throw refusal(hook, `${ref} is in namespace "${namespace}", not the service's`, `leave metadata.namespace out (the chart gives every object "${ctx.namespace}"); the service's Argo CD project writes into no other namespace`);
    }
  }
  // What the hook adds belongs to the service like an extra object: berth's service labels (which
  // win), then the spec's labels and annotations for every object under the object's own.
  for (const o of added) for (const [k, v] of Object.entries(serviceLabels(ctx.service))) o.metadata.addLabel(k, v);
  applyObjectMetadata(added, ctx.model.metadata);
  return touched;
}

/** A rule the hook's objects broke, at the hook's file (no line: the objects are checked after it returned). */
function refusal(hook: LoadedHook, message: string, fix: string): HookError {
  return new HookError({ file: hook.file, path: '', message, fix });
}

function apiObjects(chart: Chart): ApiObject[] {
  return chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}
