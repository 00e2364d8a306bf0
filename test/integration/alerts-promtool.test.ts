/**
 * The alerting rules berth writes, run by Prometheus's own tool (`promtool`, from Debian's
 * `prometheus` package; `.ci/prometheus.sh` installs it):
 *
 * - `promtool check rules` on the rule groups of every PrometheusRule in dist/ (the committed
 *   output, which the golden test holds to a fresh synth) and of a test project with schedules in
 *   other time zones, weekly, and HTTP metrics with starlette-exporter's label;
 * - `promtool test rules` with synthetic kube-state-metrics, kubelet and HTTP series: for every
 *   rule, a case that fires and one that does not. The rules come from the synthesized objects
 *   (never copied expressions), the series from the numbers the plan built them from, so a rule
 *   that stops doing what its plan says fails here.
 *
 * promtool reads a `groups:` document, not a PrometheusRule: each object's `spec` goes to a file.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { buildOutput } from '../../src/app';
import { PlannedAlert } from '../../src/alerts/plan';
import { planFor } from '../../src/alerts/table';
import { loadRepo } from '../../src/main';
import { serviceObjectName } from '../../src/util/names';
import { CHART_SERVICES } from '../helpers';
import { LoadedProject, loadProject } from '../../src/spec/load';

const REPO = path.resolve(__dirname, '../..');

const promtool = spawnSync('promtool', ['--version'], { encoding: 'utf8' });
if (promtool.status !== 0) {
  throw new Error('promtool is not installed: run `bash .ci/prometheus.sh` (Debian/Ubuntu: apt-get install prometheus), then npm run test:integration');
}

/** Evaluation time of every case: 70 minutes into 80 minutes of one-minute samples. */
const EVAL_MINUTES = 70;
const T = EVAL_MINUTES * 60;
const SAMPLES = 80;

type Labels = Record<string, string>;
interface Series {
  readonly series: string;
  readonly values: string;
}
interface Case {
  readonly name: string;
  readonly series: Series[];
  /** Labels the alert carries from its series (the rule's own are added). Undefined: it must not fire. */
  readonly fires?: Labels;
}

const selector = (metric: string, labels: Labels) => `${metric}{${Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`;
/** The same value at every sample. */
const constant = (metric: string, labels: Labels, value: number): Series => ({ series: selector(metric, labels), values: `${value}+0x${SAMPLES}` });
/** A value per minute, from a function of the minute. */
const perMinute = (metric: string, labels: Labels, f: (minute: number) => number): Series => ({
  series: selector(metric, labels),
  values: Array.from({ length: SAMPLES + 1 }, (_, m) => String(f(m))).join(' '),
});

const KSM = { job: 'kube-state-metrics' };

/** A firing and a quiet case (or more) for one rule, built from the numbers its plan holds. */
function casesFor(rule: PlannedAlert): Case[] {
  const p = rule.params;
  const ns = { namespace: rule.namespace };
  switch (rule.alert) {
    case 'BerthCronJobNotSucceeded': {
      const labels = { ...ns, cronjob: String(p.cronjob), ...KSM };
      const threshold = Number(p.thresholdSeconds);
      const lastSuccess = (ago: number): Case => ({ name: `last success ${ago}s ago`, series: [constant('kube_cronjob_status_last_successful_time', labels, T - ago), constant('kube_cronjob_created', labels, T - 400 * 86400)], fires: ago > threshold ? labels : undefined });
      const neverSucceeded = (age: number): Case => ({ name: `never succeeded, created ${age}s ago`, series: [constant('kube_cronjob_created', labels, T - age)], fires: age > threshold ? labels : undefined });
      return [lastSuccess(threshold + 600), lastSuccess(threshold - 600), neverSucceeded(threshold + 600), neverSucceeded(threshold - 600)];
    }
    case 'BerthJobFailed': {
      if (rule.kind === 'Job') {
        const labels = { ...ns, job_name: String(p.jobName), ...KSM };
        return [
          { name: 'failed', series: [constant('kube_job_failed', { ...labels, condition: 'true' }, 1), constant('kube_job_failed', { ...labels, condition: 'false' }, 0)], fires: { ...labels, condition: 'true' } },
          { name: 'not failed', series: [constant('kube_job_failed', { ...labels, condition: 'true' }, 0), constant('kube_job_failed', { ...labels, condition: 'false' }, 1)] },
        ];
      }
      const window = Number(p.windowSeconds);
      const run = (createdAgo: number): Case => {
        const labels = { ...ns, job_name: `${p.cronjob}-29437020`, ...KSM };
        return {
          name: `a run created ${createdAgo}s ago failed`,
          series: [constant('kube_job_failed', { ...labels, condition: 'true' }, 1), constant('kube_job_created', labels, T - createdAgo)],
          fires: createdAgo < window ? { ...labels, condition: 'true' } : undefined,
        };
      };
      // Another CronJob's run whose name starts the same must not count.
      const other = { ...ns, job_name: `${p.cronjob}-extra-29437020`, ...KSM };
      return [run(600), run(window + 600), { name: "another CronJob's failed run", series: [constant('kube_job_failed', { ...other, condition: 'true' }, 1), constant('kube_job_created', other, T - 600)] }];
    }
    case 'BerthDeploymentUnavailable': {
      const labels = { ...ns, deployment: String(p.deployment), ...KSM };
      const since = (minutes: number): Case => ({ name: `unavailable for ${minutes}m`, series: [perMinute('kube_deployment_status_replicas_unavailable', labels, (m) => (m >= EVAL_MINUTES - minutes ? 1 : 0))], fires: minutes > Number(p.forMinutes) ? labels : undefined });
      return [since(Number(p.forMinutes) + 5), since(Number(p.forMinutes) - 5)];
    }
    case 'BerthPodRestarting': {
      const labels = { ...ns, pod: `${p.deployment}-7d9f8b6c5-x2x4z`, container: 'app', ...KSM };
      const restarts = (n: number): Case => ({ name: `${n} restarts in the last hour`, series: [perMinute('kube_pod_container_status_restarts_total', labels, (m) => (m >= 30 ? n : 0))], fires: n > Number(p.restartsPerHour) ? labels : undefined });
      const other = { ...labels, pod: `${p.deployment}-extra-7d9f8b6c5-x2x4z` };
      return [
        restarts(Number(p.restartsPerHour) + 2),
        restarts(1),
        { name: "another Deployment's pod whose name starts the same", series: [perMinute('kube_pod_container_status_restarts_total', other, (m) => (m >= 30 ? 100 : 0))] },
      ];
    }
    case 'BerthVolumeFilling': {
      const labels = { ...ns, persistentvolumeclaim: String(p.claim), job: 'kubelet', node: 'node-1' };
      const capacity = 100 * 2 ** 30;
      const used = (ratio: number): Case => ({
        name: `${Math.round(ratio * 100)}% used`,
        series: [constant('kubelet_volume_stats_capacity_bytes', labels, capacity), constant('kubelet_volume_stats_used_bytes', labels, Math.round(capacity * ratio))],
        fires: ratio > Number(p.usedRatio) ? labels : undefined,
      });
      return [used(Number(p.usedRatio) + (1 - Number(p.usedRatio)) / 3), used(0.5)];
    }
    case 'BerthAutoscalerMaxedOut': {
      const labels = { ...ns, horizontalpodautoscaler: String(p.autoscaler), ...KSM };
      const max = Number(p.maxReplicas);
      const at = (current: number, minutes: number): Case => ({
        name: `${current} of ${max} replicas for ${minutes}m`,
        series: [perMinute('kube_horizontalpodautoscaler_status_current_replicas', labels, (m) => (m >= EVAL_MINUTES - minutes ? current : 1)), constant('kube_horizontalpodautoscaler_spec_max_replicas', labels, max)],
        // Matched on (namespace, horizontalpodautoscaler): the alert keeps those two.
        fires: current >= max && minutes > Number(p.forMinutes) ? { ...ns, horizontalpodautoscaler: String(p.autoscaler) } : undefined,
      });
      return [at(max, Number(p.forMinutes) + 5), at(max, Number(p.forMinutes) - 5), at(max - 1, SAMPLES)];
    }
    case 'BerthHttpErrors': {
      const labels = { ...ns, service: String(p.service), job: String(p.service), pod: `${p.service}-7d9f8b6c5-x2x4z`, handler: '/api/items', method: 'GET' };
      const ratio = Number(p.errorRatio);
      const errors = (r: number): Case => ({
        name: `${(r * 100).toFixed(1)}% 5xx`,
        series: [
          perMinute(`${p.histogram}_count`, { ...labels, [String(p.statusLabel)]: String(p.statusLabel) === 'status' ? '2xx' : '200' }, (m) => m * 6000),
          perMinute(`${p.histogram}_count`, { ...labels, [String(p.statusLabel)]: String(p.statusLabel) === 'status' ? '5xx' : '503' }, (m) => Math.round((m * 6000 * r) / (1 - r))),
        ],
        fires: r > ratio ? { namespace: rule.namespace, service: String(p.service) } : undefined,
      });
      return [errors(Math.min(ratio * 2, 0.9)), errors(ratio / 2)];
    }
    case 'BerthHttpLatency': {
      const labels = { ...ns, service: String(p.service), job: String(p.service), pod: `${p.service}-7d9f8b6c5-x2x4z`, handler: '/api/items', method: 'GET' };
      const l = Number(p.latencySeconds);
      const bounds = [l / 2, l, l * 2];
      // Cumulative buckets: every request at most `slowest` seconds (or all in the slowest bucket).
      const requestsTaking = (upTo: number, name: string, fires: boolean): Case => ({
        name,
        series: [...bounds.map((b) => perMinute(`${p.histogram}_bucket`, { ...labels, le: String(b) }, (m) => (b >= upTo ? m * 6000 : 0))), perMinute(`${p.histogram}_bucket`, { ...labels, le: '+Inf' }, (m) => m * 6000)],
        fires: fires ? { namespace: rule.namespace, service: String(p.service) } : undefined,
      });
      return [requestsTaking(l * 2, `every request between ${l}s and ${l * 2}s`, true), requestsTaking(l / 2, `every request under ${l / 2}s`, false)];
    }
  }
}

interface RuleDoc {
  alert: string;
  labels: Labels;
  annotations: Labels;
}

/** The promtool test file for one PrometheusRule and its plan. */
function promtoolTests(rulesFile: string, group: { rules: RuleDoc[] }, plan: readonly PlannedAlert[]): { file: object; cases: number } {
  expect(group.rules.map((r) => r.alert)).toEqual(plan.map((r) => r.alert));
  const tests = plan.flatMap((rule, i) => {
    const doc = group.rules[i];
    expect(doc.labels).toEqual(expect.objectContaining(rule.objectLabel));
    return casesFor(rule).map((c) => ({
      name: `${rule.alert} ${rule.kind} ${rule.name}: ${c.name}`,
      interval: '1m',
      input_series: c.series,
      alert_rule_test: [
        {
          eval_time: `${EVAL_MINUTES}m`,
          alertname: rule.alert,
          exp_alerts: c.fires ? [{ exp_labels: { ...c.fires, ...doc.labels }, exp_annotations: doc.annotations }] : [],
        },
      ],
    }));
  });
  return { file: { rule_files: [path.basename(rulesFile)], evaluation_interval: '1m', tests }, cases: tests.length };
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'berth-promtool-'));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function run(args: string[]): { status: number | null; out: string } {
  const r = spawnSync('promtool', args, { cwd: work, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Every PrometheusRule of an output with its file, env and service: berth's own (`<service>-alerts`), or the others (a hook's). */
function ruleObjects(files: ReadonlyMap<string, string>, whose: 'berth' | 'others' = 'berth'): Array<{ env: string; service: string; object: any }> {
  return [...files]
    .filter(([f]) => !f.includes('/argocd/'))
    .flatMap(([f, text]) => {
      const [, env, service] = f.split('/');
      const rules = (yaml.loadAll(text) as any[]).filter((o) => o?.kind === 'PrometheusRule');
      return rules.filter((o) => (o.metadata.name === serviceObjectName(service, 'alerts')) === (whose === 'berth')).map((object) => ({ env, service, object }));
    });
}

function checkAndTest(project: LoadedProject, files: ReadonlyMap<string, string>, prefix: string): void {
  const rules = ruleObjects(files);
  expect(rules.length).toBeGreaterThan(0);
  for (const { env, service, object } of rules) {
    const rulesFile = path.join(work, `${prefix}-${env}-${service}.rules.yaml`);
    fs.writeFileSync(rulesFile, yaml.dump(object.spec));
    const checked = run(['check', 'rules', rulesFile]);
    expect({ unit: `${env}/${service}`, status: checked.status, out: checked.status === 0 ? '' : checked.out }).toEqual({ unit: `${env}/${service}`, status: 0, out: '' });

    const { file, cases } = promtoolTests(rulesFile, object.spec.groups[0], planFor(project, service, env).rules);
    expect(cases).toBeGreaterThan(0);
    const testFile = path.join(work, `${prefix}-${env}-${service}.test.yaml`);
    fs.writeFileSync(testFile, yaml.dump(file, { lineWidth: -1 }));
    const tested = run(['test', 'rules', testFile]);
    expect({ unit: `${env}/${service}`, status: tested.status, out: tested.status === 0 ? '' : tested.out }).toEqual({ unit: `${env}/${service}`, status: 0, out: '' });
  }
}

/** Runs promtool on hand-written cases for one rule of a rule file (the ones the issue names). */
function testCases(object: any, alert: string, cases: Array<{ name: string; series: Series[]; fires?: Labels; match: Labels }>): void {
  const rulesFile = path.join(work, `named-${object.metadata.namespace}-${alert}.rules.yaml`);
  fs.writeFileSync(rulesFile, yaml.dump(object.spec));
  const docs = object.spec.groups[0].rules as RuleDoc[];
  const tests = cases.map((c) => {
    const doc = docs.find((r) => r.alert === alert && Object.entries(c.match).every(([k, v]) => r.labels[k] === v))!;
    expect(doc).toBeDefined();
    return {
      name: c.name,
      interval: '1m',
      input_series: c.series,
      alert_rule_test: [{ eval_time: `${EVAL_MINUTES}m`, alertname: alert, exp_alerts: c.fires ? [{ exp_labels: { ...c.fires, ...doc.labels }, exp_annotations: doc.annotations }] : [] }],
    };
  });
  const testFile = path.join(work, `named-${object.metadata.namespace}-${alert}.test.yaml`);
  fs.writeFileSync(testFile, yaml.dump({ rule_files: [path.basename(rulesFile)], evaluation_interval: '1m', tests }, { lineWidth: -1 }));
  const tested = run(['test', 'rules', testFile]);
  expect({ status: tested.status, out: tested.status === 0 ? '' : tested.out }).toEqual({ status: 0, out: '' });
}

const HOUR = 3600;

describe('the reference systems (dist/)', () => {
  const project = loadRepo(REPO);
  const files = new Map<string, string>();
  for (const env of fs.readdirSync(path.join(REPO, 'dist'))) {
    if (env === 'argocd') continue;
    for (const service of fs.readdirSync(path.join(REPO, 'dist', env))) {
      files.set(`dist/${env}/${service}/manifests.yaml`, fs.readFileSync(path.join(REPO, 'dist', env, service, 'manifests.yaml'), 'utf8'));
    }
  }

  test('every rule file passes promtool check rules, and every rule fires when it should and only then', () => {
    // One per service and environment.
    expect(ruleObjects(files).length).toBe(2 * CHART_SERVICES.length);
    checkAndTest(project, files, 'dist');
  });

  test("the rules a hook adds (charts/ledger/chart.ts: its workers' errors) pass promtool check rules", () => {
    const others = ruleObjects(files, 'others');
    expect(others.map((r) => `${r.env}/${r.object.metadata.name}`).sort()).toEqual(['prod/ledger-worker-alerts', 'staging/ledger-worker-alerts']);
    for (const { env, object } of others) {
      const rulesFile = path.join(work, `hook-${env}-${object.metadata.name}.rules.yaml`);
      fs.writeFileSync(rulesFile, yaml.dump(object.spec));
      const checked = run(['check', 'rules', rulesFile]);
      expect({ env, status: checked.status, out: checked.status === 0 ? '' : checked.out }).toEqual({ env, status: 0, out: '' });
    }
  });

  const rag = ruleObjects(files).find((r) => r.env === 'prod' && r.service === 'rag')!.object;

  test("rag's tmp cleanup: last success 30 hours ago fires, 2 hours ago does not", () => {
    const labels = { namespace: 'rag', cronjob: 'rag-tmp-cleanup', ...KSM };
    testCases(rag, 'BerthCronJobNotSucceeded', [
      { name: '30h', match: { cronjob: 'rag-tmp-cleanup' }, series: [constant('kube_cronjob_status_last_successful_time', labels, T - 30 * HOUR)], fires: labels },
      { name: '2h', match: { cronjob: 'rag-tmp-cleanup' }, series: [constant('kube_cronjob_status_last_successful_time', labels, T - 2 * HOUR)] },
    ]);
  });

  test("rag's failed migration fires, with the Argo CD context in its description", () => {
    const labels = { namespace: 'rag', job_name: 'rag-migrate', condition: 'true', ...KSM };
    testCases(rag, 'BerthJobFailed', [{ name: 'failed migration', match: { job_name: 'rag-migrate' }, series: [constant('kube_job_failed', labels, 1)], fires: labels }]);
    const doc = rag.spec.groups[0].rules.find((r: RuleDoc) => r.labels.job_name === 'rag-migrate');
    expect(doc.labels.severity).toBe('critical');
    expect(doc.annotations.description).toContain('Argo CD Sync hook');
    expect(doc.annotations.description).toContain('Application rag-prod');
  });

  test("rag's uploads claim at 90% fires, at 50% does not; the description names the cleanup CronJob", () => {
    const labels = { namespace: 'rag', persistentvolumeclaim: 'rag-uploads', job: 'kubelet' };
    const at = (ratio: number) => [constant('kubelet_volume_stats_capacity_bytes', labels, 20 * 2 ** 30), constant('kubelet_volume_stats_used_bytes', labels, Math.round(20 * 2 ** 30 * ratio))];
    testCases(rag, 'BerthVolumeFilling', [
      { name: '90%', match: { persistentvolumeclaim: 'rag-uploads' }, series: at(0.9), fires: labels },
      { name: '50%', match: { persistentvolumeclaim: 'rag-uploads' }, series: at(0.5) },
    ]);
    expect(rag.spec.groups[0].rules.find((r: RuleDoc) => r.alert === 'BerthVolumeFilling').annotations.description).toContain('CronJob rag-tmp-cleanup');
  });
});

describe('a project with schedules in other time zones, a weekly job and starlette-exporter metrics', () => {
  const config = fs.readFileSync(path.join(REPO, 'berth.yaml'), 'utf8');
  const spec = `
name: clock
image: registry.example.com/clock:1.0.0
volumes:
  scratch: { size: 1Gi, mountPath: /var/lib/clock }
web:
  api:
    port: 8000
    health: { liveness: /health }
    metrics: { path: /metrics }
    autoscaling: { minReplicas: 2, maxReplicas: 4 }
cron:
  jobs:
    weekly-report: { schedule: "0 4 * * 0", timeZone: America/New_York, command: [python, -m, report] }
    nightly-berlin: { schedule: "30 2 * * *", timeZone: Europe/Berlin, command: [python, -m, nightly] }
    weekdays: { schedule: "0 9 * * 1-5", timeZone: Asia/Kolkata, command: [python, -m, digest] }
alerts:
  http: { histogram: starlette_request_duration_seconds, statusLabel: status_code, errorPercent: 1, latencySeconds: 0.25, latencyQuantile: 0.9 }
`;
  const project = loadProject({ path: 'berth.yaml', text: config }, [{ path: 'charts/clock/service.yaml', text: spec }]);
  const output = buildOutput(project);

  test('every rule passes promtool check rules and fires when it should and only then', () => {
    checkAndTest(project, output.files, 'clock');
  });

  test('the weekly job is late after 7 days plus its deadlines (plus the hour the clock change adds), not after a day', () => {
    const object = ruleObjects(output.files).find((r) => r.env === 'prod')!.object;
    const labels = { namespace: 'clock', cronjob: 'clock-weekly-report', ...KSM };
    const ago = (seconds: number) => [constant('kube_cronjob_status_last_successful_time', labels, T - seconds)];
    const deadlines = 600 + 3600;
    testCases(object, 'BerthCronJobNotSucceeded', [
      { name: '2 days', match: { cronjob: 'clock-weekly-report' }, series: ago(2 * 24 * HOUR) },
      { name: 'a week and an hour, within the deadlines', match: { cronjob: 'clock-weekly-report' }, series: ago(169 * HOUR + deadlines - 60) },
      { name: '8 days', match: { cronjob: 'clock-weekly-report' }, series: ago(8 * 24 * HOUR), fires: labels },
    ]);
  });

  test('the Berlin nightly job allows the 25-hour night of the autumn clock change', () => {
    const object = ruleObjects(output.files).find((r) => r.env === 'prod')!.object;
    const labels = { namespace: 'clock', cronjob: 'clock-nightly-berlin', ...KSM };
    const ago = (seconds: number) => [constant('kube_cronjob_status_last_successful_time', labels, T - seconds)];
    testCases(object, 'BerthCronJobNotSucceeded', [
      { name: '25 hours and the deadlines, less a minute', match: { cronjob: 'clock-nightly-berlin' }, series: ago(25 * HOUR + 4200 - 60) },
      { name: '25 hours and the deadlines, plus a minute', match: { cronjob: 'clock-nightly-berlin' }, series: ago(25 * HOUR + 4200 + 60), fires: labels },
    ]);
  });
});
