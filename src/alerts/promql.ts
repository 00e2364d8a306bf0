/**
 * PromQL built from names that come from specs. Every value a spec supplies (a service, an object,
 * a namespace) reaches a query only through these functions, as a quoted label value: never
 * spliced into the query text, so no spec can change what a rule selects or computes.
 */

/**
 * A PromQL string literal: double-quoted, with backslash, the quote and line breaks escaped (the
 * escapes PromQL's lexer reads in a double-quoted string, as in Go).
 */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/[\\"\n\r\t]/g, (c) => ESCAPES[c])}"`;
}

const ESCAPES: Readonly<Record<string, string>> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A literal for a regular-expression matcher (`=~`): RE2 metacharacters escaped, so the value matches only itself. */
export function regexLiteral(value: string): string {
  return value.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** One label matcher: `=` an exact value, or `=~` a regular expression (already escaped with {@link regexLiteral}). */
export type Matcher = { readonly equals: string } | { readonly matches: string };

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/**
 * `metric{label="value", …}`: a series selector with every value quoted. Metric and label names
 * are berth's own (or checked by the spec schema); anything else is a bug, refused here.
 */
export function seriesSelector(metric: string, matchers: Readonly<Record<string, string | Matcher>>): string {
  if (!METRIC_NAME.test(metric)) throw new Error(`seriesSelector: "${metric}" is not a metric name`);
  const parts = Object.entries(matchers).map(([label, m]) => {
    if (!LABEL_NAME.test(label)) throw new Error(`seriesSelector: "${label}" is not a label name`);
    if (typeof m === 'string') return `${label}=${quoteLabelValue(m)}`;
    return 'equals' in m ? `${label}=${quoteLabelValue(m.equals)}` : `${label}=~${quoteLabelValue(m.matches)}`;
  });
  return `${metric}{${parts.join(',')}}`;
}
