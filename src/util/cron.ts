/**
 * The schedule macros a Kubernetes CronJob accepts besides five cron fields: the predefined
 * schedules of robfig/cron's standard parser, which the API server's validation and the CronJob
 * controller use. `@every <duration>` and `@reboot` are not among them here: the first has no
 * cron meaning to show in a review (and the controller reads it from the job's creation time),
 * the second does not exist in robfig/cron.
 */

/** Each macro and the five fields it stands for. */
export const CRON_MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** Is this schedule (as written, surrounding blanks ignored) one of the macros? */
export function isCronMacro(schedule: string): boolean {
  return Object.hasOwn(CRON_MACROS, schedule.trim());
}

/** The macros as a reader sees them in a message: `@yearly, @annually, …, @hourly`. */
export const CRON_MACRO_LIST = Object.keys(CRON_MACROS).join(', ');

/** The five cron fields a schedule stands for: a macro expanded, anything else as written. */
function cronFields(schedule: string): string {
  return CRON_MACROS[schedule.trim()] ?? schedule;
}

/** One field of a schedule: its bounds and, for months and weekdays, the names it accepts. */
interface FieldRule {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldRule[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] },
  { name: 'day of week', min: 0, max: 6, names: ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] },
];

/** A schedule read as Kubernetes reads it: the values each field matches. */
export interface CronTimes {
  readonly minutes: readonly number[];
  readonly hours: readonly number[];
  readonly daysOfMonth: ReadonlySet<number>;
  readonly months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday. */
  readonly daysOfWeek: ReadonlySet<number>;
  /**
   * Both day fields are restricted (neither is `*` or `?`): a day that matches either runs the job.
   * Otherwise a day must match both (one of them matches every day).
   */
  readonly eitherDay: boolean;
}

/**
 * Reads a schedule as the CronJob controller does (robfig/cron's standard parser): five fields of
 * `*`, `?`, numbers, `a-b` ranges, `/step`s and comma lists, month and weekday names, or a macro.
 * Throws an Error that says which field is wrong and why. Extensions other cron libraries accept
 * (`L`, `W`, `#`, a weekday 7) are refused: the API server would refuse the CronJob.
 */
export function parseCron(schedule: string): CronTimes {
  const parts = cronFields(schedule).trim().split(/\s+/);
  if (parts.length !== 5) throw new Error(`expected five fields, got ${parts.length}`);
  const read = parts.map((text, i) => readField(text, FIELDS[i]));
  const [minutes, hours, dom, months, dow] = read;
  return {
    minutes: [...minutes.values].sort((a, b) => a - b),
    hours: [...hours.values].sort((a, b) => a - b),
    daysOfMonth: dom.values,
    months: months.values,
    daysOfWeek: dow.values,
    eitherDay: !dom.star && !dow.star,
  };
}

function readField(text: string, rule: FieldRule): { values: Set<number>; star: boolean } {
  const values = new Set<number>();
  let star = false;
  for (const item of text.split(',')) {
    const [range, stepText, extra] = item.split('/');
    if (extra !== undefined) throw new Error(`${rule.name} "${item}" has more than one "/"`);
    const step = stepText === undefined ? 1 : number(stepText, rule, 'step');
    if (step < 1) throw new Error(`${rule.name} "${item}": the step must be at least 1`);
    let from: number;
    let to: number;
    if (range === '*' || range === '?') {
      [from, to] = [rule.min, rule.max];
      // As robfig/cron: `*` (or `*/1`) leaves the field unrestricted; `*/2` restricts it.
      if (step === 1) star = true;
    } else {
      const [a, b, more] = range.split('-');
      if (more !== undefined) throw new Error(`${rule.name} "${item}" has more than one "-"`);
      from = number(a, rule, 'value');
      to = b === undefined ? (stepText === undefined ? from : rule.max) : number(b, rule, 'value');
      if (from > to) throw new Error(`${rule.name} "${item}": the range starts after it ends`);
    }
    for (let v = from; v <= to; v += step) values.add(v);
  }
  return { values, star };
}

function number(text: string, rule: FieldRule, what: string): number {
  const named = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + rule.min;
  if (!/^\d+$/.test(text)) throw new Error(`${rule.name} ${what} "${text}" is not a number${rule.names ? ` or a name (${rule.names[0]}…${rule.names[rule.names.length - 1]})` : ''}`);
  const n = Number(text);
  if (what === 'value' && (n < rule.min || n > rule.max)) throw new Error(`${rule.name} ${n} is out of range ${rule.min}-${rule.max}`);
  return n;
}
