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
export function cronFields(schedule: string): string {
  return CRON_MACROS[schedule.trim()] ?? schedule;
}
