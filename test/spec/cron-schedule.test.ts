/**
 * Cron schedules: five fields, or one of the macros a Kubernetes CronJob accepts (robfig/cron's
 * predefined schedules), written to the CronJob as the spec has them.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { berth, find, specInput, synthSpec, tempRepo } from '../helpers';
import { CronSchedule } from '../../src/spec/schema';
import { parseCron } from '../../src/util/cron';

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
    // rag alone: the other services would only make the synth longer.
    for (const service of fs.readdirSync(path.join(repo, 'charts'))) if (service !== 'rag') fs.rmSync(path.join(repo, 'charts', service), { recursive: true });
    const spec = path.join(repo, 'charts/rag/service.yaml');
    const text = fs.readFileSync(spec, 'utf8');
    fs.writeFileSync(spec, text.replace('  tmpCleanup:\n', '  tmpCleanup:\n    schedule: "@midnight"\n'));
    const r = berth(repo, 'synth');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const objects = yaml.loadAll(fs.readFileSync(path.join(repo, 'dist/prod/rag/manifests.yaml'), 'utf8')) as any[];
    expect(find(objects, 'CronJob', 'rag-tmp-cleanup').spec.schedule).toBe('@midnight');
  });

  describe('five fields, read as the CronJob controller reads them (robfig/cron)', () => {
    const set = (...xs: number[]) => new Set(xs);

    test('ranges, steps, lists, names and `?`', () => {
      const c = parseCron('*/20 9-17/4 1,15 jan-mar/2 MON-fri');
      expect(c.minutes).toEqual([0, 20, 40]);
      expect(c.hours).toEqual([9, 13, 17]);
      expect(c.daysOfMonth).toEqual(set(1, 15));
      expect(c.months).toEqual(set(1, 3));
      expect(c.daysOfWeek).toEqual(set(1, 2, 3, 4, 5));
      expect(parseCron('0 3 ? * 0').daysOfWeek).toEqual(set(0));
      // `a/step` runs from a to the field's end.
      expect(parseCron('5/20 * * * *').minutes).toEqual([5, 25, 45]);
    });

    test('both day fields restricted: either one runs the job; `*` and `*/1` leave a field unrestricted, `*/2` does not', () => {
      expect(parseCron('0 3 1 * 1').eitherDay).toBe(true);
      expect(parseCron('0 3 * * 1').eitherDay).toBe(false);
      expect(parseCron('0 3 1 * */1').eitherDay).toBe(false);
      expect(parseCron('0 3 1 * */2').eitherDay).toBe(true);
      expect(parseCron('@weekly')).toEqual(parseCron('0 0 * * 0'));
    });

    test.each([
      ['0 3 L * *', 'day of month value "L" is not a number'],
      ['0 3 * * 5L', 'day of week value "5L" is not a number or a name (SUN…SAT)'],
      ['0 3 * * 1#2', 'day of week value "1#2" is not a number or a name (SUN…SAT)'],
      ['0 3 * * 7', 'day of week 7 is out of range 0-6'],
      ['0 24 * * *', 'hour 24 is out of range 0-23'],
      ['0 3 0 * *', 'day of month 0 is out of range 1-31'],
      ['*/0 * * * *', 'minute "*/0": the step must be at least 1'],
      ['0 5-3 * * *', 'hour "5-3": the range starts after it ends'],
      ['0 3 * foo *', 'month value "foo" is not a number or a name (JAN…DEC)'],
    ])('fails when the API server would refuse it: %s', (schedule, message) => {
      expect(() => parseCron(schedule)).toThrow(message);
      const r = CronSchedule.safeParse(schedule);
      expect(r.error?.issues[0].message).toBe(`is not a valid cron expression ("${schedule}"): ${message}`);
    });
  });
});
