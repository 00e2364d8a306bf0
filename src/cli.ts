/**
 * The berth command line: `berth synth | check | explain | alerts | diff | new | schema | help`. Each
 * command is declared once below (its flags, its help); argv is parsed against that declaration,
 * main.ts does the work, and errors become messages and exit codes, never stack traces: 2 for a
 * command line berth cannot run, 1 for a problem with the repository.
 */
// First: zod reads this setting when a schema is made (see the module).
import './util/zod-jitless';
import * as fs from 'fs';
import * as path from 'path';
import type * as readline from 'readline';
import { formatProblems, SpecError } from './spec/errors';
import { buildOutput, CheckError, placeOf, SynthOutput } from './app';
import { formatFindings } from './check/format';
import { alertsCommand, AlertsFormat } from './alerts/table';
import { AddedObject, explainCommand } from './explain/explain';
import { BerthEnv, berthEnv, checkFolder, diffRepo, editImages, ImageChange, loadService, sarifLog, synthAndWrite, synthUnchecked, writeSchemas } from './main';
import { overlayFile, promotionEdits, promotionGaps, runningImage, setImageEdits, unitOf } from './ops/images';
import { formatDiff } from './output/diff';
import { environmentNamed, ServiceUnit, unitNamed } from './spec/load';
import { ArgSpec, FlagSpec, ParsedArgs, parseArgs, single, synopsis, UsageError } from './util/argv';
import { NEW_ARGS, newCommand } from './onboard/command';
import { redact } from './util/redact';

/**
 * Where a command runs and where it prints. `berth` runs with the process's own
 * ({@link processIo}); tests run commands in process with theirs, without a process per case.
 */
export interface Io {
  /** The folder the command runs in (the repository root). */
  readonly cwd: string;
  /** Writes to standard output, as it is. */
  readonly stdout: (text: string) => void;
  /** Writes to standard error, as it is. */
  readonly stderr: (text: string) => void;
  /** A person at a terminal, whom `berth new` may ask questions on the process's stdin. @default false */
  readonly terminal?: boolean;
  /** The settings of berth's environment variables (main.ts reads them). @default - none set */
  readonly env?: BerthEnv;
}

/** The running process's folder, stdout and stderr. */
function processIo(): Io {
  return {
    cwd: process.cwd(),
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    terminal: Boolean(process.stdin.isTTY && process.stdout.isTTY),
    env: berthEnv(),
  };
}

/**
 * Everything berth prints for a person goes through these two: the last net for secret values,
 * whatever built the message (formatters redact too; see util/redact.ts).
 */
const print = (io: Io, text: string) => io.stdout(redact(text));
const printErr = (io: Io, text: string) => io.stderr(redact(text));

/** A command of `berth help`: what it accepts, what it does, how it runs. */
interface Command {
  /** Flags and positionals; `--help` is added to every command. */
  readonly args: ArgSpec;
  /** What the command does, one line per entry, as `berth help` lists it. */
  readonly help: readonly string[];
  /** The usage line, when it is shorter than every declared flag. @default - from `args` */
  readonly synopsis?: string;
  /** Runs with the raw arguments: the command parses them and reports its own usage (`berth new`). @default false */
  readonly ownParser?: boolean;
  run(args: ParsedArgs, argv: readonly string[], io: Io): number | Promise<number>;
}

const COMMANDS: Readonly<Record<string, Command>> = {
  synth: {
    args: {
      flags: {
        '--no-checks': {},
        // cdk8s.yaml runs `berth synth --from-cdk8s-cli`: also copy the output where the cdk8s CLI looks.
        '--from-cdk8s-cli': { hidden: true },
      },
    },
    help: ['synthesize charts/ into dist/ (all checks run first; dist/ is replaced atomically);', '--no-checks prints the unchecked manifests instead and never writes dist/'],
    run: synth,
  },
  check: {
    args: { flags: { '--format': { value: 'FORMAT', choices: ['text', 'json', 'sarif'] }, '--no-guardrails': {} }, positionals: ['[DIR]'] },
    help: [
      'strict schema, Pod Security "restricted", production guardrails and the',
      'secret-leak guard on any folder of YAML (default dist/); --format sarif for',
      'GitHub code scanning',
    ],
    run: check,
  },
  explain: {
    args: { flags: { '--env': { value: 'ENV' }, '--format': { value: 'FORMAT', choices: ['text', 'mermaid', 'json'] } }, positionals: ['SERVICE'] },
    help: ['who can reach what: the NetworkPolicies evaluated for a stranger, the', 'ingress controller, Prometheus, each process, DNS and each dependency'],
    run: explain,
  },
  alerts: {
    args: { flags: { '--env': { value: 'ENV' }, '--format': { value: 'FORMAT', choices: ['text', 'json'] } }, positionals: ['SERVICE'] },
    help: ['the alerts of a service in an environment (its PrometheusRule): each rule,', 'what it watches, severity and threshold, and the silenced ones with why'],
    run: alerts,
  },
  diff: {
    args: { flags: { '--env': { value: 'ENV' }, '--exit-code': {} } },
    help: [
      'show, per object and field, what a synth would change in dist/, grouped by',
      'environment and service (every environment and dist/argocd/ unless --env),',
      'with warnings where a removal leaves data in the cluster (markdown, ready for',
      'a pull-request comment); --exit-code exits 3 when anything differs',
    ],
    run: diff,
  },
  // --- image promotion (issue 23) ---
  promote: {
    args: { flags: { '--from': { value: 'ENV' }, '--to': { value: 'ENV' } }, positionals: ['SERVICE'] },
    synopsis: 'SERVICE --from ENV --to ENV',
    help: [
      'copy the images (service, per process, sidecars and init containers) one',
      "environment runs into the other's overlay, comments and formatting kept, and",
      'print berth diff --env TO; writes nothing when they already match',
    ],
    run: promote,
  },
  'set-image': {
    args: { flags: { '--process': { value: 'P' }, '--container': { value: 'NAME' }, '--env': { value: 'ENV' } }, positionals: ['SERVICE', 'IMAGE'] },
    help: [
      "set the service's image (or one process's; with --container NAME a sidecar's or",
      "init container's, with --process P a process's own) in service.yaml, or with",
      '--env in that overlay, and print berth diff; refuses latest and untagged images',
    ],
    run: setImage,
  },
  // --- end image promotion ---
  new: {
    args: NEW_ARGS,
    synopsis: 'SERVICE [--from-env F] [--from-pm2 F] [--from-compose F] [--image REF] [--force] …',
    help: ['write charts/SERVICE/ from flags, questions (at a terminal) and what the', 'service runs under today; berth new --help lists every option'],
    ownParser: true,
    run: (_args, argv, io) => newService(argv, io),
  },
  schema: {
    args: { flags: {} },
    help: ['write the editor JSON Schemas to schema/'],
    run: (_args, _argv, io) => {
      for (const f of writeSchemas(io.cwd)) print(io, `wrote ${f}\n`);
      return 0;
    },
  },
  help: {
    args: { flags: {}, positionals: ['[COMMAND]'] },
    help: ['show this help, or the usage of one command'],
    run: (args, _argv, io) => {
      const [name] = args.positionals;
      if (name === undefined) print(io, USAGE);
      else if (Object.hasOwn(COMMANDS, name)) print(io, commandUsage(name));
      else throw new UsageError(`no command "${name}"; the commands are ${Object.keys(COMMANDS).join(', ')}`);
      return 0;
    },
  },
};

/** Every command takes `--help`. */
const HELP: Readonly<Record<string, FlagSpec>> = { '--help': { aliases: ['-h'], hidden: true } };
const withHelp = (spec: ArgSpec): ArgSpec => ({ ...spec, flags: { ...spec.flags, ...HELP } });
const synopsisOf = (name: string) => COMMANDS[name].synopsis ?? synopsis(COMMANDS[name].args);

/** One command's usage: printed by `--help` and after a mistake in its arguments. */
function commandUsage(name: string): string {
  return `Usage: berth ${`${name} ${synopsisOf(name)}`.trimEnd()}\n\n${COMMANDS[name].help.join('\n')}\n`;
}

const COLUMN = 24;
const USAGE = `Usage: berth <command> [options]

Commands:
${Object.keys(COMMANDS)
  .map((name) => {
    const head = `  ${name} ${synopsisOf(name)}`.trimEnd();
    const [first, ...more] = COMMANDS[name].help;
    const lines = head.length < COLUMN - 1 ? [`${head.padEnd(COLUMN)}${first}`] : [head, `${' '.repeat(COLUMN)}${first}`];
    return [...lines, ...more.map((l) => `${' '.repeat(COLUMN)}${l}`)].join('\n');
  })
  .join('\n')}
`;

/** Runs a command and returns the exit code. */
export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [command, ...rest] = argv;
  // The benchmark reads the CPU time and peak RSS of each run from here.
  const usageFile = io.env?.usageFile;
  if (usageFile) process.on('exit', () => fs.writeFileSync(usageFile, JSON.stringify(process.resourceUsage())));
  if (command === undefined || command === '--help' || command === '-h') {
    print(io, USAGE);
    return command === undefined ? 2 : 0;
  }
  if (!Object.hasOwn(COMMANDS, command)) {
    printErr(io, `berth: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  const cmd = COMMANDS[command];
  try {
    const args = cmd.ownParser ? { positionals: [], values: new Map(), switches: new Set<string>() } : parseArgs(rest, withHelp(cmd.args));
    if (args.switches.has('--help')) {
      print(io, commandUsage(command));
      return 0;
    }
    return await cmd.run(args, rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      printErr(io, `berth ${command}: ${e.message}\n${e.showUsage ? `\n${commandUsage(command)}` : ''}`);
      return 2;
    }
    return report(e, io);
  }
}

/** Prints an error for a person: spec problems grouped by file, anything else one line. */
export function report(e: unknown, io: Io = processIo()): number {
  if (e instanceof CheckError) {
    const placed = e.problems.length ? `${formatProblems(e.problems)}\n${e.findings.length ? '\n' : ''}` : '';
    printErr(io, `berth: the synthesized manifests fail their checks; dist/ was not changed.\n\n${placed}${e.findings.length ? formatFindings(e.findings, 'text') : ''}`);
    return 1;
  }
  if (e instanceof SpecError) {
    printErr(io, `berth: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'} found; dist/ was not changed.\n\n${formatProblems(e.problems)}\n`);
    return 1;
  }
  const err = e as Error;
  printErr(io, `berth: ${err?.message ?? String(e)}\n`);
  if (io.env?.debug) printErr(io, `${err?.stack}\n`);
  return 1;
}

function synth(args: ParsedArgs, _argv: readonly string[], io: Io): number {
  const root = io.cwd;
  const t0 = process.hrtime.bigint();
  if (args.switches.has('--no-checks')) {
    // Unchecked output is for reading only: it goes to stdout, never to dist/ (Argo CD syncs dist/).
    const { stream, output } = synthUnchecked({ root });
    io.stdout(stream);
    io.stderr(`berth: ${output.objects} objects synthesized without checks and printed; dist/ was not changed\n`);
    return 0;
  }
  const { output, changed } = synthAndWrite({ root });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const outdir = io.env?.cdk8sOutdir;
  if (args.switches.has('--from-cdk8s-cli') && outdir !== undefined) {
    // The cdk8s CLI deleted its output folder before running us and lists what it finds there.
    // The committed output is dist/ (written atomically above); this is a copy for the CLI.
    fs.mkdirSync(outdir, { recursive: true });
    for (const u of output.units) {
      if (u.kind !== 'manifests') continue;
      for (const file of u.files) fs.writeFileSync(path.join(outdir, `${u.env}.${u.service}.k8s.yaml`), output.files.get(file)!);
    }
  }
  const units = output.units.filter((u) => u.kind === 'manifests').length;
  print(io, `berth: ${output.objects} objects for ${units} service environments ${changed ? 'written to' : 'unchanged in'} dist/ (${ms.toFixed(0)} ms)\n`);
  return 0;
}

function diff(args: ParsedArgs, _argv: readonly string[], io: Io): number {
  const result = diffRepo({ root: io.cwd }, single(args, '--env'));
  print(io, formatDiff(result, (f) => placeOf(f), { environments: result.environments }));
  return result.changes.length && args.switches.has('--exit-code') ? 3 : 0;
}

function check(args: ParsedArgs, _argv: readonly string[], io: Io): number {
  const format = (single(args, '--format') ?? 'text') as 'text' | 'json' | 'sarif';
  const dir = args.positionals[0] ?? 'dist';
  const { findings, objects } = checkFolder(io.cwd, dir, { guardrails: args.switches.has('--no-guardrails') ? false : undefined });
  if (format === 'sarif') {
    print(io, sarifLog(io.cwd, findings));
    return findings.length ? 1 : 0;
  }
  const out = formatFindings(findings, format);
  print(io, format === 'text' && findings.length === 0 ? `berth check: ${objects} objects in ${dir}: no problems\n` : out.endsWith('\n') ? out : `${out}\n`);
  return findings.length ? 1 : 0;
}

/** The objects a unit's extra/ folder adds, those its patches change, and those its hook added or changed in the synth, for `berth explain`. */
function addedObjects(unit: ServiceUnit, output: SynthOutput): AddedObject[] {
  const extras = (unit.extras ?? []).map((x): AddedObject => ({ kind: x.object.kind, name: x.object.metadata.name, from: `${x.file} (document ${x.index + 1})`, how: 'extra' }));
  const patched = unit.spec.patches.map((p, i): AddedObject => {
    const source = unit.patchSources?.[i];
    return { kind: p.target.kind, name: p.target.name, from: source ? `${source.file} patches[${source.index}]` : `patches[${i}]`, how: 'patched' };
  });
  const hooked = output.units.find((u) => u.kind === 'manifests' && u.env === unit.env && u.service === unit.name)?.hooked;
  const hook = [...(hooked?.objects ?? [])].map(([ref, origin]): AddedObject => {
    // `Kind/namespace/name`, or `Kind/name` for an object without a namespace.
    const parts = ref.split('/');
    return { kind: parts[0], name: parts[parts.length - 1], from: hooked!.file, how: origin === 'adds' ? 'hook-adds' : 'hook-changes' };
  });
  return [...extras, ...patched, ...hook];
}

function explain(args: ParsedArgs, _argv: readonly string[], io: Io): number {
  const [service] = args.positionals;
  if (!service) throw new UsageError('name the service, e.g. berth explain rag --env prod');
  // Only the service's own files, and only its units synthesized: one service costs one service.
  const project = loadService(io.cwd, service);
  const envName = single(args, '--env') ?? Object.keys(project.config.environments).sort()[0];
  const env = environmentNamed(project.config, envName);
  const format = (single(args, '--format') ?? 'text') as 'text' | 'mermaid' | 'json';
  const unit = unitNamed(project, service, envName);
  const output = buildOutput(project);
  const out = explainCommand(output, env, service, envName, format, unit.model, addedObjects(unit, output));
  print(io, out.endsWith('\n') ? out : `${out}\n`);
  return 0;
}

function alerts(args: ParsedArgs, _argv: readonly string[], io: Io): number {
  const [service] = args.positionals;
  if (!service) throw new UsageError('name the service, e.g. berth alerts rag --env prod');
  // Alerts read the model, which a hook cannot change: its hook is not loaded.
  const project = loadService(io.cwd, service, { hooks: false });
  const envName = single(args, '--env') ?? Object.keys(project.config.environments).sort()[0];
  environmentNamed(project.config, envName);
  print(io, alertsCommand(project, service, envName, (single(args, '--format') ?? 'text') as AlertsFormat));
  return 0;
}

/** `berth new`: the onboarding command, with the real file system and terminal. */
async function newService(args: readonly string[], io: Io): Promise<number> {
  const isTTY = io.terminal ?? false;
  let rl: readline.Interface | undefined;
  const prompt = (question: string, def: string) =>
    new Promise<string>((resolve) => {
      // Loaded here: only `berth new` at a terminal asks questions (readline costs every run 1.3 ms).
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      rl ??= (require('readline') as typeof readline).createInterface({ input: process.stdin, output: process.stdout });
      rl.question(`${question}${def ? ` [${def}]` : ''}: `, resolve);
    });
  try {
    const result = await newCommand(args, {
      cwd: io.cwd,
      isTTY,
      prompt,
      exists: (p) => fs.existsSync(p),
      readFile: (p) => fs.readFileSync(p, 'utf8'),
      writeFile: (p, text) => {
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, text);
      },
    });
    print(io, result.stdout);
    printErr(io, result.stderr);
    return result.code;
  } finally {
    rl?.close();
  }
}

// --- image promotion (issue 23) ---

/** Prints what an image command changed, then the diff a synth would make of it. */
function printImageChange(io: Io, command: string, change: ImageChange, env: string | undefined, nothing: string, notes: readonly string[] = []): number {
  if (change.edits.length === 0) {
    print(io, `berth ${command}: ${nothing}; nothing changed.\n`);
    for (const note of notes) print(io, `note: ${note}\n`);
    return 0;
  }
  for (const e of change.edits) print(io, `${e.file}: ${e.keys.join('.')}: ${e.from} → ${e.to}\n`);
  for (const note of notes) print(io, `note: ${note}\n`);
  print(io, `\n$ berth diff${env === undefined ? '' : ` --env ${env}`}\n`);
  const result = diffRepo({ root: io.cwd }, env);
  print(io, formatDiff(result, (f) => placeOf(f), { environments: result.environments }));
  return 0;
}

function promote(args: ParsedArgs, _argv: readonly string[], io: Io): number {
  const [service] = args.positionals;
  const from = single(args, '--from');
  const to = single(args, '--to');
  if (!service || from === undefined || to === undefined) throw new UsageError('name the service and both environments, e.g. berth promote rag --from staging --to prod');
  if (from === to) throw new UsageError(`--from and --to are both "${from}"; promote from one environment to another`, false);
  const change = editImages(io.cwd, (project) => {
    const source = unitOf(project, service, from, '--from');
    return promotionEdits(source, unitOf(project, service, to, '--to'));
  });
  const gaps = promotionGaps(unitOf(change.project, service, from, '--from'), unitOf(change.project, service, to, '--to'));
  const nothing = gaps.length ? `nothing ${from} runs for ${service} can be copied into ${to}'s overlay image by image` : `${to} already runs the images ${from} runs for ${service}`;
  return printImageChange(io, 'promote', change, to, nothing, gaps);
}

function setImage(args: ParsedArgs, _argv: readonly string[], io: Io): number {
  const [service, image] = args.positionals;
  if (!service || !image) throw new UsageError('name the service and the image, e.g. berth set-image rag registry.example.com/rag:1.5.0');
  const opts = { process: single(args, '--process'), container: single(args, '--container'), env: single(args, '--env') };
  const change = editImages(io.cwd, (project) => setImageEdits(project, service, image, opts));
  const what = [service, opts.process, opts.container].filter((w) => w !== undefined).join(' ');
  // The base spec changed, but an overlay that sets the same key still wins in its environment.
  const notes = change.project.units
    .filter((u) => u.name === service && (opts.env === undefined || u.env === opts.env) && runningImage(u, opts) !== image)
    .map((u) => `${u.env} still runs ${runningImage(u, opts)}: ${overlayFile(u)} sets it (add --env ${u.env} to change it there)`);
  return printImageChange(io, 'set-image', change, opts.env, `${what} already runs ${image}${opts.env === undefined ? '' : ` in ${opts.env}`}`, notes);
}
