/**
 * The service chart as TypeScript users create it: `new ServiceChart(app, 'rag', spec, { env })`
 * takes a spec object as written in `charts/<service>/service.yaml` (or read from one with
 * {@link parseServiceSpec}), validates it with the same zod schema and cross-field rules as
 * `berth synth`, applies the same defaults, and builds the very same constructs (it is the chart
 * the YAML front end builds, chart/service-chart.ts). Nothing here reads files, argv or env.
 */
import { Construct } from 'constructs';
import { z } from 'zod';
import { applyPatches } from '../chart/patches';
import { ServiceChart as SpecChart } from '../chart/service-chart';
import { applySyncOrder } from '../chart/sync-waves';
import { resolveService, ServiceModel } from '../model/service-model';
import { formatProblems, issuesToProblems, Problem } from '../spec/errors';
import { findSecretLiterals } from '../spec/load';
import { Environment, ServiceSpec, ServiceSpecInput } from '../spec/schema';
import { checkSemantics } from '../spec/semantics';

/** An environment's settings as written under `environments.<name>` in berth.yaml: every field optional, defaults applied. */
export type EnvironmentInput = z.input<typeof Environment>;

/** Options of {@link ServiceChart}. */
export interface ServiceChartOptions {
  /**
   * The environment's settings, as under `environments.<name>` in berth.yaml (edge profile,
   * ingress class, Prometheus, production, guardrails, …).
   * @default - berth.yaml's defaults: the traefik edge profile, not production, guardrails on
   */
  readonly env?: EnvironmentInput;
  /** The environment's name: labels the alerts (`berth_environment`) and names it in messages. @default 'default' */
  readonly envName?: string;
  /** Where alerts' runbook links point (docs/alerts.md as a URL). @default - no runbook link unless the spec sets alerts.runbookUrl */
  readonly runbookBase?: string;
}

/** The name {@link ServiceChartOptions.envName} defaults to. */
export const DEFAULT_ENV_NAME = 'default';

/**
 * Validates a spec object and an environment as `berth synth` does; throws a plain Error listing
 * every problem (field, message, fix), never a stack of zod internals. Secret values are not echoed.
 * @param where names the spec in the message, e.g. `ServiceChart rag` or a file name
 */
function validateService(where: string, spec: ServiceSpecInput | ServiceSpec, options: ServiceChartOptions = {}): { spec: ServiceSpec; env: Environment; envName: string; model: ServiceModel } {
  const envName = options.envName ?? DEFAULT_ENV_NAME;
  const envResult = Environment.safeParse(options.env ?? {});
  if (!envResult.success) {
    const problems = issuesToProblems(Environment as unknown as z.core.$ZodType, envResult.error.issues, () => `${where}: env`, options.env);
    throw new Error(formatProblems(problems));
  }
  const literals = findSecretLiterals(where, spec);
  if (literals.length) throw new Error(formatProblems(literals));
  const result = ServiceSpec.safeParse(spec);
  if (!result.success) throw new Error(formatProblems(issuesToProblems(ServiceSpec as unknown as z.core.$ZodType, result.error.issues, () => where, spec)));
  const model = resolveService(result.data, envResult.data, envName);
  const semantic = checkSemantics(result.data, envResult.data, envName, model);
  if (semantic.length) throw new Error(formatProblems(semantic.map((p): Problem => ({ file: where, ...p }))));
  return { spec: result.data, env: envResult.data, envName, model };
}

/**
 * One service in one environment: the Namespace, ServiceAccount, workloads, jobs, secrets,
 * NetworkPolicies, edge, monitoring and alerts a spec describes, exactly as `berth synth` writes
 * them, Argo CD sync waves included (only the order of objects in a file and the file layout are
 * the CLI's).
 */
export class ServiceChart extends SpecChart {
  /** The validated spec, defaults applied. */
  readonly spec: ServiceSpec;
  /** The environment's settings, defaults applied. */
  readonly environment: Environment;
  /** The environment's name. */
  readonly envName: string;

  constructor(scope: Construct, id: string, spec: ServiceSpecInput | ServiceSpec, options: ServiceChartOptions = {}) {
    const valid = validateService(`ServiceChart ${id}`, spec, options);
    super(scope, id, { spec: valid.spec, env: valid.env, envName: valid.envName, model: valid.model, runbookBase: options.runbookBase });
    this.spec = valid.spec;
    this.environment = valid.env;
    this.envName = valid.envName;
  }

  /**
   * The objects, with the spec's `patches` applied and the Argo CD sync waves and sync options
   * `berth synth` writes, in its order (app.ts synthUnitTraced); `Testing.synth` and `app.synth()`
   * read this. A patch's target must be one of these objects: there is no extra/ here.
   */
  override toJson(): any[] {
    const objects = super.toJson();
    applyPatches(objects, this.spec.patches, { sources: [] });
    applySyncOrder(objects);
    return objects;
  }
}
