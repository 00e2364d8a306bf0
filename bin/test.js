#!/usr/bin/env node
// npm test: the type check (`tsc --noEmit`, incremental) and jest, side by side.
//
// Run one after the other, the type check's 4 s came before jest's first test, while jest's own
// start (its file map, two workers, their first transforms) left a core idle. Side by side the
// two halves share the cores; tsc's output is held and printed after jest's, so a type error is
// not lost in jest's progress. Arguments go to jest (`npm test -- test/spec`). The exit code is
// jest's, or 1 when only the type check failed.
'use strict';
const { spawn } = require('child_process');

const tsc = spawn(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit'], { stdio: ['ignore', 'pipe', 'pipe'] });
let typeErrors = '';
tsc.stdout.on('data', (d) => (typeErrors += d));
tsc.stderr.on('data', (d) => (typeErrors += d));
const typeChecked = new Promise((resolve) => tsc.on('close', (code, signal) => resolve(signal ? 1 : code)));

const jest = spawn(process.execPath, [require.resolve('jest/bin/jest'), ...process.argv.slice(2)], { stdio: 'inherit' });
jest.on('close', async (code, signal) => {
  const tscCode = await typeChecked;
  if (tscCode !== 0) process.stderr.write(`${typeErrors}\ntsc --noEmit failed (exit ${tscCode}): the type errors are above.\n`);
  process.exitCode = signal || code !== 0 ? code || 1 : tscCode === 0 ? 0 : 1;
});
// Ctrl-C reaches both children from the terminal; a signal sent to this process alone is passed on.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    tsc.kill(sig);
    jest.kill(sig);
  });
}
