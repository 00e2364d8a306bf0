/**
 * Every field of the service spec changes the output or is refused: the leaves of every field
 * but the long-running processes and their containers (every-field-matters-processes.test.ts
 * walks those, on the other jest worker). The walk and its reasons: every-field-matters/walk.ts.
 */
import { BASES, LEAVES, leavesIn, outcome, pathOf, verdicts } from './every-field-matters/walk';

describe('every field of the service spec', () => {
  test('the base specs are valid in every environment', () => {
    for (const base of BASES) expect(outcome(base, true)).toHaveProperty('text');
  });

  test('the walk reaches every leaf of the JSON Schema', () => {
    const paths = [...new Set(LEAVES.map((l) => pathOf(l.segments)))];
    expect(paths.length).toBeGreaterThan(120);
    for (const p of ['edge.websockets', 'workingDir', 'web.*.health.startupTimeoutSeconds', 'secrets.source.sealedSecret.scope', 'edge.tls.certificate.issuerKind', 'cron.jobs.*.timeZone']) {
      expect(paths).toContain(p);
    }
  });

  test('the two files walk every leaf between them, each once', () => {
    const processes = leavesIn('processes');
    const others = leavesIn('others');
    expect([...processes, ...others].sort((a, b) => LEAVES.indexOf(a) - LEAVES.indexOf(b))).toEqual(LEAVES);
    expect(new Set([...processes, ...others]).size).toBe(LEAVES.length);
    // Each half is a real share of the work, not an empty file.
    expect(Math.min(processes.length, others.length)).toBeGreaterThan(LEAVES.length / 4);
  });

  test('changes the synthesized output or is refused', () => {
    const results = verdicts(leavesIn('others'));
    const dead = results.filter((r) => r.verdict === 'dead').map((r) => `${r.path}: ${r.detail}`);
    expect(dead).toEqual([]);
    // Refused everywhere is legitimate only where a value must agree with the rest of the spec;
    // listed so a field that slides into "always refused" is noticed.
    expect(results.filter((r) => r.verdict === 'refused').map((r) => `${r.path}: ${r.detail}`)).toEqual([]);
  }, 60_000);
});
