/**
 * Spec → the service's PrometheusRule: the alert plan (src/alerts/plan.ts) written as rules,
 * labelled for the environment's Prometheus, or nothing when alerts are off or all silenced.
 */
import { alertPlan, AlertPlan } from '../alerts/plan';
import { AlertRules } from '../constructs/observability/alert-rules';
import { serviceLabels } from '../constructs/workloads/labels';
import { serviceObjectName } from '../util/names';
import { ServiceContext } from './context';

/** Labels every alert of a service carries, beside the series' own: Alertmanager routes on them. */
function alertLabels(service: string, envName: string): Record<string, string> {
  return { berth_service: service, berth_environment: envName };
}

/** Adds the PrometheusRule; returns the plan it was written from. */
export function buildAlerts(ctx: ServiceContext, runbookBase: string | undefined): AlertPlan {
  const { spec, envName } = ctx;
  const plan = alertPlan({ spec, env: ctx.env, envName, model: ctx.model, runbookBase });
  if (!plan.enabled || plan.rules.length === 0) return plan;
  new AlertRules(ctx.scope, 'alerts', {
    name: serviceObjectName(spec.name, 'alerts'),
    groupName: `berth.${spec.name}`,
    labels: { ...serviceLabels(spec.name), ...plan.ruleLabels },
    rules: plan.rules.map((r) => ({
      alert: r.alert,
      expr: r.expr,
      for: r.for,
      labels: { severity: r.severity, ...alertLabels(spec.name, envName), ...r.objectLabel },
      annotations: { summary: r.summary, description: r.description, ...(r.runbookUrl ? { runbook_url: r.runbookUrl } : {}) },
    })),
    silenced: Object.fromEntries(plan.silenced.map((s) => [s.alert, s.reason])),
  });
  return plan;
}
