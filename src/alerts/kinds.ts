/**
 * The alerts berth writes: their names (what `alerts.silence` accepts), what each watches, and the
 * severity each has in production. docs/alerts.md has a section per alert, under its name.
 */

/** Severities, most urgent first: what Alertmanager routes on. */
export type Severity = 'critical' | 'warning' | 'info';

/** One alert berth can write. */
interface AlertKind {
  /** What it says, for the `berth alerts` table. */
  readonly watches: string;
  /** In an environment marked `production`; one step lower elsewhere (critical → warning → info). */
  readonly severity: Severity;
}

/** Every alert, by the name it has in Prometheus and Alertmanager. */
const ALERT_KINDS = {
  BerthCronJobNotSucceeded: { watches: 'a CronJob has not succeeded within its schedule interval plus its deadlines', severity: 'warning' },
  BerthJobFailed: { watches: 'a Job failed: the migration hook, or a run of a CronJob', severity: 'warning' },
  BerthDeploymentUnavailable: { watches: 'a Deployment has had unavailable replicas for a while', severity: 'critical' },
  BerthPodRestarting: { watches: "a Deployment's containers restart repeatedly", severity: 'warning' },
  BerthVolumeFilling: { watches: 'a PersistentVolumeClaim is nearly full', severity: 'warning' },
  BerthAutoscalerMaxedOut: { watches: 'a HorizontalPodAutoscaler has been at its maximum for a while', severity: 'warning' },
  BerthHttpErrors: { watches: 'too many HTTP requests answered 5xx', severity: 'critical' },
  BerthHttpLatency: { watches: 'HTTP requests slower than the latency objective', severity: 'warning' },
} as const satisfies Readonly<Record<string, AlertKind>>;

/** The name of an alert berth writes. */
export type AlertName = keyof typeof ALERT_KINDS;

/** Every alert name, in the order docs/alerts.md lists them. */
export const ALERT_NAMES = Object.keys(ALERT_KINDS) as AlertName[];

/** What an alert watches, in a few words (the spec schema's description of its silence). */
export function alertWatches(name: AlertName): string {
  return ALERT_KINDS[name].watches;
}

/** The severity of an alert in an environment: one step lower outside production. */
export function severityIn(name: AlertName, production: boolean, override?: Severity): Severity {
  const base: Severity = override ?? ALERT_KINDS[name].severity;
  if (production) return base;
  return base === 'critical' ? 'warning' : 'info';
}

/** The anchor of an alert's section in docs/alerts.md (GitHub's: the heading, lower-cased). */
export function alertAnchor(name: AlertName): string {
  return name.toLowerCase();
}
