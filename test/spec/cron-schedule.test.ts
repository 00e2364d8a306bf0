/**
 * Cron schedules: five fields, or one of the macros a Kubernetes CronJob accepts (robfig/cron's
 * predefined schedules), written to the CronJob as the spec has them.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { berth, find, specInput, synthSpec, tempRepo } from '../helpers';
import { CronSchedule } from '../../src/spec/schema';

/** What Kubernetes accepts besides five fields, pinned here rather than read from the code under test. */
const KUBERNETES_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

describe('cron schedules', () => {
  test.each(KUBERNETES_MACROS)('%s is accepted and reaches the CronJob as written', (macro) => {
    const objects = synthSpec(specInput({ cron: { jobs: { report: { schedule: macro, command: ['python', '-m', 'report'] } } } }));
    expect(find(objects, 'CronJob', 'demo-report').spec.schedule).toBe(macro);
  });

  test('fails when the macro is one Kubernetes does not know', () => {
    for (const s of ['@reboot', '@every 1h', '@Daily', 'daily']) {
      const r = CronSchedule.safeParse(s);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0].message).toBe(
        `must be a cron expression with five fields (minute hour day month weekday) or one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly, got "${s}"`,
      );
    }
  });

  test('berth synth writes a macro schedule of the rag tmp cleanup to dist/', () => {
    const repo = tempRepo();
    const spec = path.join(repo, 'charts/rag/service.yaml');
    const text = fs.readFileSync(spec, 'utf8');
    fs.writeFileSync(spec, text.replace('  tmpCleanup:\n', '  tmpCleanup:\n    schedule: "@midnight"\n'));
    const r = berth(repo, 'synth');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const objects = yaml.loadAll(fs.readFileSync(path.join(repo, 'dist/prod/rag/manifests.yaml'), 'utf8')) as any[];
    expect(find(objects, 'CronJob', 'rag-tmp-cleanup').spec.schedule).toBe('@midnight');
  });
});
