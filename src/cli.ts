/**
 * The berth command line: `berth synth | check | explain | diff | new`. Parses argv, calls
 * main.ts, prints results; errors become messages and exit codes, never stack traces.
 */
import * as fs from 'fs';
import * as path from 'path';
import { formatProblems, SpecError } from './spec/errors';
import { diffRepo, synthAndWrite, writeSchemas } from './main';
import { formatDiff } from './output/diff';

const USAGE = `Usage: berth <command> [options]

Commands:
  synth                 synthesize charts/ into dist/ (all checks run first; dist/ is replaced atomically)
  diff [--env ENV] [--exit-code]
                        show, per object and field, what a synth would change in dist/
                        (markdown, ready for a pull-request comment); --exit-code exits 3 on changes
  schema                write the editor JSON Schemas to schema/
  help                  show this help
`;

/** Runs a command and returns the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'synth':
        return synth(rest);
      case 'diff':
        return diff(rest);
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
  const { output, changed } = synthAndWrite({ root });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (args.includes('--from-cdk8s-cli') && process.env.CDK8S_OUTDIR) {
    // The cdk8s CLI deleted and expects its output folder; the real output is dist/.
    const outdir = process.env.CDK8S_OUTDIR;
    fs.mkdirSync(outdir, { recursive: true });
    fs.writeFileSync(path.join(outdir, 'README.txt'), 'berth writes its manifests to dist/ (atomically, after all checks pass).\n');
  }
  const units = output.files.size - [...output.files.keys()].filter((f) => f.startsWith('dist/argocd/')).length;
  process.stdout.write(`berth: ${output.manifests.length} objects for ${units} service environments ${changed ? 'written to' : 'unchanged in'} dist/ (${ms.toFixed(0)} ms)\n`);
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
