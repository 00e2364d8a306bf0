#!/usr/bin/env node
// The berth command: make sure lib/ is current, then hand over to the compiled CLI.
//
// The bundle is loaded through a V8 code cache, so later runs skip compiling it: most of a small
// synth's start-up. The cache holds the bytecode of what the run that wrote it executed, so each
// command has its own (lib/berth.js.synth.cache, …, written after the command's first run and
// whenever V8 rejects it): a synth never runs with the cache of a `berth help`.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');

require('./build').ensureFresh();

// A reader that stops early (`berth synth --no-checks | head`) closes the pipe: berth has nothing
// more to say, so it stops quietly instead of dying on an unhandled EPIPE with a stack trace.
process.stdout.on('error', (e) => {
  if (e.code !== 'EPIPE') throw e;
  process.exit(0);
});

// BERTH_DEBUG=1 prints the stack of an unexpected error: load the bundle through require(), with
// source maps on, so the stack names the TypeScript sources (the minified bundle's names mean
// nothing). Slower to start, and never the path a normal run takes.
if (process.env.BERTH_DEBUG) {
  process.setSourceMapsEnabled(true);
  require('../lib/berth.js')
    .run(process.argv.slice(2))
    .then((code) => {
      process.exitCode = code;
    });
  return;
}

// The commands `berth help` lists (test/cli/commands.test.ts keeps the two lists equal).
const COMMANDS = new Set(['synth', 'check', 'diff', 'explain', 'alerts', 'promote', 'set-image', 'new', 'schema']);
const argv = process.argv.slice(2);
const file = path.join(__dirname, '..', 'lib', 'berth.js');
const cacheFile = `${file}.${COMMANDS.has(argv[0]) ? argv[0] : 'other'}.cache`;
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
// The bundle as Module.wrap() would make it, written by the build (see bin/build.js). It is
// ASCII (build.js asks esbuild for it), so latin1 reads it as it is, without UTF-8 decoding.
const script = new vm.Script(fs.readFileSync(`${file}.wrapped`, 'latin1'), { filename: file, cachedData });
const cli = new Module(file, module);
cli.filename = file;
cli.paths = Module._nodeModulePaths(path.dirname(file));
script.runInThisContext().call(cli.exports, cli.exports, (id) => cli.require(id), cli, file, path.dirname(file));

cli.exports.run(argv).then((code) => {
  if (cachedData === undefined || script.cachedDataRejected) {
    try {
      const tmp = `${cacheFile}.${process.pid}`;
      fs.writeFileSync(tmp, script.createCachedData());
      fs.renameSync(tmp, cacheFile);
    } catch {
      // A read-only checkout just runs without the cache.
    }
  }
  process.exitCode = code;
  // The run is over: exit now rather than let V8 finish a garbage collection it started (up to
  // 20 ms). Only when all output has been handed to the OS; otherwise Node drains it first.
  if (process.stdout.writableLength === 0 && process.stderr.writableLength === 0) process.exit(code);
});
