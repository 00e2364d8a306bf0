/**
 * ledger's hook (docs/hooks.md): alerts on its Dramatiq workers' failures, which the spec cannot
 * say (berth's alerts cover HTTP, rollouts and jobs). The workers' metrics are scraped through
 * extra/podmonitor.yaml; this turns them into one alert per worker process, computed from the
 * model (a new worker in service.yaml gets its alert without a change here) and paging only in
 * production. A PrometheusRule from the typed classes berth generated (berth/imports/…).
 */
import type { Chart } from 'cdk8s';
import type { HookContext } from 'berth';
import { PrometheusRule, PrometheusRuleSpecGroupsRulesExpr } from 'berth/imports/monitoring.coreos.com';

/** The share of messages that may fail (dramatiq_message_errors_total over dramatiq_messages_total). */
const ERROR_RATIO = 0.05;

export default function workerAlerts(chart: Chart, ctx: HookContext): void {
  const workers = ctx.model.processes.filter((p) => p.kind === 'worker');
  if (workers.length === 0) return;
  const where = (container: string) => `namespace="${ctx.namespace}",container="${container}"`;
  new PrometheusRule(chart, 'worker-alerts', {
    // The labels kube-prometheus-stack selects rules by, as berth gives its own PrometheusRule.
    metadata: { name: `${ctx.service}-worker-alerts`, labels: { 'app.kubernetes.io/name': ctx.service, ...ctx.environment.serviceMonitorLabels } },
    spec: {
      groups: [
        {
          name: `${ctx.service}.workers`,
          rules: workers.map((w) => ({
            alert: 'LedgerWorkerErrors',
            expr: PrometheusRuleSpecGroupsRulesExpr.fromString(
              `sum(rate(dramatiq_message_errors_total{${where(w.name)}}[10m])) / sum(rate(dramatiq_messages_total{${where(w.name)}}[10m])) > ${ERROR_RATIO}`,
            ),
            for: '15m',
            labels: { severity: ctx.production ? 'critical' : 'warning', berth_service: ctx.service, berth_environment: ctx.env, container: w.name },
            annotations: {
              summary: `More than ${ERROR_RATIO * 100}% of the messages of process ${w.name} (${ctx.service} in ${ctx.env}) fail`,
              description: `kubectl -n ${ctx.namespace} logs -l app.kubernetes.io/component=${w.name} --tail=200 shows the actors' tracebacks; failed messages are retried, then dead-lettered.`,
            },
          })),
        },
      ],
    },
  });
}
