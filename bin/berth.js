#!/usr/bin/env node
// The berth command: make sure lib/ is current, then hand over to the compiled CLI.
'use strict';
require('./build').ensureFresh();
require('../lib/src/cli').run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
