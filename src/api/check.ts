/**
 * `berth check` for code: runs every check (strict schema, Pod Security "restricted", RBAC, the
 * production guardrails, the secret-leak guard) on objects from `Testing.synth(chart)` or on YAML
 * text, so a cdk8s user's unit tests hold their charts to what `berth check` holds `dist/` to.
 */
import { runChecks } from '../check/index';
import { manifestsOf, parseManifests } from '../check/parse-manifests';
import { validateSchema } from '../check/schema';
import { Finding, Manifest } from '../check/types';

/** Options of {@link checkManifests}. */
export interface CheckManifestsOptions {
  /** Hold the objects to production rules: the guardrails run too (as `berth check` does for a folder berth.yaml does not describe). @default true */
  readonly production?: boolean;
  /** Run the guardrails when `production` is set. @default true */
  readonly guardrails?: boolean;
  /** Validate every object against its Kubernetes or CRD schema, unknown fields refused. @default true */
  readonly schema?: boolean;
  /** The file name findings name. @default 'manifests.yaml' */
  readonly file?: string;
}

/**
 * Every finding of berth's checks on `objects` (plain objects, e.g. `Testing.synth(chart)`, or a
 * YAML stream); an empty list when they pass. Findings name the object, the field and the fix
 * (format them with `formatFindings`).
 */
export function checkManifests(objects: string | readonly object[], options: CheckManifestsOptions = {}): Finding[] {
  const file = options.file ?? 'manifests.yaml';
  const manifests: Manifest[] = typeof objects === 'string' ? parseManifests(file, objects) : manifestsOf(file, objects);
  return runChecks(manifests, {
    production: options.production ?? true,
    guardrails: options.guardrails ?? true,
    schema: options.schema === false ? undefined : validateSchema,
  });
}
