/**
 * Every check berth runs on synthesized manifests, in one call: Pod Security, RBAC and the
 * secret-leak guard always, production guardrails for production environments, and the schema validator when
 * the caller passes one in (it is injected so this module does not load the schemas itself).
 */
import { checkGuardrails } from './guardrails';
import { checkLeaks } from './leaks';
import { checkPodSecurity } from './pod-security';
import { checkRbac } from './rbac';
import { compareFindings } from './format';
import { Finding, Manifest } from './types';

export { checkGuardrails } from './guardrails';
export type { GuardrailOptions } from './guardrails';
export { checkLeaks } from './leaks';
export { checkPodSecurity } from './pod-security';
export type { PodSecurityLevel, PodSecurityOptions } from './pod-security';
export { checkRbac } from './rbac';
export { formatFindings } from './format';
export type { FindingFormat } from './format';
export { objectRef } from './types';
export type { CheckName, Finding, Manifest } from './types';

/** Options of {@link runChecks}. */
export interface RunChecksOptions {
  /** Manifests of a production environment: run the guardrails too. */
  readonly production: boolean;
  /** Set to false to skip the guardrails even in production. @default true */
  readonly guardrails?: boolean;
  /** A schema validator, e.g. `validateSchema` from `./schema`. @default - no schema validation */
  readonly schema?: (manifests: readonly Manifest[]) => Finding[];
}

/** Runs the checks that apply and returns every finding, ordered by file, object and check. */
export function runChecks(manifests: readonly Manifest[], opts: RunChecksOptions): Finding[] {
  const findings: Finding[] = [
    ...(opts.schema ? opts.schema(manifests) : []),
    ...checkPodSecurity(manifests),
    // A grant is the same in staging and production (often one cluster): checked in every environment.
    ...checkRbac(manifests),
    // The leak guard runs below in every environment; do not report its findings twice.
    ...(opts.production && opts.guardrails !== false ? checkGuardrails(manifests, { leaks: false }) : []),
    ...checkLeaks(manifests),
  ];
  return findings.sort(compareFindings);
}
