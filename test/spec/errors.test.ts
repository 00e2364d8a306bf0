/**
 * Spec problems for a person: every zod issue becomes a problem with a fix, at the file that
 * holds the field, with no secret value in it; the formatter prints lines and redacts.
 */
import { z } from 'zod';
import { formatProblems, issuesToProblems, parsePath, Problem } from '../../src/spec/errors';
import { ServiceSpec } from '../../src/spec/schema';
import { forgetSecrets, rememberSecrets } from '../../src/util/redact';

afterEach(() => forgetSecrets());

const problemsOf = (schema: z.core.$ZodType, input: unknown, fileFor: (p: readonly PropertyKey[]) => string = () => 'f.yaml'): Problem[] => {
  const r = z.safeParse(schema, input);
  if (r.success) throw new Error('expected the input to be refused');
  return issuesToProblems(schema, r.error.issues, fileFor, input);
};

describe('issuesToProblems', () => {
  // One field per kind of zod issue a spec can raise.
  const Every = z.strictObject({
    type: z.number(),
    required: z.string(),
    small: z.number().min(1),
    big: z.array(z.string()).max(1),
    value: z.enum(['a', 'b']),
    format: z.string().regex(/^x/, 'must start with x'),
    multiple: z.number().multipleOf(5),
    union: z.union([z.strictObject({ a: z.string() }), z.strictObject({ b: z.string() })]),
    key: z.record(z.string().regex(/^[a-z]+$/, 'must be lower-case'), z.string()),
    custom: z.string().refine((s) => s !== 'no', 'is refused'),
    schedule: z.string().superRefine((s, ctx) => ctx.addIssue({ code: 'custom', message: `is not a cron expression ("${s}")` })),
  });

  test('gives every kind of issue a fix', () => {
    const problems = problemsOf(Every, {
      type: 'x', small: 0, big: ['a', 'b'], value: 'c', format: 'y', multiple: 3, union: 5, key: { UP: 'x' }, custom: 'no', schedule: '61 * * * *', extra: 1,
    });
    expect(problems.map((p) => p.path).sort()).toEqual(['big', 'custom', 'extra', 'format', 'key.UP', 'multiple', 'required', 'schedule', 'small', 'type', 'union', 'value']);
    expect(problems.filter((p) => !p.fix)).toEqual([]);
    const fix = (path: string) => problems.find((p) => p.path === path)?.fix;
    expect(fix('type')).toBe('write a number here (without quotes, such as 8000)');
    expect(fix('required')).toBe('add required: text (quote it when it looks like a number or a boolean: "8000", "true")');
    expect(fix('small')).toBe('use at least 1');
    expect(fix('big')).toBe('use at most 1 item');
    expect(fix('value')).toBe('use one of: "a", "b"');
    expect(fix('format')).toBe('change the value: it must start with x');
    expect(fix('multiple')).toBe('use a multiple of 5');
    expect(fix('key.UP')).toBe('rename the key: it must be lower-case');
    expect(fix('custom')).toBe('change the value: it is refused');
    expect(fix('schedule')).toBe('write five fields, minute hour day-of-month month day-of-week, such as "0 3 * * *" (03:00 every day) or "*/15 * * * *" (every 15 minutes), or a macro such as @daily');
    expect(fix('extra')).toBe('remove it; allowed here: big, custom, format, key, multiple, required, schedule, small, type, union, value');
  });

  test('reports a misspelt required key once: as the typo, not also as the missing key', () => {
    const problems = problemsOf(ServiceSpec, { name: 'demo', image: 'r.example.com/demo:1', web: { api: { port: 8000, helth: { liveness: '/h' } } } });
    expect(problems).toEqual([{ file: 'f.yaml', path: 'web.api.helth', message: 'Unknown key "helth"', fix: 'did you mean "health"?' }]);
  });

  test('asks which file holds an unknown key by the key\'s own path, not its parent\'s', () => {
    const asked: string[] = [];
    problemsOf(ServiceSpec, { name: 'demo', image: 'r.example.com/demo:1', web: { api: { port: 8000, health: { liveness: '/h' } } }, enviroment: {} }, (p) => {
      asked.push(p.join('.'));
      return 'f.yaml';
    });
    expect(asked).toEqual(['enviroment']);
  });

  test('describes a value under secrets, a credential or a value under a secret-looking name, never shows it', () => {
    const input = {
      name: 'demo',
      image: 'r.example.com/demo:1',
      web: { api: { port: 8000, health: { liveness: '/h' } } },
      env: { API_TOKEN: 12345678 },
      secrets: { source: { existingSecret: 'demo' }, items: { DATABASE_URL: 'postgresql://rag:S3cretPassw0rd@db:5432/rag', PLAIN: 'hunter2hunter2' } },
    };
    const text = problemsOf(ServiceSpec, input).map((p) => p.message).sort().join('\n');
    expect(text).toBe(
      [
        'Invalid input: expected object, received string (got [redacted: a credential, 43 characters])',
        'Invalid input: expected object, received string (got [redacted: a value under secrets, 14 characters])',
        'Invalid input: expected string, received number (got 12345678)',
      ].join('\n'),
    );
    // The number is shown by the schema; the formatter still redacts it once the loader remembered it.
    rememberSecrets(input);
    expect(formatProblems(problemsOf(ServiceSpec, input))).not.toMatch(/12345678|S3cretPassw0rd|hunter2/);
  });
});

describe('formatProblems', () => {
  test('prints the line of each field, in the order of the file, whole-file problems first', () => {
    expect(
      formatProblems([
        { file: 'charts/a/service.yaml', path: 'web.api.port', message: 'Bad port', fix: 'use 8000', line: 12 },
        { file: 'charts/a/service.yaml', path: 'env', message: 'Bad env', fix: 'fix env', line: 7 },
        { file: 'charts/a/service.yaml', path: '', message: 'Whole file', fix: 'rewrite it' },
      ]),
    ).toBe(
      [
        'charts/a/service.yaml',
        '  ✖ Whole file',
        '    → fix: rewrite it',
        '  ✖ Bad env',
        '    → at env (line 7)',
        '    → fix: fix env',
        '  ✖ Bad port',
        '    → at web.api.port (line 12)',
        '    → fix: use 8000',
      ].join('\n'),
    );
  });

  test('redacts credentials and remembered secret values, whoever wrote the message', () => {
    rememberSecrets({ secrets: { items: { PLAIN: 'hunter2hunter2' } } });
    const out = formatProblems([{ file: 'f.yaml', path: 'x', message: 'value "hunter2hunter2" and redis://:pa55word@redis:6379 refused', fix: 'not "hunter2hunter2"' }]);
    expect(out).toBe(
      [
        'f.yaml',
        '  ✖ value "[redacted: a secret value, 14 characters]" and redis://:[redacted: a password in a URL, 8 characters]@redis:6379 refused',
        '    → at x',
        '    → fix: not "[redacted: a secret value, 14 characters]"',
      ].join('\n'),
    );
  });
});

describe('parsePath', () => {
  test('splits a formatted path into keys and indexes', () => {
    expect(parsePath('cron.retention.tables[1]')).toEqual(['cron', 'retention', 'tables', 1]);
    expect(parsePath('')).toEqual([]);
  });
});
