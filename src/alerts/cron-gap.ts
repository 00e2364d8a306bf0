/**
 * The longest time between two consecutive runs of a cron schedule in its time zone: how long a
 * CronJob may go without a run when nothing is wrong. A daily job is 24 h apart most of the year
 * and 25 h across the autumn clock change; a weekly one 168 h (169 h); `0 9 * * 1-5` 72 h over a
 * weekend. The alert for a CronJob that stopped succeeding waits this long plus its deadlines.
 *
 * Computed by walking the calendar, not by iterating the schedule: a cron library's iterator with a
 * time zone takes about 1 ms per run (a year of an hourly job would cost 9 s per synth), while the
 * walk costs microseconds per day plus a few dozen time-zone lookups per zone.
 */
import { parseCron } from '../util/cron';

const MINUTE = 60_000;
const DAY = 86_400_000;
/** The year walked: any fixed year gives the same gaps for every schedule that runs at least every four weeks. */
const START = Date.UTC(2026, 0, 1);
/** A year and a week: the gap across New Year is measured too. */
const YEAR_DAYS = 365 + 7;
/** Eight years and a week, for a schedule that runs less than twice a year (29 February). */
const LONG_DAYS = 8 * 365 + 2 + 7;
/** Gaps this long or longer can depend on the year (29 February): see longestGapSeconds. */
const LEAP_SENSITIVE = 28 * DAY;

/**
 * Seconds of the longest gap between consecutive runs of `schedule` (five fields or a macro,
 * already validated) in `timeZone` (IANA). Throws when the schedule runs less than twice in eight years.
 */
export function longestGapSeconds(schedule: string, timeZone: string): number {
  const cached = GAPS.get(`${schedule}\0${timeZone}`);
  if (cached !== undefined) return cached;
  const days = compileDays(schedule);
  // A gap of four weeks or more may span 29 February (a yearly job is 366 days apart before a leap
  // year's end): those schedules are walked over eight years, which hold two leap days.
  const yearGap = walk(days, timeZone, YEAR_DAYS);
  const gap = yearGap !== undefined && yearGap < LEAP_SENSITIVE ? yearGap : walk(days, timeZone, LONG_DAYS);
  if (gap === undefined) throw new Error(`schedule "${schedule}" runs less than twice in eight years, so no alert can tell when it is late`);
  const seconds = Math.round(gap / 1000);
  GAPS.set(`${schedule}\0${timeZone}`, seconds);
  return seconds;
}

/** Gaps by schedule and zone: the reference systems share a handful of schedules. */
const GAPS = new Map<string, number>();

/** A schedule as the calendar walk reads it. */
interface CompiledSchedule {
  /** Does a local calendar day (a UTC date standing for the wall clock) run the job? */
  readonly runsOn: (day: Date) => boolean;
  /** Minutes after local midnight of each run on a day that runs, ascending. */
  readonly times: readonly number[];
}

function compileDays(schedule: string): CompiledSchedule {
  const cron = parseCron(schedule);
  const times = cron.hours.flatMap((h) => cron.minutes.map((m) => h * 60 + m)).sort((a, b) => a - b);
  const domMatch = (d: Date) => cron.daysOfMonth.has(d.getUTCDate());
  const dowMatch = (d: Date) => cron.daysOfWeek.has(d.getUTCDay());
  // As cron (and the Kubernetes controller) read it: when both day fields are restricted, a day
  // that matches either runs the job; otherwise a day must match both.
  return {
    times,
    runsOn: (d) => cron.months.has(d.getUTCMonth() + 1) && (cron.eitherDay ? domMatch(d) || dowMatch(d) : domMatch(d) && dowMatch(d)),
  };
}

/** The longest gap in ms over `days` local days from START; undefined with fewer than two runs. */
function walk(schedule: CompiledSchedule, timeZone: string, days: number): number | undefined {
  const zone = zoneOffsets(timeZone, START - 2 * DAY, START + (days + 2) * DAY);
  const { times } = schedule;
  let innerLocal = 0;
  for (let i = 1; i < times.length; i++) innerLocal = Math.max(innerLocal, (times[i] - times[i - 1]) * MINUTE);
  let previous: number | undefined;
  let longest: number | undefined;
  const gap = (at: number) => {
    if (previous !== undefined) longest = Math.max(longest ?? 0, at - previous);
    previous = at;
  };
  for (let i = 0; i < days; i++) {
    const day = START + i * DAY;
    if (!schedule.runsOn(new Date(day))) continue;
    if (zone.steadyBetween(day - DAY, day + 2 * DAY)) {
      // No clock change near this day: runs are as far apart as on the wall clock.
      const offset = zone.offsetAt(day);
      gap(day + times[0] * MINUTE - offset);
      if (times.length > 1) longest = Math.max(longest ?? 0, innerLocal);
      previous = day + times[times.length - 1] * MINUTE - offset;
    } else {
      for (const t of times) gap(zone.toUtc(day + t * MINUTE));
    }
  }
  return longest;
}

/** A time zone's UTC offsets over a span: the clock changes in it, found with a few lookups. */
interface ZoneOffsets {
  /** The offset (local minus UTC, ms) at a UTC instant. */
  offsetAt(utc: number): number;
  /** No clock change between two UTC instants. */
  steadyBetween(from: number, to: number): boolean;
  /**
   * The UTC instant of a wall-clock time (ms, as if UTC). A time the spring change skips maps
   * past the change (02:30 → 03:30), as Go's time.Date, which the CronJob controller uses, does;
   * a time the autumn change repeats maps to its second occurrence (the longer gap).
   */
  toUtc(wall: number): number;
}

const ZONES = new Map<string, ZoneOffsets>();

/** UTC under its other names: no lookups needed (the default time zone of every berth CronJob). */
const UTC_NAMES = /^(Etc\/)?(UTC|UCT|GMT|Universal|Zulu)$/;
const UTC_ZONE: ZoneOffsets = { offsetAt: () => 0, steadyBetween: () => true, toUtc: (wall) => wall };

function zoneOffsets(timeZone: string, from: number, to: number): ZoneOffsets {
  if (UTC_NAMES.test(timeZone)) return UTC_ZONE;
  const key = `${timeZone}\0${from}\0${to}`;
  const cached = ZONES.get(key);
  if (cached) return cached;
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const lookup = (utc: number): number => {
    const p: Record<string, number> = {};
    for (const part of format.formatToParts(new Date(utc))) if (part.type !== 'literal') p[part.type] = Number(part.value);
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(utc / 1000) * 1000;
  };
  // Weekly samples (no zone changes its clock twice in a week), then bisection to the minute.
  const changes: Array<{ at: number; offset: number }> = [];
  const first = lookup(from);
  let before = first;
  for (let t = from; t < to; t += 7 * DAY) {
    const next = Math.min(t + 7 * DAY, to);
    const after = lookup(next);
    if (after === before) continue;
    let lo = t;
    let hi = next;
    while (hi - lo > MINUTE) {
      const mid = lo + Math.floor((hi - lo) / 2 / MINUTE) * MINUTE;
      if (lookup(mid) === before) lo = mid;
      else hi = mid;
    }
    changes.push({ at: hi, offset: after });
    before = after;
  }
  const offsetAt = (utc: number) => {
    let offset = first;
    for (const c of changes) if (c.at <= utc) offset = c.offset;
    return offset;
  };
  const zone: ZoneOffsets = {
    offsetAt,
    steadyBetween: (a, b) => !changes.some((c) => c.at > a && c.at <= b),
    toUtc: (wall) => wall - offsetAt(wall - offsetAt(wall)),
  };
  ZONES.set(key, zone);
  return zone;
}
