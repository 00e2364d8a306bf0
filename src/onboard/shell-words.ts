/**
 * Splits a command line into words the way a POSIX shell would for a simple command, without
 * running anything: whitespace separates words, single quotes are literal, double quotes allow
 * `\"`, `\\`, `\$` and `` \` `` escapes, a backslash outside quotes escapes the next character.
 */

/** Characters that mean a shell is needed when they appear outside quotes. */
const SHELL_OPERATORS = new Set(['|', '&', ';', '<', '>', '(', ')', '$', '`']);

/** The words of a command line, and whether it uses shell syntax (pipes, `&&`, `$VAR` …). */
export interface ShellWords {
  readonly words: string[];
  /** True when an unquoted operator or expansion needs `sh -c` to mean what it says. */
  readonly needsShell: boolean;
}

/** Splits a command line; throws an Error naming the problem for an unterminated quote or escape. */
export function splitShellWords(line: string): ShellWords {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let needsShell = false;
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (ch === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated single quote at character ${i + 1} of the command`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '"') {
      i++;
      let closed = false;
      while (i < line.length) {
        const c = line[i];
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === '\\' && i + 1 < line.length && '"\\$`\n'.includes(line[i + 1])) {
          if (line[i + 1] !== '\n') word += line[i + 1];
          i += 2;
          continue;
        }
        if (c === '$' || c === '`') needsShell = true;
        word += c;
        i++;
      }
      if (!closed) throw new Error('unterminated double quote in the command');
      inWord = true;
    } else if (ch === '\\') {
      if (i + 1 >= line.length) throw new Error('the command ends with a lone backslash');
      if (line[i + 1] !== '\n') {
        word += line[i + 1];
        inWord = true;
      }
      i += 2;
    } else {
      if (SHELL_OPERATORS.has(ch)) needsShell = true;
      word += ch;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return { words, needsShell };
}

/**
 * A container command for a command line: its words, or `sh -c <line>` when it relies on shell
 * syntax (exec-form commands do not run a shell).
 */
export function commandFromLine(line: string): { command: string[]; wrapped: boolean } {
  const { words, needsShell } = splitShellWords(line);
  if (needsShell) return { command: ['sh', '-c', line.trim()], wrapped: true };
  return { command: words, wrapped: false };
}
