/**
 * The `notes` service, described by a berth YAML spec (specs/notes/service.yaml, with a
 * production overlay): berth validates it as `berth synth` would and builds the very same
 * constructs. The files are read by main.ts and the tests; this module only builds.
 */
import { Construct } from 'constructs';
import { EnvironmentInput, parseServiceSpec, ServiceChart, SpecSource } from 'berth';

/** The production cluster's settings, as under `environments.prod` in a berth.yaml. */
export const PROD: EnvironmentInput = {
  edgeProfile: 'traefik',
  ingressClassName: 'traefik',
  ingressController: { namespace: 'traefik', podLabels: { 'app.kubernetes.io/name': 'traefik' } },
  production: true,
};

/** The notes service in production, from its spec and overlay. */
export function notesChart(scope: Construct, spec: SpecSource, overlay: SpecSource): ServiceChart {
  return new ServiceChart(scope, 'notes', parseServiceSpec(spec, overlay), { env: PROD, envName: 'prod' });
}
