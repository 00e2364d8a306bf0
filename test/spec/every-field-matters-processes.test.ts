/**
 * Every field of the long-running processes (web, workers, singletons) and of the containers
 * beside them changes the output or is refused: the other half of every-field-matters.test.ts,
 * in a file of its own so jest's two workers share the walk (every-field-matters/walk.ts).
 */
import { leavesIn, verdicts } from './every-field-matters/walk';

describe('every field of the processes and their containers', () => {
  test('changes the synthesized output or is refused', () => {
    const results = verdicts(leavesIn('processes'));
    const dead = results.filter((r) => r.verdict === 'dead').map((r) => `${r.path}: ${r.detail}`);
    expect(dead).toEqual([]);
    // Refused everywhere is legitimate only where a value must agree with the rest of the spec;
    // listed so a field that slides into "always refused" is noticed.
    expect(results.filter((r) => r.verdict === 'refused').map((r) => `${r.path}: ${r.detail}`)).toEqual([]);
  }, 60_000);
});
