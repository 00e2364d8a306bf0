/**
 * Property-based fuzzing on MUTATED projects: a valid project (arbitraries.ts) with one to three
 * changes to a spec, an overlay or berth.yaml (a key deleted or inserted, a value of another
 * type, an out-of-range number, a random string as a name, a key renamed onto another), and/or
 * its YAML text cut short or garbled.
 *
 * berth must answer every one the way `berth synth` promises: either it accepts the project and
 * writes objects that pass the strict schema and Pod Security checks (findings of the policy
 * checks, guardrails and the secret-leak guard, are the second gate `berth synth` reports and are
 * allowed), or it rejects it with a SpecError whose message names an input file. Any other
 * exception is a bug, and so is a run that takes seconds (a hang).
 */
import { buildOutput, checkOutput } from '../../src/app';
import { validateSchema } from '../../src/check/schema';
import { Finding } from '../../src/check/types';
import { formatProblems, SpecError } from '../../src/spec/errors';
import { loadProject } from '../../src/spec/load';
import fc from 'fast-check';
import { assertProperty, FUZZ_SEED, fuzzRuns, fuzzTimeout, mutatedFiles, mutatedProject, ProjectFiles, withFiles } from './arbitraries';

const RUNS = fuzzRuns(80);
/** A run this slow is a hang in the making: the limits in load.ts should keep every run fast. */
const HANG_MS = 5000;
/** Findings of the checks that judge policy, not validity: `berth synth` reports them and writes nothing. */
const POLICY_CHECKS = new Set<Finding['check']>(['guardrail', 'secret-leak']);

type Outcome = 'accepted' | 'rejected: spec' | 'rejected: policy checks';

/** What berth does with the files: accepts them, or rejects them the way `berth synth` would; throws on anything else. */
function judge(files: ProjectFiles, inputs: ReadonlySet<string>): Outcome {
  try {
    const project = loadProject(files.config, files.charts);
    const output = buildOutput(project);
    const findings = checkOutput(project, output, { schema: validateSchema });
    const invalid = findings.filter((f) => !POLICY_CHECKS.has(f.check));
    if (invalid.length) {
      throw new Error(`accepted, but the output fails its checks:\n${invalid.map((f) => `  ${f.check} ${f.object} ${f.path}: ${f.message}`).join('\n')}`);
    }
    return findings.length ? 'rejected: policy checks' : 'accepted';
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    const text = formatProblems(e.problems);
    expect(e.problems.length).toBeGreaterThan(0);
    expect(text.trim()).not.toBe('');
    // The first line of the report, and every problem, is an input file.
    expect(inputs).toContain(text.split('\n')[0]);
    for (const p of e.problems) expect(inputs).toContain(p.file);
    expect(e.problems.every((p) => p.message.trim() !== '')).toBe(true);
    return 'rejected: spec';
  }
}

describe('fuzz: mutated specs', () => {
  test(
    '(d) a mutated project is accepted and valid, or rejected with a SpecError that names a file; never a crash or a hang',
    () => {
      const outcomes: Record<Outcome, number> = { accepted: 0, 'rejected: spec': 0, 'rejected: policy checks': 0 };
      let slowest = 0;
      const { ms } = assertProperty(
        fc.property(mutatedProject(), (m) => {
          const files = mutatedFiles(m);
          const inputs = new Set([files.config.path, ...files.charts.map((f) => f.path)]);
          const t0 = Date.now();
          const outcome = withFiles(files, () => judge(files, inputs));
          const took = Date.now() - t0;
          slowest = Math.max(slowest, took);
          if (took > HANG_MS) throw new Error(`took ${took} ms (limit ${HANG_MS} ms): a hang in the making`);
          outcomes[outcome]++;
        }),
        RUNS,
        'd: mutated specs',
      );
      // eslint-disable-next-line no-console
      console.log(
        `fuzz (mutated specs), seed ${FUZZ_SEED}: ${RUNS} runs in ${(ms / 1000).toFixed(1)} s (slowest run ${slowest} ms); ` +
          Object.entries(outcomes).map(([k, v]) => `${k} ${v}`).join(', '),
      );
      // Not vacuous: the mutations both break projects and leave some valid.
      if (!process.env.FUZZ_PATH && RUNS >= 50) {
        expect(outcomes['rejected: spec']).toBeGreaterThan(0);
        expect(outcomes.accepted).toBeGreaterThan(0);
      }
    },
    fuzzTimeout(RUNS, 500),
  );
});
