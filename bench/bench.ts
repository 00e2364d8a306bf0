/**
 * `npm run bench`: how berth's synth scales, measured against the serialization floor.
 *
 * For N synthetic services (every feature on: web with metrics, worker, migration, two CronJobs,
 * secret files, dependencies, TLS ingress with an internal path, ServiceMonitor; two
 * environments) it runs the real synth (`node bin/berth.js synth`, a fresh process each run) and
 * reports median wall time, CPU time and peak RSS; then, on the dist/ it wrote, the commands that
 * read it or one service: `check dist`, `diff --env prod` and `explain <one service> --env prod`.
 * The floor is measured in the same run: the
 * same objects, read back from the synthesized output, written by a plain js-yaml dump in a
 * fresh process. Usage:
 *
 *   npm run bench -- [--sizes 1,10,100,1000] [--runs 5] [--write docs/benchmarks.md]
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { makeProject, serviceName } from './project';

const REPO = path.resolve(__dirname, '..');
const BERTH = path.join(REPO, 'bin/berth.js');

interface Usage {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMiB: number;
  /** Pages the process touched for the first time (minor page faults), as the process reports them. */
  readonly faults: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Runs a command in a fresh process; the child reports its own CPU and RSS through BERTH_USAGE_FILE.
 * With `stdoutFile`, the child's stdout goes to that file instead of a pipe.
 */
function measure(cmd: string, args: string[], cwd: string, env: Record<string, string | undefined> = {}, stdoutFile?: string): Usage {
  const usageFile = path.join(os.tmpdir(), `berth-usage-${process.pid}.json`);
  fs.rmSync(usageFile, { force: true });
  const t0 = process.hrtime.bigint();
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env, BERTH_USAGE_FILE: usageFile };
  // An undefined value removes the variable.
  for (const [k, v] of Object.entries(childEnv)) if (v === undefined) delete childEnv[k];
  const out = stdoutFile === undefined ? 'pipe' : fs.openSync(stdoutFile, 'w');
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: childEnv, stdio: ['ignore', out, 'pipe'] });
  if (typeof out === 'number') fs.closeSync(out);
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  let cpuMs = NaN;
  let rssMiB = NaN;
  let faults = NaN;
  if (fs.existsSync(usageFile)) {
    const u = JSON.parse(fs.readFileSync(usageFile, 'utf8'));
    cpuMs = (u.userCPUTime + u.systemCPUTime) / 1000;
    rssMiB = u.maxRSS / 1024;
    faults = u.minorPageFault;
  }
  return { wallMs, cpuMs, rssMiB, faults };
}

/** Reads the synthesized files back as plain objects, per file: the floor's input. */
function readBack(dist: string): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(dist, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out[r] = yaml.loadAll(fs.readFileSync(path.join(dist, r), 'utf8'));
    }
  };
  walk('');
  return out;
}

/** The floor, run in a fresh process: plain objects → js-yaml dump → files. */
function floorMain(input: string, outDir: string): void {
  const files = JSON.parse(fs.readFileSync(input, 'utf8')) as Record<string, unknown[]>;
  for (const [rel, objects] of Object.entries(files)) {
    const target = path.join(outDir, rel);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, objects.map((o) => yaml.dump(o)).join('---\n'));
  }
}

function reportUsage(): void {
  const file = process.env.BERTH_USAGE_FILE;
  if (file) process.on('exit', () => fs.writeFileSync(file, JSON.stringify(process.resourceUsage())));
}

interface Row {
  readonly n: number;
  readonly objects: number;
  readonly full: Usage;
  readonly noChecks: Usage;
  readonly floor: Usage;
  /** `berth check dist`, `berth diff --env prod` and `berth explain svc-0000 --env prod` on the synth's dist/. */
  readonly check: Usage;
  readonly diff: Usage;
  readonly explain: Usage;
}

/** The commands measured beside the synth, on the dist/ it wrote. */
const READERS = {
  check: ['check', 'dist'],
  diff: ['diff', '--env', 'prod'],
  explain: ['explain', serviceName(0), '--env', 'prod'],
} as const;

function benchN(n: number, runs: number): Row {
  const dir = makeProject(n);
  const dist = path.join(dir, 'dist');
  const run = (args: string[], stdoutFile?: string) => {
    fs.rmSync(dist, { recursive: true, force: true });
    return measure(process.execPath, [BERTH, ...args], dir, {}, stdoutFile);
  };
  run(['synth']); // warm the file cache; its output is the floor's input
  const files = readBack(dist);
  const objects = Object.values(files).reduce((a, f) => a + f.length, 0);
  const input = path.join(dir, 'floor-input.json');
  fs.writeFileSync(input, JSON.stringify(files));
  const out = path.join(dir, 'floor-out');
  const full: Usage[] = [];
  const noChecks: Usage[] = [];
  const floor: Usage[] = [];
  const readers: Record<keyof typeof READERS, Usage[]> = { check: [], diff: [], explain: [] };
  // One of each per round, so a slower stretch of the machine hits the synth and its floor alike.
  for (let i = 0; i < runs; i++) {
    full.push(run(['synth']));
    for (const [name, args] of Object.entries(READERS) as Array<[keyof typeof READERS, readonly string[]]>) readers[name].push(measure(process.execPath, [BERTH, ...args], dir));
    // Unchecked output is printed, never written to dist/: to a file here, so both runs write it.
    noChecks.push(run(['synth', '--no-checks'], path.join(dir, 'no-checks.yaml')));
    fs.rmSync(out, { recursive: true, force: true });
    floor.push(measure(process.execPath, [__filename, '--floor', input, out], dir));
  }
  fs.rmSync(dir, { recursive: true, force: true });
  const med = (us: Usage[]): Usage => ({
    wallMs: median(us.map((u) => u.wallMs)),
    cpuMs: median(us.map((u) => u.cpuMs)),
    rssMiB: Math.max(...us.map((u) => u.rssMiB)),
    faults: median(us.map((u) => u.faults)),
  });
  return { n, objects, full: med(full), noChecks: med(noChecks), floor: med(floor), check: med(readers.check), diff: med(readers.diff), explain: med(readers.explain) };
}

interface Embedded {
  readonly npm: number;
  readonly cdk8s: number;
  readonly cdk8sWithUpgradeCheck: number;
  /** berth itself, without a launcher. */
  readonly direct: number;
  /** Pages a direct synth touches for the first time (minor page faults). */
  readonly directFaults: number;
  /** What the launchers cost before berth starts: an empty node, `npm run` of a script that does nothing, the cdk8s CLI. */
  readonly node: number;
  /** An empty node without the CA bundle NODE_EXTRA_CA_CERTS names, when the environment sets one. */
  readonly nodeWithoutExtraCa?: number;
  readonly npmEmpty: number;
  readonly cdk8sCli: number;
}

/**
 * The embedded default through each entry point, and the launchers' own cost measured the same
 * way. Each round runs every command once, so a slower stretch of the machine hits them all.
 */
function embedded(runs: number): Embedded {
  const berth = path.join(REPO, 'bin', 'berth.js');
  const noUpgradeCheck = { CDK8S_CHECK_UPGRADE: 'false' };
  type Command = [string, string[], Record<string, string | undefined>];
  const commands: Partial<Record<keyof Embedded, Command>> = {
    npm: ['npm', ['run', '--silent', 'synth'], {}],
    cdk8s: ['npx', ['--no-install', 'cdk8s', 'synth'], noUpgradeCheck],
    cdk8sWithUpgradeCheck: ['npx', ['--no-install', 'cdk8s', 'synth'], {}],
    direct: [process.execPath, [berth, 'synth'], {}],
    node: [process.execPath, ['-e', '0'], {}],
    ...(process.env.NODE_EXTRA_CA_CERTS ? { nodeWithoutExtraCa: [process.execPath, ['-e', '0'], { NODE_EXTRA_CA_CERTS: undefined }] as Command } : {}),
    // npm's built-in `env` script: `npm run` with nothing of berth's behind it.
    npmEmpty: ['npm', ['run', '--silent', 'env'], {}],
    cdk8sCli: ['npx', ['--no-install', 'cdk8s', '--version'], noUpgradeCheck],
  };
  const walls = new Map<string, number[]>();
  const faults: number[] = [];
  for (let round = 0; round <= runs; round++) {
    for (const [name, [cmd, args, env]] of Object.entries(commands) as Array<[string, Command]>) {
      const u = measure(cmd, args, REPO, env);
      if (round === 0) continue; // warm-up: file cache, code caches
      walls.set(name, [...(walls.get(name) ?? []), u.wallMs]);
      if (name === 'direct') faults.push(u.faults);
    }
  }
  const med = (name: string) => median(walls.get(name) ?? [NaN]);
  return {
    npm: med('npm'),
    cdk8s: med('cdk8s'),
    cdk8sWithUpgradeCheck: med('cdk8sWithUpgradeCheck'),
    direct: med('direct'),
    directFaults: median(faults),
    node: med('node'),
    nodeWithoutExtraCa: walls.has('nodeWithoutExtraCa') ? med('nodeWithoutExtraCa') : undefined,
    npmEmpty: med('npmEmpty'),
    cdk8sCli: med('cdk8sCli'),
  };
}

function main(argv: string[]): void {
  const arg = (name: string, def: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : def);
  const sizes = arg('--sizes', '1,10,100,1000').split(',').map(Number);
  const runs = Number(arg('--runs', '5'));
  const rows: Row[] = [];
  for (const n of sizes) {
    process.stderr.write(`bench: N=${n} …\n`);
    rows.push(benchN(n, n >= 1000 ? Math.min(runs, 3) : runs));
  }
  process.stderr.write('bench: embedded default …\n');
  const emb = embedded(runs);
  const f = (ms: number) => (ms / 1000).toFixed(2);
  const lines = [
    `Measured ${new Date().toISOString().slice(0, 10)} on ${os.cpus().length} × ${os.cpus()[0]?.model.trim()}, Node ${process.version}; medians of ${runs} runs (3 at N=1000), peak RSS the maximum.`,
    '',
    '| N services | objects | synth, all checks (s) | CPU (s) | peak RSS (MiB) | synth, checks off (s) | floor (s) | ratio to floor | ratio, checks off |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.n} | ${r.objects} | ${f(r.full.wallMs)} | ${f(r.full.cpuMs)} | ${r.full.rssMiB.toFixed(0)} | ${f(r.noChecks.wallMs)} | ${f(r.floor.wallMs)} | ${(r.full.wallMs / r.floor.wallMs).toFixed(2)} | ${(r.noChecks.wallMs / r.floor.wallMs).toFixed(2)} |`),
    '',
    `The commands that read dist/ or one service, on the dist/ of the synth above (wall time in s, peak RSS in MiB): \`check dist\`, \`diff --env prod\` (nothing changed), \`explain ${serviceName(0)} --env prod\`.`,
    '',
    '| N services | synth (s) | check (s) | check RSS | diff (s) | diff RSS | explain (s) | explain RSS |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.n} | ${f(r.full.wallMs)} | ${f(r.check.wallMs)} | ${r.check.rssMiB.toFixed(0)} | ${f(r.diff.wallMs)} | ${r.diff.rssMiB.toFixed(0)} | ${f(r.explain.wallMs)} | ${r.explain.rssMiB.toFixed(0)} |`),
    '',
  ];
  const r100 = rows.find((r) => r.n === 100);
  const r1000 = rows.find((r) => r.n === 1000);
  const targets: Array<[string, boolean]> = [];
  if (r100 && r1000) {
    const growth = r1000.full.wallMs / r100.full.wallMs;
    const perService = (r1000.full.wallMs - r100.full.wallMs) / 900;
    const floorPer = (r1000.floor.wallMs - r100.floor.wallMs) / 900;
    lines.push(`Growth: time(1000) / time(100) = ${growth.toFixed(2)}; ${perService.toFixed(2)} ms per extra service (floor: ${floorPer.toFixed(2)} ms).`, '');
    targets.push(['growth linear: time(1000)/time(100) ≤ 11', growth <= 11]);
    targets.push(['N=1000, all checks ≤ 3× floor', r1000.full.wallMs <= 3 * r1000.floor.wallMs]);
    targets.push(['N=1000, checks off ≤ 2× floor', r1000.noChecks.wallMs <= 2 * r1000.floor.wallMs]);
    targets.push(['N=1000, peak RSS ≤ 400 MB', r1000.full.rssMiB * 1.048576 <= 400]);
    targets.push(['N=1000, check dist and diff no slower than the synth', r1000.check.wallMs <= r1000.full.wallMs && r1000.diff.wallMs <= r1000.full.wallMs]);
    targets.push(['N=1000, explain of one service ≤ 1 s', r1000.explain.wallMs <= 1000]);
    targets.push(['N=1000, check, diff and explain peak RSS ≤ 400 MB', Math.max(r1000.check.rssMiB, r1000.diff.rssMiB, r1000.explain.rssMiB) * 1.048576 <= 400]);
  }
  lines.push(
    `Embedded default (charts/: the five seeds and ledger with its hook, two environments, all checks): \`npm run synth\` ${f(emb.npm)} s; \`npx cdk8s synth\` ${f(emb.cdk8s)} s with \`CDK8S_CHECK_UPGRADE=false\` (${f(emb.cdk8sWithUpgradeCheck)} s with the CLI's upgrade check); \`node bin/berth.js synth\` ${f(emb.direct)} s.`,
    '',
    `The launchers alone, same run: \`node -e 0\` ${f(emb.node)} s` +
      (emb.nodeWithoutExtraCa === undefined ? '' : ` (${f(emb.nodeWithoutExtraCa)} s without the CA bundle this environment's NODE_EXTRA_CA_CERTS adds to every Node process)`) +
      `; \`npm run env\` (npm's own script) ${f(emb.npmEmpty)} s; \`npx cdk8s --version\` ${f(emb.cdk8sCli)} s. ` +
      `berth's own share of the embedded default: ${f(emb.direct - emb.node)} s beyond Node's start; ${f(emb.npm - emb.npmEmpty)} s of \`npm run synth\` beyond \`npm run env\`; ` +
      `${f(emb.cdk8s - emb.cdk8sCli)} s of \`npx cdk8s synth\` beyond \`npx cdk8s --version\`. A direct synth touches ${Math.round(emb.directFaults).toLocaleString('en-US')} pages of memory for the first time (minor page faults).`,
    '',
  );
  targets.push(['embedded default via npm run synth ≤ 0.6 s', emb.npm <= 600]);
  targets.push(['embedded default via npx cdk8s synth ≤ 1.5 s (upgrade check off)', emb.cdk8s <= 1500]);
  lines.push('| target | met |', '|---|---|', ...targets.map(([t, ok]) => `| ${t} | ${ok ? 'yes' : '**no**'} |`), '');
  const text = lines.join('\n');
  process.stdout.write(text);
  const write = arg('--write', '');
  if (write) {
    const doc = path.resolve(REPO, write);
    const current = fs.existsSync(doc) ? fs.readFileSync(doc, 'utf8') : '';
    const begin = '<!-- bench:begin -->';
    const end = '<!-- bench:end -->';
    const block = `${begin}\n${text}${end}`;
    fs.writeFileSync(doc, current.includes(begin) ? current.replace(new RegExp(`${begin}[\\s\\S]*${end}`), block) : `${current}\n${block}\n`);
  }
}

// Run as a program (`node lib/bench.js`); bin/build.js only requires it for makeProject and serviceName.
if (require.main === module) {
  if (process.argv[2] === '--floor') {
    reportUsage();
    floorMain(process.argv[3], process.argv[4]);
  } else {
    main(process.argv.slice(2));
  }
}

export { makeProject, serviceName };
