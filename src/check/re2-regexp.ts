/**
 * Stands in for the `re2-wasm` package inside the bundle (bin/build.js aliases it here). The
 * PrometheusRule schema of @kubernetes-models/prometheus-operator checks one pattern with RE2,
 * `^(?i)(abort|warn)?$`, and re2-wasm loads a WebAssembly file from beside its own module at
 * require time: a file the single-file bundle does not have, and a compile every synth would pay
 * for. The schemas' patterns need only what JavaScript's RegExp does the same way, plus a leading
 * `(?i)` (case-insensitive), which becomes the `i` flag; anything else is refused loudly rather
 * than matched differently. Under jest the real re2-wasm runs, and test/check/re2-regexp.test.ts
 * holds the two to the same answers.
 */
export class RE2 {
  private readonly re: RegExp;

  constructor(pattern: string, flags = '') {
    const insensitive = /^\^?\(\?i\)/.test(pattern);
    const source = insensitive ? pattern.replace('(?i)', '') : pattern;
    if (/\(\?[a-zA-Z]/.test(source)) throw new Error(`re2-regexp: pattern ${JSON.stringify(pattern)} uses an RE2 flag group this stand-in does not translate`);
    this.re = new RegExp(source, `${flags}${insensitive ? 'i' : ''}`);
  }

  /** As RegExp.prototype.test. */
  test(s: string): boolean {
    return this.re.test(s);
  }
}
