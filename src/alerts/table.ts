/**
 * `berth alerts SERVICE --env ENV`: the alerts a service gets in an environment, as a table (or
 * JSON), from the same plan the PrometheusRule is written from. Pure: takes the loaded project.
 */
import { runbookBase, alertPlan, AlertPlan } from './plan';
import { LoadedProject, unitNamed } from '../spec/load';
import { serviceObjectName } from '../util/names';

/** Output formats of `berth alerts`. */
export type AlertsFormat = 'text' | 'json';

/** The plan of one service in one environment of a loaded project. */
export function planFor(project: LoadedProject, service: string, envName: string): AlertPlan {
  const unit = unitNamed(project, service, envName);
  return alertPlan({
    spec: unit.spec,
    env: project.config.environments[envName],
    envName,
    model: unit.model,
    runbookBase: runbookBase(project.config),
  });
}

/** The text `berth alerts` prints. */
export function alertsCommand(project: LoadedProject, service: string, envName: string, format: AlertsFormat = 'text'): string {
  const plan = planFor(project, service, envName);
  if (format === 'json') return `${JSON.stringify(plan, null, 2)}\n`;
  const head = `Alerts of ${service} in ${envName}`;
  if (!plan.enabled) return `${head}: off (alerts.enabled is false), no PrometheusRule is written.\n`;
  const labels = Object.entries(plan.ruleLabels).map(([k, v]) => `${k}=${v}`).join(', ');
  const rows = [['ALERT', 'SEVERITY', 'OBJECT', 'FIRES WHEN'], ...plan.rules.map((r) => [r.alert, r.severity, `${r.kind} ${r.name}`, r.threshold])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((row) => row[i].length)));
  const table = rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n');
  const runbooks = [...new Set(plan.rules.map((r) => r.runbookUrl).filter((u): u is string => u !== undefined))];
  const lines = [
    `${head}: ${plan.rules.length} rule${plan.rules.length === 1 ? '' : 's'} in PrometheusRule ${serviceObjectName(service, 'alerts')} (labels ${labels || 'none'})`,
    '',
    table,
  ];
  if (plan.silenced.length) lines.push('', 'Silenced:', ...plan.silenced.map((s) => `  ${s.alert}: ${s.reason}`));
  if (runbooks.length) lines.push('', `Runbook: ${runbooks.length === 1 ? runbooks[0] : runbooks[0].replace(/#.*$/, '')}`);
  return `${lines.join('\n')}\n`;
}
