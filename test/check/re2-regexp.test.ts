/**
 * The bundle checks RE2 patterns with a RegExp stand-in (src/check/re2-regexp.ts); jest runs the
 * real re2-wasm. Both must answer alike for the patterns of the schemas berth validates with.
 */
import { RE2 as RealRE2 } from 're2-wasm';
import { RE2 } from '../../src/check/re2-regexp';

test('the stand-in answers like re2-wasm for the PrometheusRule pattern', () => {
  const pattern = '^(?i)(abort|warn)?$';
  const real = new RealRE2(pattern, 'u');
  const mine = new RE2(pattern, 'u');
  for (const s of ['abort', 'warn', 'WARN', 'Abort', '', 'abortt', 'warn ', 'x', 'abort|warn']) expect([s, mine.test(s)]).toEqual([s, real.test(s)]);
});

test('fails when a pattern uses an RE2 flag group it does not translate', () => {
  expect(() => new RE2('^a(?s:.)$')).toThrow('re2-regexp: pattern "^a(?s:.)$" uses an RE2 flag group this stand-in does not translate');
});
