#!/usr/bin/env node
// Bundles the CLI (src/cli.ts with its dependencies) into lib/berth.js with esbuild, so the hot
// path (synth, check) loads one precompiled file instead of resolving hundreds of modules;
// type-checking is separate (`tsc --noEmit` in `npm test`, CI and the editor). The benchmark is
// bundled the same way into lib/bench.js.
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
      // bin/berth.js reads the bundle as latin1, which is only right for ASCII (esbuild's default).
      charset: 'ascii',
      minifySyntax: true,
      minifyWhitespace: true,
      keepNames: true,
      legalComments: 'none',
      logLevel: 'error',
    });
  }
  fs.writeFileSync(stamp, `${files.length}\n`);
}

/** Builds lib/ when it is missing or older than any source file (or the set of files changed). */
function ensureFresh(force = false) {
  const files = listSources();
  let stale = force;
  if (!stale) {
    try {
      const built = fs.statSync(stamp).mtimeMs;
      stale = fs.readFileSync(stamp, 'utf8').trim() !== String(files.length) || files.some((f) => fs.statSync(f).mtimeMs > built);
    } catch {
      stale = true;
    }
  }
  if (stale) build(files);
}

module.exports = { ensureFresh };

if (require.main === module) ensureFresh(process.argv.includes('--force'));
