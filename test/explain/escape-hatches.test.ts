/**
 * `berth explain` lists what a service adds beside berth's objects: its extra objects (with the
 * file and document they come from) and the objects its patches change; the extra NetworkPolicy
 * of ledger is part of the reachability it computes.
 */
import { berthInProcess, REPO } from '../helpers';

describe('berth explain and the escape hatches', () => {
  test("lists ledger's extra objects and patched objects, and counts its extra NetworkPolicy", async () => {
    const r = await berthInProcess(REPO, 'explain', 'ledger', '--env', 'prod');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('berth explain ledger (prod): namespace ledger, 6 NetworkPolicies');
    const at = lines.indexOf('Objects the service adds or patches (docs/escape-hatches.md):');
    expect(at).toBeGreaterThan(0);
    expect(lines.slice(at + 2, at + 8)).toEqual([
      '  ConfigMap ledger-otel-collector      extra object from charts/ledger/extra/otel-collector-config.yaml (document 1)',
      '  PodMonitor ledger-worker             extra object from charts/ledger/extra/podmonitor.yaml (document 1)',
      '  NetworkPolicy ledger-worker-metrics  extra object from charts/ledger/extra/worker-metrics-policy.yaml (document 1)',
      '  Ingress ledger                       patched by charts/ledger/service.yaml patches[0]',
      '  Deployment ledger-worker             patched by charts/ledger/service.yaml patches[1]',
      '  PrometheusRule ledger-worker-alerts  added by the hook charts/ledger/chart.ts',
    ]);
    // The patched port and the extra policy: Prometheus reaches the worker's metrics.
    const header = lines.find((l) => l.startsWith('from \\ to') && l.includes('worker:9191'))!.split(/\s{2,}/);
    const row = lines.find((l) => l.startsWith('prometheus '))!.split(/\s{2,}/);
    const cell = (column: string) => row[header.indexOf(column)];
    expect({ api: cell('api:8000'), worker: cell('worker:9191'), collector: cell('worker:4317') }).toEqual({ api: 'allowed', worker: 'allowed', collector: 'denied' });
  });

  test('a service with neither prints no such section', async () => {
    const r = await berthInProcess(REPO, 'explain', 'rag', '--env', 'prod');
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('Objects the service adds or patches');
  });
});
