import { commandFromLine, splitShellWords } from '../../src/onboard/shell-words';

describe('splitShellWords', () => {
  test.each<[string, string[]]>([
    ['gunicorn app:app --workers 4', ['gunicorn', 'app:app', '--workers', '4']],
    ['  spaced   out\twords \n', ['spaced', 'out', 'words']],
    [`python -c 'print("hi there")'`, ['python', '-c', 'print("hi there")']],
    [`echo "a \\"quoted\\" word" 'single \\ stays'`, ['echo', 'a "quoted" word', 'single \\ stays']],
    ['a\\ b c', ['a b', 'c']],
    [`''`, ['']],
    [`pre"fix"'ed'`, ['prefixed']],
    ['', []],
  ])('%j', (line, words) => {
    expect(splitShellWords(line)).toEqual({ words, needsShell: false });
  });

  test.each(['a && b', 'a | b', 'a; b', 'echo $HOME', 'echo "$HOME"', 'a > out', 'echo `date`'])('%j needs a shell', (line) => {
    expect(splitShellWords(line).needsShell).toBe(true);
  });

  test.each(["echo '$HOME'", 'echo "\\$HOME"', 'echo \\$HOME', "a '&&' b"])('%j does not need a shell', (line) => {
    expect(splitShellWords(line).needsShell).toBe(false);
  });

  test('fails when a quote is not closed', () => {
    expect(() => splitShellWords(`echo 'open`)).toThrow('unterminated single quote at character 6 of the command');
    expect(() => splitShellWords('echo "open')).toThrow('unterminated double quote in the command');
    expect(() => splitShellWords('echo \\')).toThrow('the command ends with a lone backslash');
  });
});

describe('commandFromLine', () => {
  test('wraps shell syntax in sh -c and keeps plain commands as words', () => {
    expect(commandFromLine('alembic upgrade head && gunicorn app:app')).toEqual({ command: ['sh', '-c', 'alembic upgrade head && gunicorn app:app'], wrapped: true });
    expect(commandFromLine('arq app.worker.WorkerSettings')).toEqual({ command: ['arq', 'app.worker.WorkerSettings'], wrapped: false });
  });
});
