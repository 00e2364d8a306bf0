/**
 * The Go template that renders a Secret's keys into one `.env` file, for apps that load a `.env`
 * with python-dotenv (fluxion's `run.py`). External Secrets (`target.template`, engine v2) and
 * Sealed Secrets (`spec.template.data`) both execute Go `text/template` with the sprig functions
 * over a map of the Secret's keys to their plain values, so one template serves both.
 *
 * Each line is `NAME='<value>'`, escaped for python-dotenv (checked against python-dotenv 1.2
 * with random values made of quotes, backslashes, `$`, braces, `#`, spaces and newlines):
 *
 * - single quotes: no `#` comments, no whitespace stripping, multi-line values allowed; inside
 *   them only `\\` and `\'` are escapes, so `\` becomes `\\` and `'` becomes `\'`;
 * - python-dotenv expands `${VAR}` even inside single quotes (its default, `interpolate=True`)
 *   and has no escape for it, so `${` is written `${:-$}{`: a variable with an empty name is
 *   never set, and expands to its default, a literal `$`;
 * - its quoted-value pattern lets a final `\` take the closing quote for its own, so a value
 *   ending in a backslash is closed with `${:-}`, which expands to nothing.
 */

/** The Secret key, and the file name, of the rendered `.env`. */
export const DOTENV_KEY = '.env';

// [old, new] pairs of sprig `replace`, applied in this order (backslashes first).
const ESCAPES: ReadonlyArray<readonly [string, string]> = [
  ['\\', '\\\\'],
  ["'", "\\'"],
  ['$' + '{', '$' + '{:-$}{'],
];

/** A Go double-quoted string literal (JSON's escapes for these characters are Go's). */
const goString = (s: string) => JSON.stringify(s);

/** One `.env` line as a Go template: `NAME='{{ escaped value }}'`. */
export function dotenvLine(name: string, key: string): string {
  const value = `index . ${goString(key)}`;
  const escape = ESCAPES.map(([from, to]) => ` | replace ${goString(from)} ${goString(to)}`).join('');
  const guard = `{{ if hasSuffix ${goString('\\')} (${value}) }}$` + '{:-}{{ end }}';
  return `${name}='{{ ${value}${escape} }}${guard}'`;
}

/** The whole `.env` template: one line per variable, in the given order. */
export function dotenvTemplate(variables: ReadonlyArray<{ readonly name: string; readonly key: string }>): string {
  return variables.map((v) => dotenvLine(v.name, v.key) + '\n').join('');
}
