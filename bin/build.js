#!/usr/bin/env node
// Bundles the CLI (src/cli.ts with its dependencies) into lib/berth.js with esbuild, so the hot
// path (synth, check) loads one precompiled file instead of resolving hundreds of modules;
// type-checking is separate (`tsc --noEmit` in `npm test`, CI and the editor). The benchmark is
// bundled the same way into lib/bench.js.
//
// After bundling it synthesizes a small project with every feature on (bench/project.ts), checks,
// diffs and explains the result, each in a fresh `bin/berth.js` process, which writes the V8 code
// caches those commands start from: the bytecode they run is compiled at build time, the same for
// every checkout, instead of by whichever run came first (a failing spec or a `--no-checks` run
// would leave a synth cache without the checks).
//
// `ensureFresh()` rebuilds only when a source file (or this file, which holds the build options) is
// newer than the last build, so a user who edits a construct and runs `npm run synth` never runs
// stale code.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const sourceDirs = ['src', 'imports', 'bench'];
const outDir = path.join(root, 'lib');
const stamp = path.join(outDir, '.build-stamp');
const bundles = [
  { entry: 'src/cli.ts', out: 'berth.js' },
  { entry: 'bench/bench.ts', out: 'bench.js' },
];

function listSources() {
  const files = [path.join(root, 'package-lock.json'), __filename];
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts')) files.push(p);
    }
  };
  for (const d of sourceDirs) walk(path.join(root, d));
  return files;
}

function build(files) {
  const esbuild = require('esbuild');
  fs.rmSync(outDir, { recursive: true, force: true });
  for (const b of bundles) {
    if (!fs.existsSync(path.join(root, b.entry))) continue;
    esbuild.buildSync({
      entryPoints: [path.join(root, b.entry)],
      outfile: path.join(outDir, b.out),
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      // re2-wasm reads a .wasm file beside its module at load time: see src/check/re2-regexp.ts.
      alias: {
        're2-wasm': path.join(root, 'src/check/re2-regexp.ts'),
        // js-yaml's package.json sends `import` to its ESM build, which parses about 3 times slower
        // than its CommonJS build (measured on the dist/ of 1000 services: 16.8 s against 4.2 s);
        // `berth check` and `berth diff` spend most of their time parsing.
        'js-yaml': path.join(root, 'node_modules/js-yaml/dist/js-yaml.cjs.js'),
      },
      // bin/berth.js reads the bundle as latin1, which is only right for ASCII (esbuild's default).
      charset: 'ascii',
      // Minified, without esbuild's keepNames: a third less to read and 4,500 fewer property
      // definitions at start-up (about 25 ms of a synth). Nothing berth prints depends on a
      // function's name; stack traces come from the source map (BERTH_DEBUG=1, see bin/berth.js).
      minify: true,
      keepNames: false,
      sourcemap: 'linked',
      sourcesContent: false,
      legalComments: 'none',
      logLevel: 'error',
    });
  }
  // The CLI's bundle once more, already wrapped as Node wraps a CommonJS module, for bin/berth.js
  // to compile as it is: wrapping it at run time makes a second string V8 has to flatten into a
  // third copy (2.3 MB of fresh memory, about 7 ms). lib/berth.js stays a plain module for
  // require() and its source map.
  const bundle = path.join(outDir, 'berth.js');
  fs.writeFileSync(`${bundle}.wrapped`, require('module').wrap(fs.readFileSync(bundle, 'latin1')), 'latin1');
  fs.writeFileSync(stamp, `${files.length}\n`);
  writeCodeCaches();
}

/** Runs `berth synth`, `check`, `diff` and `explain` once on a synthetic project, so each writes its code cache. */
function writeCodeCaches() {
  // Required here, not at the top: every berth run loads this file for ensureFresh().
  const { spawnSync } = require('child_process');
  let dir;
  try {
    const { makeProject, serviceName } = require(path.join(outDir, 'bench.js'));
    dir = makeProject(2, 'berth-build-');
    const env = { ...process.env, BERTH_SKIP_BUILD: '1' };
    delete env.BERTH_USAGE_FILE;
    for (const args of [['synth'], ['check', 'dist'], ['diff'], ['explain', serviceName(0), '--env', 'prod']]) {
      const r = spawnSync(process.execPath, [path.join(__dirname, 'berth.js'), ...args], { cwd: dir, env, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`berth ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim()}`);
    }
  } catch (e) {
    // Never fatal: without a cache, the first run of a command writes its own.
    process.stderr.write(`bin/build.js: no code cache written (${e.message})\n`);
  } finally {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether lib/ was built from the current sources (the stamp is written last). */
function isFresh(files) {
  try {
    const built = fs.statSync(stamp).mtimeMs;
    // A file of lib/ that bin/berth.js reads can be gone since the build.
    for (const out of ['berth.js', 'berth.js.wrapped']) fs.statSync(path.join(outDir, out));
    return fs.readFileSync(stamp, 'utf8').trim() === String(files.length) && !files.some((f) => fs.statSync(f).mtimeMs > built);
  } catch {
    return false;
  }
}

/**
 * Runs `fn` holding a lock (a folder made with mkdir, which is atomic): berth commands started at
 * once after an edit (jest runs test files in parallel) would otherwise build lib/ over each
 * other. A lock older than `staleMs` is a build that died, and is taken over.
 */
function withLock(lock, fn, { staleMs = 120_000, waitMs = 300_000 } = {}) {
  const deadline = Date.now() + waitMs;
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let age = 0;
    try {
      age = Date.now() - fs.statSync(lock).mtimeMs;
    } catch {
      continue; // released meanwhile
    }
    if (age > staleMs) {
      fs.rmSync(lock, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${lock} is held by another build; remove it if no build is running`);
    Atomics.wait(nap, 0, 0, 50);
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds lib/ when it is missing or older than any source file (or the set of files changed). */
function ensureFresh(force = false) {
  // The build's own cache-writing runs: lib/ was just written.
  if (process.env.BERTH_SKIP_BUILD === '1') return;
  // An installed package (npm pack) holds lib/ as it was packed, and no sources to build it from.
  if (!fs.existsSync(path.join(root, 'src'))) return;
  const files = listSources();
  if (!force && isFresh(files)) return;
  // Under the lock, look again: whoever held it may have just built the same sources.
  withLock(path.join(root, '.lib.lock'), () => {
    if (force || !isFresh(files)) build(files);
  });
}

module.exports = { ensureFresh, withLock };

if (require.main === module) ensureFresh(process.argv.includes('--force'));
