/**
 * `berth new <service>`: writes `charts/<service>/service.yaml` and one overlay per environment,
 * from flags, prompts (only on a terminal) and importers of what the service runs under today.
 * All I/O goes through `NewCommandIo`, so the command is tested without a disk or a terminal.
 */
import * as path from 'path';
import { DnsLabel, HttpPath, Hostname, ImageRef } from '../spec/schema';
import { formatProblems, SpecError } from '../spec/errors';
import { loadProject, loadProjectConfig, SourceFile } from '../spec/load';
import { importCompose } from './compose';
import { DELIVERIES, Delivery, Draft, mergeDrafts, portNumber, toDnsLabel } from './draft';
import { importEnvFile } from './env-file';
import { formatNote, Note } from './notes';
import { importPm2 } from './pm2';
import { inferDelivery, NewOptions, scaffold } from './scaffold';
import { commandFromLine } from './shell-words';
import { ArgSpec, parseArgs } from '../util/argv';
import { namespaceOf } from '../util/names';

/** What the command may touch. Paths are absolute (resolved against `cwd`). */
export interface NewCommandIo {
  readFile(path: string): string;
  /** Writes a file, creating its folder. */
  writeFile(path: string, text: string): void;
  exists(path: string): boolean;
  /** True when a person is at a terminal: only then are questions asked. */
  readonly isTTY: boolean;
  /** Asks a question; an empty answer means the default. */
  prompt?(question: string, defaultValue: string): Promise<string>;
  readonly cwd: string;
}

/** The outcome of a command: exit code and what to print. */
export interface CommandResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** The help of `berth new`. */
const NEW_USAGE = `Usage: berth new <service> [options]

Writes charts/<service>/service.yaml and one overlay per environment of berth.yaml, from flags,
questions (only on a terminal) and what the service runs under today.

Options:
  --image REF              image with a pinned tag or digest (default: a placeholder to edit)
  --port N                 port of the web process (default 8000)
  --command "CMD ARGS"     command of the web process, split into words like a shell (default: image CMD)
  --health PATH            health probe path (default /health)
  --host NAME              public host name: adds an edge (Ingress or Gateway route with TLS)
  --secrets-delivery MODE  files (NAME_FILE, the default) | dotenv (a .env the app loads) | env
  --from-env FILE          import a .env or systemd EnvironmentFile (repeatable)
  --from-pm2 FILE          import a PM2 ecosystem.config.js (parsed, never run)
  --from-compose FILE      import a docker-compose.yml
  --force                  overwrite existing files
  --yes, -y                ask no questions, even on a terminal
  --help, -h               show this help
`;

/** What `berth new` accepts (NEW_USAGE describes each flag). */
export const NEW_ARGS: ArgSpec = {
  flags: {
    '--image': { value: 'REF' },
    '--port': { value: 'N' },
    '--command': { value: '"CMD ARGS"' },
    '--health': { value: 'PATH' },
    '--host': { value: 'NAME' },
    '--secrets-delivery': { value: 'MODE' },
    '--from-env': { value: 'FILE', repeatable: true },
    '--from-pm2': { value: 'FILE' },
    '--from-compose': { value: 'FILE' },
    '--force': {},
    '--yes': { aliases: ['-y'] },
    '--help': { aliases: ['-h'] },
  },
  positionals: ['SERVICE'],
  extraHint: 'quote a --command with spaces',
};

type ValueFlag = '--image' | '--port' | '--command' | '--health' | '--host' | '--secrets-delivery' | '--from-env' | '--from-pm2' | '--from-compose';

interface NewArgs {
  service?: string;
  values: ReadonlyMap<string, readonly string[]>;
  force: boolean;
  yes: boolean;
  help: boolean;
}

/** Parses argv with the shared parser: `--flag value` or `--flag=value`; one positional service name. */
function parseNewArgs(argv: readonly string[]): NewArgs {
  const args = parseArgs(argv, NEW_ARGS);
  return { service: args.positionals[0], values: args.values, force: args.switches.has('--force'), yes: args.switches.has('--yes'), help: args.switches.has('--help') };
}

/** Runs `berth new`. Never throws: problems become a message and an exit code. */
export async function newCommand(argv: readonly string[], io: NewCommandIo): Promise<CommandResult> {
  let args: NewArgs;
  try {
    args = parseNewArgs(argv);
  } catch (e) {
    return { code: 2, stdout: '', stderr: `berth new: ${(e as Error).message}\n\n${NEW_USAGE}` };
  }
  if (args.help) return { code: 0, stdout: NEW_USAGE, stderr: '' };
  if (args.service === undefined) return { code: 2, stdout: '', stderr: `berth new: name the service, e.g. berth new rag\n\n${NEW_USAGE}` };
  try {
    return await run(args as NewArgs & { service: string }, io);
  } catch (e) {
    if (e instanceof SpecError) {
      return { code: 1, stdout: '', stderr: `berth new: the generated spec does not validate; nothing was written.\n\n${formatProblems(e.problems)}\n` };
    }
    return { code: 1, stdout: '', stderr: `berth new: ${(e as Error).message}\n` };
  }
}

async function run(args: NewArgs & { service: string }, io: NewCommandIo): Promise<CommandResult> {
  const fail = (message: string): CommandResult => ({ code: 1, stdout: '', stderr: `berth new: ${message}\n` });
  const one = (flag: ValueFlag) => args.values.get(flag)?.[0];
  const notes: Note[] = [];

  // 1. The name and the flags, each checked with the spec's own rules.
  const nameCheck = DnsLabel.safeParse(args.service);
  if (!nameCheck.success) {
    const suggestion = toDnsLabel(args.service);
    return fail(`"${args.service}" is not a valid service name: it ${nameCheck.error.issues[0].message}${suggestion && suggestion !== args.service ? `. Try "${suggestion}"` : ''}`);
  }
  const service = args.service;
  const flags: { image?: string; port?: number; command?: string[]; health?: string; host?: string; delivery?: Delivery } = {};
  const problem = applyFlag(flags, notes, {
    image: one('--image'), port: one('--port'), command: one('--command'), health: one('--health'), host: one('--host'), delivery: one('--secrets-delivery'),
  });
  if (problem) return fail(problem);

  // 2. Where it goes, and what berth.yaml says about environments.
  const environments = readEnvironments(io, notes);
  const dir = `charts/${service}`;
  const targets = ['service.yaml', ...environments.list.map((e) => `${e.name}.yaml`)].map((f) => `${dir}/${f}`);
  const existing = targets.filter((t) => io.exists(path.join(io.cwd, t)));
  if (existing.length && !args.force) {
    return fail(`${existing.join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written. Re-run with --force to overwrite ${existing.length === 1 ? 'it' : 'them'}.`);
  }

  // 3. Imports.
  const drafts: Draft[] = [];
  const read = (flag: string, file: string): string => {
    const abs = path.resolve(io.cwd, file);
    if (!io.exists(abs)) throw new Error(`cannot read ${flag} ${file}: no such file`);
    try {
      return io.readFile(abs);
    } catch (e) {
      throw new Error(`cannot read ${flag} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  };
  const compose = one('--from-compose');
  if (compose !== undefined) {
    const base = path.dirname(path.resolve(io.cwd, compose));
    const readFile = (rel: string): string | undefined => {
      const abs = path.resolve(base, rel);
      try {
        return io.exists(abs) ? io.readFile(abs) : undefined;
      } catch {
        return undefined;
      }
    };
    drafts.push(importCompose(compose, read('--from-compose', compose), { service, readFile }));
  }
  const pm2 = one('--from-pm2');
  if (pm2 !== undefined) drafts.push(importPm2(pm2, read('--from-pm2', pm2)));
  const envFiles = args.values.get('--from-env') ?? [];
  for (const f of envFiles) drafts.push(importEnvFile(f, read('--from-env', f)));
  const draft = mergeDrafts(drafts);
  draft.delivery = inferDelivery(draft, { pm2, envFiles });

  // 4. Questions, only for a person at a terminal, only for what no flag answered.
  if (io.isTTY && io.prompt && !args.yes) await ask(io.prompt.bind(io), flags, draft, service);

  // 5. Compose, validate exactly as `berth synth` will, then write.
  const options: NewOptions = { service, ...flags, environments: environments.list };
  const result = scaffold(draft, options);
  const chartFiles: SourceFile[] = [...result.files].map(([name, text]) => ({ path: `${dir}/${name}`, text }));
  loadProject(environments.config, chartFiles);
  for (const f of chartFiles) io.writeFile(path.join(io.cwd, f.path), f.text);

  const allNotes = [...draft.notes, ...notes, ...result.notes];
  return { code: 0, stdout: report(service, chartFiles.map((f) => f.path), existing, draft, result, allNotes), stderr: '' };
}

/** Checks and stores the flags; returns a message for the first bad one. */
function applyFlag(
  flags: { image?: string; port?: number; command?: string[]; health?: string; host?: string; delivery?: Delivery },
  notes: Note[],
  raw: { image?: string; port?: string; command?: string; health?: string; host?: string; delivery?: string },
): string | undefined {
  if (raw.image !== undefined) {
    const r = ImageRef.safeParse(raw.image);
    if (!r.success) return `--image ${JSON.stringify(raw.image)} ${r.error.issues[0].message}`;
    flags.image = raw.image;
  }
  if (raw.port !== undefined) {
    const port = portNumber(raw.port);
    if (port === undefined) return `--port ${JSON.stringify(raw.port)} must be a port number between 1 and 65535`;
    flags.port = port;
  }
  if (raw.command !== undefined) {
    try {
      const { command, wrapped } = commandFromLine(raw.command);
      if (command.length === 0) return '--command is empty; leave it out to run the image CMD';
      if (wrapped) notes.push({ message: '--command uses shell syntax (pipes, &&, $VAR): it runs under sh -c' });
      flags.command = command;
    } catch (e) {
      return `--command cannot be split into words: ${(e as Error).message}`;
    }
  }
  if (raw.health !== undefined) {
    const r = HttpPath.safeParse(raw.health);
    if (!r.success) return `--health ${JSON.stringify(raw.health)} ${r.error.issues[0].message}`;
    flags.health = raw.health;
  }
  if (raw.host !== undefined) {
    const r = Hostname.safeParse(raw.host);
    if (!r.success) return `--host ${JSON.stringify(raw.host)} ${r.error.issues[0].message}`;
    flags.host = raw.host;
  }
  if (raw.delivery !== undefined) {
    if (!DELIVERIES.includes(raw.delivery as Delivery)) return `--secrets-delivery ${JSON.stringify(raw.delivery)} must be one of ${DELIVERIES.join(', ')}`;
    flags.delivery = raw.delivery as Delivery;
  }
  return undefined;
}

const DEFAULT_CONFIG = 'repoURL: https://github.com/example/gitops.git\nenvironments:\n  staging: {}\n  prod: { production: true }\n';

/** The environments of berth.yaml (staging and prod when there is none, with a note). */
function readEnvironments(io: NewCommandIo, notes: Note[]): { config: SourceFile; list: Array<{ name: string; production: boolean }> } {
  const file = path.join(io.cwd, 'berth.yaml');
  let config: SourceFile = { path: 'berth.yaml', text: DEFAULT_CONFIG };
  if (io.exists(file)) config = { path: 'berth.yaml', text: io.readFile(file) };
  else notes.push({ message: 'no berth.yaml here: wrote overlays for staging and prod. Run berth new from the repository root' });
  try {
    const parsed = loadProjectConfig(config);
    return { config, list: Object.entries(parsed.environments).map(([name, e]) => ({ name, production: e.production })) };
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    notes.push({ message: 'berth.yaml does not validate (run npm run synth to see why): wrote overlays for staging and prod' });
    config = { path: 'berth.yaml', text: DEFAULT_CONFIG };
    return { config, list: [{ name: 'staging', production: false }, { name: 'prod', production: true }] };
  }
}

/** Asks for what no flag set, with the imported values as defaults; re-asks on a bad answer. */
async function ask(
  prompt: (q: string, def: string) => Promise<string>,
  flags: { image?: string; port?: number; command?: string[]; health?: string; host?: string },
  draft: Draft,
  service: string,
): Promise<void> {
  const firstWeb = Object.values(draft.web)[0];
  const questions: Array<{ flag: 'image' | 'port' | 'command' | 'health' | 'host'; q: string; def: string }> = [];
  if (flags.image === undefined) questions.push({ flag: 'image', q: 'Image (a registry path with a pinned tag)', def: draft.image ?? `registry.example.com/${service}:0.1.0` });
  if (flags.port === undefined) questions.push({ flag: 'port', q: 'Port the web process listens on', def: String(firstWeb?.port ?? 8000) });
  if (flags.command === undefined) questions.push({ flag: 'command', q: 'Command of the web process (empty: the image CMD)', def: firstWeb?.command?.join(' ') ?? '' });
  if (flags.health === undefined) questions.push({ flag: 'health', q: 'Health check path', def: firstWeb?.health.liveness ?? '/health' });
  if (flags.host === undefined) questions.push({ flag: 'host', q: 'Public host name (empty: not published)', def: '' });
  for (const { flag, q, def } of questions) {
    let question = q;
    for (let attempt = 0; ; attempt++) {
      const answer = (await prompt(question, def)).trim();
      if (answer === '' || answer === def) break; // the default: keep what was imported
      const problem = applyFlag(flags, [], { [flag]: answer });
      if (!problem) break;
      if (attempt >= 2) throw new Error(problem);
      question = `${problem}. ${q}`;
    }
  }
}

/** What was written, the notes, and the next steps. */
function report(service: string, written: string[], existing: string[], draft: Draft, result: ReturnType<typeof scaffold>, notes: Note[]): string {
  const lines: string[] = [];
  lines.push(`berth new: ${existing.length ? 'wrote (overwriting existing files)' : 'wrote'} ${written.join(', ')}`);
  const spec = result.spec;
  const parts = [
    `web: ${Object.keys(spec.web).join(', ')}`,
    spec.workers && `workers: ${Object.keys(spec.workers).join(', ')}`,
    spec.migration && 'a migration Job',
    spec.cron?.jobs && `cron jobs: ${Object.keys(spec.cron.jobs).join(', ')}`,
    spec.secrets && `${Object.keys(spec.secrets.items).length} secret references (values not copied)`,
    spec.volumes && `volumes: ${Object.keys(spec.volumes).join(', ')}`,
    spec.dependencies && `dependencies: ${Object.keys(spec.dependencies).join(', ')}`,
  ].filter(Boolean);
  lines.push(`  ${draft.sources.length ? `from ${draft.sources.join(', ')}: ` : ''}${parts.join('; ')}`);
  if (notes.length) {
    lines.push('', `Review (${notes.length} note${notes.length === 1 ? '' : 's'}):`);
    for (const n of notes) lines.push(`  ${formatNote(n)}`);
  }
  const steps: string[] = [];
  if (result.imagePlaceholder) steps.push(`Set the image in charts/${service}/service.yaml: ${spec.image} is a placeholder.`);
  if (result.secretName) {
    steps.push(`Create the Secret ${result.secretName} in namespace ${namespaceOf({ name: service, namespace: spec.namespace })} with the keys ${result.secretKeys.join(', ')} (values from where they live today; never commit them).`);
  }
  if (notes.length) steps.push(`Work through the notes above; edit charts/${service}/ where they say.`);
  steps.push('npm run synth', 'node bin/berth.js check dist', `Commit charts/${service}/ and dist/ together.`);
  lines.push('', 'Next steps:', ...steps.map((s, i) => `  ${i + 1}. ${s}`));
  return `${lines.join('\n')}\n`;
}
