import { ArgSpec, parseArgs, synopsis, UsageError } from '../../src/util/argv';

const SPEC: ArgSpec = {
  flags: {
    '--env': { value: 'ENV' },
    '--format': { value: 'FORMAT', choices: ['text', 'json'] },
    '--from-env': { value: 'FILE', repeatable: true },
    '--yes': { aliases: ['-y'] },
    '--internal': { hidden: true },
  },
  positionals: ['SERVICE'],
  extraHint: 'quote a value with spaces',
};

const fails = (argv: string[]) => {
  try {
    parseArgs(argv, SPEC);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  throw new Error(`parsed: ${argv.join(' ')}`);
};

describe('parseArgs', () => {
  test('reads values (--flag value and --flag=value), switches by their long name, and positionals', () => {
    const args = parseArgs(['rag', '--env', 'prod', '--format=json', '-y', '--from-env', 'a', '--from-env=b'], SPEC);
    expect(args.positionals).toEqual(['rag']);
    expect([...args.values]).toEqual([
      ['--env', ['prod']],
      ['--format', ['json']],
      ['--from-env', ['a', 'b']],
    ]);
    expect([...args.switches]).toEqual(['--yes']);
  });

  test.each([
    ['an option is unknown', ['--exit-cod'], 'unknown option --exit-cod'],
    ['an unknown option carries a value', ['--envv=prod'], 'unknown option --envv'],
    ['a value is missing at the end', ['--env'], '--env needs a value (--env ENV)'],
    ['another option follows where the value should be', ['--env', '--yes'], '--env needs a value (--env ENV)'],
    ['an alias follows where the value should be', ['--env', '-y'], '--env needs a value (--env ENV)'],
    ['a switch is given a value', ['--yes=1'], '--yes takes no value'],
    ['a value is not one of the choices', ['--format', 'yaml'], '--format must be text or json, got "yaml"'],
    ['a flag is given twice', ['--env', 'a', '--env', 'b'], '--env is given twice'],
    ['there is one positional too many', ['rag', 'web'], 'unexpected argument "web" (SERVICE only; quote a value with spaces)'],
  ])('fails when %s', (_name, argv, message) => {
    expect(fails(argv)).toBe(message);
  });

  test('a command without positionals says so', () => {
    expect(() => parseArgs(['prod'], { flags: {} })).toThrow('unexpected argument "prod" (this command takes none)');
  });

  test('the usage line lists positionals and the flags people pass, as declared', () => {
    expect(synopsis(SPEC)).toBe('SERVICE [--env ENV] [--format text|json] [--from-env FILE] [--yes]');
  });
});
