/**
 * The pieces of the alerts: PromQL quoting, the longest gap of a cron schedule in its time zone,
 * and the plan (thresholds, silences, off per environment, severities, labels, runbook links).
 * promtool runs the rules themselves in test/integration/alerts-promtool.test.ts.
 */
import { resolveService } from '../../src/model/service-model';
import { longestGapSeconds } from '../../src/alerts/cron-gap';
import { alertPlan, runbookBase } from '../../src/alerts/plan';
import { quoteLabelValue, regexLiteral, seriesSelector } from '../../src/alerts/promql';
import { ServiceSpec } from '../../src/spec/schema';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { berth, environment, find, REPO, specInput, synthSpec, tempRepo } from '../helpers';

const HOUR = 3600;

describe('PromQL quoting', () => {
  test('a label value is a double-quoted string with backslash, quote and line breaks escaped', () => {
    expect(quoteLabelValue('rag-backend')).toBe('"rag-backend"');
    expect(quoteLabelValue('a"} or vector(1) #')).toBe('"a\\"} or vector(1) #"');
    expect(quoteLabelValue('back\\slash')).toBe('"back\\\\slash"');
    expect(quoteLabelValue('two\nlines\r\tx')).toBe('"two\\nlines\\r\\tx"');
  });

  test('a regex literal matches only itself', () => {
    const lit = regexLiteral('a.b+c*(d)|e[f]{2}^$?\\');
    expect(new RegExp(`^${lit}$`).test('a.b+c*(d)|e[f]{2}^$?\\')).toBe(true);
    expect(new RegExp(`^${lit}$`).test('aXb+c*(d)|e[f]{2}^$?\\')).toBe(false);
  });

  test('a selector quotes every value, and escapes regex values twice (regex, then string)', () => {
    expect(seriesSelector('kube_job_failed', { namespace: 'rag', job_name: { matches: `${regexLiteral('a.b')}-[0-9]+` } })).toBe('kube_job_failed{namespace="rag",job_name=~"a\\\\.b-[0-9]+"}');
  });

  test('fails when a metric or label name is not one', () => {
    expect(() => seriesSelector('up{x="1"} or vector', {})).toThrow('seriesSelector: "up{x="1"} or vector" is not a metric name');
    expect(() => seriesSelector('up', { 'a"b': 'x' })).toThrow('seriesSelector: "a"b" is not a label name');
  });
});

describe('longestGapSeconds', () => {
  test.each([
    ['0 3 * * *', 'Etc/UTC', 24 * HOUR],
    ['30 2 * * *', 'Europe/Berlin', 25 * HOUR],
    ['0 4 * * 0', 'America/New_York', 169 * HOUR],
    ['0 9 * * 1-5', 'Asia/Kolkata', 72 * HOUR],
    ['*/5 * * * *', 'Etc/UTC', 300],
    ['0 3 1,15 * 1', 'Etc/UTC', 7 * 24 * HOUR],
    ['0 3 28-31 * *', 'Etc/UTC', 28 * 24 * HOUR],
    ['0 0 29 2 *', 'Etc/UTC', (4 * 365 + 1) * 24 * HOUR],
    // The macros Kubernetes accepts.
    ['@hourly', 'Etc/UTC', HOUR],
    ['@daily', 'Europe/Berlin', 25 * HOUR],
    ['@midnight', 'Etc/UTC', 24 * HOUR],
    ['@weekly', 'Etc/UTC', 7 * 24 * HOUR],
    ['@monthly', 'Etc/UTC', 31 * 24 * HOUR],
    ['@yearly', 'Etc/UTC', 366 * 24 * HOUR],
    ['@annually', 'Etc/UTC', 366 * 24 * HOUR],
  ])('%s in %s: %i s', (schedule, tz, seconds) => {
    expect(longestGapSeconds(schedule, tz)).toBe(seconds);
  });

});

describe('alertPlan', () => {
  const plan = (input: Parameters<typeof specInput>[0], production = true, envOverrides = {}) => {
    const spec = ServiceSpec.parse(specInput(input));
    const env = environment({ production, ...envOverrides });
    const envName = production ? 'prod' : 'staging';
    return alertPlan({ spec, env, envName, model: resolveService(spec, env, envName), runbookBase: 'https://git.example.com/p/blob/main/docs/alerts.md' });
  };
  const cron = { tmpCleanup: { volume: 'tmp', maxAgeHours: 24 } };
  const volumes = { tmp: { size: '1Gi', mountPath: '/tmp/demo', accessMode: 'ReadWriteMany' as const } };

  test('the CronJob threshold is the schedule gap plus both deadlines', () => {
    const r = plan({ volumes, cron }).rules.find((x) => x.alert === 'BerthCronJobNotSucceeded')!;
    expect(r.params.thresholdSeconds).toBe(24 * HOUR + 600 + 3600);
    expect(r.expr).toContain('> 90600');
    expect(r.expr).toContain('kube_cronjob_created{namespace="demo",cronjob="demo-tmp-cleanup"}');
  });

  test('production severities, one step lower outside production', () => {
    const sev = (production: boolean) => Object.fromEntries(plan({ volumes, cron, migration: { command: ['alembic', 'upgrade', 'head'] } }, production).rules.map((r) => [`${r.alert} ${r.name}`, r.severity]));
    expect(sev(true)['BerthDeploymentUnavailable demo-api']).toBe('critical');
    expect(sev(true)['BerthJobFailed demo-migrate']).toBe('critical');
    expect(sev(true)['BerthVolumeFilling demo-tmp']).toBe('warning');
    expect(sev(false)['BerthDeploymentUnavailable demo-api']).toBe('warning');
    expect(sev(false)['BerthVolumeFilling demo-tmp']).toBe('info');
  });

  test('thresholds from the spec', () => {
    const p = plan({ volumes, alerts: { volumeUsedPercent: 95, deploymentUnavailableMinutes: 5 } }).rules;
    expect(p.find((r) => r.alert === 'BerthVolumeFilling')!.expr).toMatch(/> 0\.95$/);
    expect(p.find((r) => r.alert === 'BerthDeploymentUnavailable')!.for).toBe('5m');
  });

  test('a silenced alert is left out and kept with its reason; alerts off write nothing', () => {
    const p = plan({ alerts: { silence: { BerthPodRestarting: 'restarts nightly by design, see #12' } } });
    expect(p.rules.map((r) => r.alert)).not.toContain('BerthPodRestarting');
    expect(p.silenced).toEqual([{ alert: 'BerthPodRestarting', reason: 'restarts nightly by design, see #12' }]);
    expect(plan({ alerts: { enabled: false } })).toMatchObject({ enabled: false, rules: [] });
  });

  test("labels: the environment's rule selector, else its ServiceMonitor labels", () => {
    expect(plan({}).ruleLabels).toEqual({ release: 'kube-prometheus-stack' });
    expect(plan({}, true, { ruleLabels: { prometheus: 'main' } }).ruleLabels).toEqual({ prometheus: 'main' });
  });

  test("runbook: docs/alerts.md at the alert's anchor, or the spec's own URL", () => {
    expect(plan({}).rules[0].runbookUrl).toBe('https://git.example.com/p/blob/main/docs/alerts.md#berthdeploymentunavailable');
    expect(plan({ alerts: { runbookUrl: 'https://wiki.example.com/demo' } }).rules[0].runbookUrl).toBe('https://wiki.example.com/demo');
    expect(runbookBase({ repoURL: 'git@github.com:example/gitops.git', targetRevision: 'main' })).toBe('https://github.com/example/gitops/blob/main/docs/alerts.md');
    expect(runbookBase({ repoURL: 'ssh://git@git.example.com:2222/platform/gitops.git', targetRevision: 'release/1' })).toBe('https://git.example.com/platform/gitops/blob/release%2F1/docs/alerts.md');
  });

  test('fails when a schedule runs less than twice in eight years', () => {
    expect(() => plan({ cron: { jobs: { never: { schedule: '0 0 30 2 *', command: ['x'] } } } })).toThrow('runs less than twice in eight years');
  });
});

describe('the chart', () => {
  test('writes one PrometheusRule with the rules and the silences, and none when alerts are off', () => {
    const objects = synthSpec(specInput({ alerts: { silence: { BerthPodRestarting: 'restarts nightly by design, see #12' } } }), environment({ production: true }), 'prod');
    const rule = find(objects, 'PrometheusRule', 'demo-alerts');
    expect(rule.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', 'app.kubernetes.io/name': 'demo' });
    expect(rule.metadata.annotations).toEqual({ 'silenced.berth.dev/BerthPodRestarting': 'restarts nightly by design, see #12' });
    expect(rule.spec.groups[0].rules.map((r: any) => [r.alert, r.labels.deployment, r.labels.severity])).toEqual([['BerthDeploymentUnavailable', 'demo-api', 'critical']]);
    expect(synthSpec(specInput({ alerts: { enabled: false } })).filter((o) => o.kind === 'PrometheusRule')).toEqual([]);
  });
});

describe('the reference systems', () => {
  const rulesOf = (env: string, service: string) => {
    const text = fs.readFileSync(path.join(REPO, 'dist', env, service, 'manifests.yaml'), 'utf8');
    const rule = (yaml.loadAll(text) as any[]).find((o) => o?.kind === 'PrometheusRule');
    return (rule.spec.groups[0].rules as any[]).map((r) => `${r.alert} ${Object.entries(r.labels).filter(([k]) => !['severity', 'berth_service', 'berth_environment'].includes(k)).map(([, v]) => v).join()}`);
  };

  test("rag: its cleanup and retention CronJobs, the migration, the uploads claim, the HTTP objectives", () => {
    expect(rulesOf('prod', 'rag')).toEqual(expect.arrayContaining([
      'BerthCronJobNotSucceeded rag-tmp-cleanup', 'BerthCronJobNotSucceeded rag-retention', 'BerthJobFailed rag-migrate',
      'BerthJobFailed rag-tmp-cleanup', 'BerthJobFailed rag-retention', 'BerthVolumeFilling rag-uploads',
      'BerthAutoscalerMaxedOut rag-backend', 'BerthHttpErrors rag-backend', 'BerthHttpLatency rag-backend',
    ]));
  });

  test("reporting: the scheduler singleton is watched like every Deployment", () => {
    expect(rulesOf('prod', 'reporting')).toEqual(expect.arrayContaining(['BerthDeploymentUnavailable reporting-scheduler', 'BerthPodRestarting reporting-scheduler']));
  });

  test("george: each of the six internal services", () => {
    for (const s of ['auth', 'filesystem', 'chroma', 'billing', 'git', 'external-data']) {
      expect(rulesOf('prod', 'george')).toEqual(expect.arrayContaining([`BerthDeploymentUnavailable george-${s}`, `BerthPodRestarting george-${s}`]));
    }
  });
});

describe('berth alerts', () => {
  // The command reads the repository and writes nothing: one copy serves both.
  const repo = tempRepo();

  test('lists the rules of a service in an environment', () => {
    const r = berth(repo, 'alerts', 'rag', '--env', 'prod');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Alerts of rag in prod: 15 rules in PrometheusRule rag-alerts (labels release=kube-prometheus-stack)');
    expect(r.stdout).toMatch(/^BerthCronJobNotSucceeded +warning +CronJob rag-tmp-cleanup +no success for 1d1h10m$/m);
    expect(r.stdout).toMatch(/^BerthJobFailed +critical +Job rag-migrate /m);
  });

  test('fails when the service is not there', () => {
    const r = berth(repo, 'alerts', 'nope', '--env', 'prod');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 2, stderr: 'berth alerts: no service "nope" in environment "prod"; the services there are: fluxion, george, ledger, rag, reporting, vector-chat\n' });
  });
});
