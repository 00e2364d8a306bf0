/**
 * The one argument parser of every berth command. Each command declares the flags it takes (with
 * or without a value) and its positional arguments; anything else is a usage error, never ignored:
 * a mistyped `--exit-code` that is silently dropped turns a failing CI step into a passing one.
 * Pure: no process, no output.
 */

/** One flag of a command. */
export interface FlagSpec {
  /** What follows the flag (`ENV`, `FILE`); absent for a switch such as `--exit-code`. @default - a switch */
  readonly value?: string;
  /** The values the flag accepts; anything else is a usage error. @default - any value */
  readonly choices?: readonly string[];
  /** The flag may be given more than once (each value is kept, in order). @default false */
  readonly repeatable?: boolean;
  /** Other spellings (`-y` for `--yes`). @default - none */
  readonly aliases?: readonly string[];
  /** Left out of the usage line: accepted, but not for people (a tool passes it). @default false */
  readonly hidden?: boolean;
}

/** What a command accepts. */
export interface ArgSpec {
  /** Flags by their long name (`--env`). */
  readonly flags: Readonly<Record<string, FlagSpec>>;
  /** Names of the positional arguments, in order (`SERVICE`, `[DIR]`); more is a usage error. @default - none */
  readonly positionals?: readonly string[];
  /** Added to the message for an unexpected positional argument (how to pass one with spaces). @default - nothing */
  readonly extraHint?: string;
}

/** A parsed command line. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  /** The values of each flag given, by long name (switches have no entry here). */
  readonly values: ReadonlyMap<string, readonly string[]>;
  /** The switches given, by long name. */
  readonly switches: ReadonlySet<string>;
}

/** A command line the command cannot run: exit code 2, with the command's usage when it helps. */
export class UsageError extends Error {
  /** @param showUsage - print the command's usage after the message (not when the message already says what to pass) */
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The value of a flag given at most once. */
export function single(args: ParsedArgs, flag: string): string | undefined {
  return args.values.get(flag)?.[0];
}

/**
 * Parses `--flag value`, `--flag=value`, switches and positionals against a command's declaration.
 * A value flag followed by nothing, or by another option, is missing its value.
 */
export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const byName = new Map<string, [string, FlagSpec]>();
  for (const [name, flag] of Object.entries(spec.flags)) {
    byName.set(name, [name, flag]);
    for (const alias of flag.aliases ?? []) byName.set(alias, [name, flag]);
  }
  const positionals: string[] = [];
  const values = new Map<string, string[]>();
  const switches = new Set<string>();
  const limit = spec.positionals?.length ?? 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('-') || arg === '-') {
      if (positionals.length >= limit) {
        const what = limit ? `(${spec.positionals!.join(' ')} only${spec.extraHint ? `; ${spec.extraHint}` : ''})` : '(this command takes none)';
        throw new UsageError(`unexpected argument "${arg}" ${what}`);
      }
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const given = eq < 0 ? arg : arg.slice(0, eq);
    const known = byName.get(given);
    if (!known) throw new UsageError(`unknown option ${given}`);
    const [name, flag] = known;
    if (flag.value === undefined) {
      if (eq >= 0) throw new UsageError(`${given} takes no value`);
      switches.add(name);
      continue;
    }
    let value: string | undefined;
    if (eq >= 0) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      // `--env --exit-code` is a forgotten value, not an environment called "--exit-code".
      if (value === undefined || value.startsWith('--') || byName.has(value)) throw new UsageError(`${given} needs a value (${given} ${flag.value})`);
      i++;
    }
    if (flag.choices && !flag.choices.includes(value)) throw new UsageError(`${given} must be ${orList(flag.choices)}, got "${value}"`);
    if (!flag.repeatable && values.has(name)) throw new UsageError(`${given} is given twice`);
    values.set(name, [...(values.get(name) ?? []), value]);
  }
  return { positionals, values, switches };
}

/** `[--env ENV] [--format text|json]`: the flags of a usage line, as declared. */
export function synopsis(spec: ArgSpec): string {
  const flags = Object.entries(spec.flags)
    .filter(([, f]) => !f.hidden)
    .map(([name, f]) => `[${name}${f.value === undefined ? '' : ` ${f.choices ? f.choices.join('|') : f.value}`}]`);
  return [...(spec.positionals ?? []), ...flags].join(' ');
}

function orList(xs: readonly string[]): string {
  return xs.length === 1 ? xs[0] : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`;
}
