#!/usr/bin/env node
// The berth command: make sure lib/ is current, then hand over to the compiled CLI.
//
// The bundle is loaded through a V8 code cache (lib/berth.js.cache, written after the first run
// and whenever V8 rejects it), so later runs skip compiling it: most of a small synth's start-up.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const Module = require('module');

require('./build').ensureFresh();

const file = path.join(__dirname, '..', 'lib', 'berth.js');
const cacheFile = `${file}.cache`;
let cachedData;
try {
  cachedData = fs.readFileSync(cacheFile);
} catch {
  cachedData = undefined;
}
const script = new vm.Script(Module.wrap(fs.readFileSync(file, 'utf8')), { filename: file, cachedData });
const cli = new Module(file, module);
cli.filename = file;
cli.paths = Module._nodeModulePaths(path.dirname(file));
script.runInThisContext().call(cli.exports, cli.exports, (id) => cli.require(id), cli, file, path.dirname(file));

cli.exports.run(process.argv.slice(2)).then((code) => {
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
});
