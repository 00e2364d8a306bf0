/**
 * The berth command line: `berth synth | check | explain | diff | new`. Parses argv, calls
 * main.ts, prints results; errors become messages and exit codes, never stack traces.
 */
// First: zod reads this setting when a schema is made (see the module).
import './util/zod-jitless';
import * as fs from 'fs';
import * as path from 'path';
import type * as readline from 'readline';
import { formatProblems, SpecError } from './spec/errors';
import { CheckError } from './app';
import { formatFindings } from './check/format';
import { explainCommand } from './explain/explain';
import { checkFolder, diffRepo, loadRepo, synthAndWrite, synthRepo, writeSchemas } from './main';
import { formatDiff } from './output/diff';
import { newCommand } from './onboard/command';

const USAGE = `Usage: berth <command> [options]

Commands:
  synth [--no-checks]   synthesize charts/ into dist/ (all checks run first; dist/ is replaced atomically)
  check [DIR] [--format text|json] [--no-guardrails]
                        strict schema, Pod Security "restricted", production guardrails and the
                        secret-leak guard on any folder of YAML (default dist/)
  explain SERVICE [--env ENV] [--format text|mermaid|json]
                        who can reach what: the NetworkPolicies evaluated for a stranger, the
                        ingress controller, Prometheus, each process, DNS and each dependency
  diff [--env ENV] [--exit-code]
                        show, per object and field, what a synth would change in dist/
                        (markdown, ready for a pull-request comment); --exit-code exits 3 on changes
  new SERVICE [--from-env F] [--from-pm2 F] [--from-compose F] [--image REF] [--force] …
                        write charts/SERVICE/ from flags, questions (at a terminal) and what the
                        service runs under today; berth new --help lists every option
  schema                write the editor JSON Schemas to schema/
  help                  show this help
`;

/** Runs a command and returns the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  // The benchmark reads the CPU time and peak RSS of each run from here.
  const usageFile = process.env.BERTH_USAGE_FILE;
  if (usageFile) process.on('exit', () => fs.writeFileSync(usageFile, JSON.stringify(process.resourceUsage())));
  try {
    switch (command) {
      case 'synth':
        return synth(rest);
      case 'diff':
        return diff(rest);
      case 'check':
        return check(rest);
      case 'explain':
        return explain(rest);
      case 'new':
        return await newService(rest);
      case 'schema':
        for (const f of writeSchemas(process.cwd())) process.stdout.write(`wrote ${f}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`berth: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e) {
    return report(e);
  }
}

/** Prints an error for a person: spec problems grouped by file, anything else one line. */
export function report(e: unknown): number {
  if (e instanceof CheckError) {
    process.stderr.write(`berth: the synthesized manifests fail their checks; dist/ was not changed.\n\n${formatFindings(e.findings, 'text')}`);
    return 1;
  }
  if (e instanceof SpecError) {
    process.stderr.write(`berth: ${e.problems.length} problem${e.problems.length === 1 ? '' : 's'} found; dist/ was not changed.\n\n${formatProblems(e.problems)}\n`);
    return 1;
  }
  const err = e as Error;
  process.stderr.write(`berth: ${err?.message ?? String(e)}\n`);
  if (process.env.BERTH_DEBUG) process.stderr.write(`${err?.stack}\n`);
  return 1;
}

function synth(args: readonly string[]): number {
  const root = process.cwd();
  const t0 = process.hrtime.bigint();
  const { output, changed } = synthAndWrite({ root }, { checks: !args.includes('--no-checks') });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (args.includes('--from-cdk8s-cli') && process.env.CDK8S_OUTDIR) {
    // The cdk8s CLI deleted its output folder before running us and lists what it finds there.
    // The committed output is dist/ (written atomically above); this is a copy for the CLI.
    const outdir = process.env.CDK8S_OUTDIR;
    fs.mkdirSync(outdir, { recursive: true });
    for (const [file, text] of output.files) {
      if (file.startsWith('dist/argocd/')) continue;
      fs.writeFileSync(path.join(outdir, `${file.split('/').slice(1, 3).join('.')}.k8s.yaml`), text);
    }
  }
  const units = output.files.size - [...output.files.keys()].filter((f) => f.startsWith('dist/argocd/')).length;
  process.stdout.write(`berth: ${output.objects} objects for ${units} service environments ${changed ? 'written to' : 'unchanged in'} dist/ (${ms.toFixed(0)} ms)\n`);
  return 0;
}

/** Reads `--name value` from args. */
export function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
  return v;
}

function diff(args: readonly string[]): number {
  const changes = diffRepo({ root: process.cwd() }, flag(args, '--env'));
  process.stdout.write(formatDiff(changes));
  return changes.length && args.includes('--exit-code') ? 3 : 0;
}

function check(args: readonly string[]): number {
  const format = flag(args, '--format') ?? 'text';
  if (format !== 'text' && format !== 'json') throw new Error(`--format must be text or json, got "${format}"`);
  const dir = args.find((a, i) => !a.startsWith('--') && args[i - 1] !== '--format') ?? 'dist';
  const { findings, objects } = checkFolder(process.cwd(), dir, { guardrails: args.includes('--no-guardrails') ? false : undefined });
  const out = formatFindings(findings, format);
  process.stdout.write(format === 'text' && findings.length === 0 ? `berth check: ${objects} objects in ${dir}: no problems\n` : out.endsWith('\n') ? out : `${out}\n`);
  return findings.length ? 1 : 0;
}

function explain(args: readonly string[]): number {
  const service = args.find((a, i) => !a.startsWith('--') && !['--env', '--format'].includes(args[i - 1] ?? ''));
  if (!service) throw new Error('explain needs a service name, e.g. berth explain rag --env prod');
  const root = process.cwd();
  const project = loadRepo(root);
  const envName = flag(args, '--env') ?? Object.keys(project.config.environments).sort()[0];
  const env = project.config.environments[envName];
  if (!env) throw new Error(`explain: no environment "${envName}" in berth.yaml (environments: ${Object.keys(project.config.environments).sort().join(', ')})`);
  const format = (flag(args, '--format') ?? 'text') as 'text' | 'mermaid' | 'json';
  const out = explainCommand(synthRepo({ root }), env, service, envName, format);
  process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
  return 0;
}

/** `berth new`: the onboarding command, with the real file system and terminal. */
async function newService(args: readonly string[]): Promise<number> {
  const isTTY = Boolean(process.stdin.isTTY && process.stdout.isTTY);
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
      cwd: process.cwd(),
      isTTY,
      prompt,
      exists: (p) => fs.existsSync(p),
      readFile: (p) => fs.readFileSync(p, 'utf8'),
      writeFile: (p, text) => {
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, text);
      },
    });
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    return result.code;
  } finally {
    rl?.close();
  }
}
