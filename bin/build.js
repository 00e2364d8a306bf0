#!/usr/bin/env node
// Transpiles src/ and imports/ to lib/ with esbuild so the hot path (synth, check) runs precompiled
// JavaScript; type-checking is separate (`tsc --noEmit` in `npm test`, CI and the editor).
// `ensureFresh()` rebuilds only when a source file is newer than the last build, so a user who
// edits a construct and runs `npm run synth` never runs stale code.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const sourceDirs = ['src', 'imports', 'bench'];
const outDir = path.join(root, 'lib');
const stamp = path.join(outDir, '.build-stamp');

function listSources() {
  const files = [];
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
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.push(p);
    }
  };
  for (const d of sourceDirs) walk(path.join(root, d));
  return files;
}

function newestMtime(files) {
  let newest = 0;
  for (const f of files) newest = Math.max(newest, fs.statSync(f).mtimeMs);
  return newest;
}

function build(files) {
  const esbuild = require('esbuild');
  fs.rmSync(outDir, { recursive: true, force: true });
  esbuild.buildSync({
    entryPoints: files,
    outdir: outDir,
    outbase: root,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'error',
  });
  fs.writeFileSync(stamp, `${files.length}\n`);
}

/** Builds lib/ when it is missing or older than any source file (or the set of files changed). */
function ensureFresh(force = false) {
  const files = listSources();
  let stale = force;
  if (!stale) {
    try {
      const st = fs.statSync(stamp);
      stale = st.mtimeMs < newestMtime(files) || fs.readFileSync(stamp, 'utf8').trim() !== String(files.length);
    } catch {
      stale = true;
    }
  }
  if (stale) build(files);
}

module.exports = { ensureFresh };

if (require.main === module) ensureFresh(process.argv.includes('--force'));
