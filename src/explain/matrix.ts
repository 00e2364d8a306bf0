/**
 * A reachability matrix: every probe (source) against every destination port, evaluated
 * with the NetworkPolicy semantics of `reachability.ts`. The matrix is plain data (it
 * `JSON.stringify`s as is); `formatMatrix` prints it as a table for a terminal or a PR comment.
 */

import { Endpoint, evaluate, NetworkPolicy, Protocol } from './reachability';

/** A traffic source: a named endpoint that opens connections. */
export interface Probe {
  /** The row label, unique among probes. */
  readonly name: string;
  readonly endpoint: Endpoint;
}

/** A traffic destination: an endpoint and the port probed on it. */
export interface Destination {
  /** The node label, e.g. `db`; the column is `label:port`. */
  readonly label: string;
  readonly endpoint: Endpoint;
  /** A container port number, or the name of one of the endpoint's container ports. */
  readonly port: number | string;
  /** @default 'TCP' */
  readonly protocol?: Protocol;
}

/** The verdict for one probe against one destination port. */
export interface MatrixCell {
  /** The probe's name. */
  readonly source: string;
  /** The destination's label. */
  readonly destination: string;
  readonly port: number | string;
  readonly protocol: Protocol;
  readonly allowed: boolean;
  readonly reason: string;
}

/** Every probe against every destination, in input order (row-major). */
export interface ReachabilityMatrix {
  /** Row labels: the probe names. */
  readonly sources: readonly string[];
  /** Column labels: `label:port`, plus `/UDP` or `/SCTP` when not TCP. */
  readonly columns: readonly string[];
  /** `sources.length × columns.length` cells, row by row. */
  readonly cells: readonly MatrixCell[];
}

/** How `formatMatrix` prints. */
export interface FormatMatrixOptions {
  /** List every cell's reason under the table. @default false */
  readonly reasons?: boolean;
}

/** `5432`, or `53/UDP`: a port as a column or an edge shows it (TCP goes without saying). */
export function portLabel(port: number | string, protocol: Protocol): string {
  return protocol === 'TCP' ? String(port) : `${port}/${protocol}`;
}

/** Evaluates every probe against every destination under these policies. */
export function computeMatrix(
  policies: readonly NetworkPolicy[],
  probes: readonly Probe[],
  destinations: readonly Destination[],
): ReachabilityMatrix {
  const sources = probes.map((probe) => probe.name);
  const columns = destinations.map((d) => `${d.label}:${portLabel(d.port, d.protocol ?? 'TCP')}`);
  assertUnique('probe name', sources);
  assertUnique('destination column (label:port)', columns);
  const cells = probes.flatMap((probe) => destinations.map((d): MatrixCell => {
    const protocol = d.protocol ?? 'TCP';
    const verdict = evaluate(policies, probe.endpoint, d.endpoint, d.port, protocol);
    return { source: probe.name, destination: d.label, port: d.port, protocol, allowed: verdict.allowed, reason: verdict.reason };
  }));
  return { sources, columns, cells };
}

/**
 * The matrix as an aligned text table: one row per source, one column per destination port,
 * each cell `allowed` or `denied`. With `reasons`, each cell's reason is listed below.
 */
export function formatMatrix(matrix: ReachabilityMatrix, options: FormatMatrixOptions = {}): string {
  const header = ['from \\ to', ...matrix.columns];
  const rows = matrix.sources.map((source, r) => [
    source,
    ...matrix.columns.map((_, c) => (matrix.cells[r * matrix.columns.length + c].allowed ? 'allowed' : 'denied')),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd();
  const table = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  if (options.reasons !== true) return table.join('\n') + '\n';
  const reasons = matrix.cells.map((cell, i) =>
    `${cell.source} → ${matrix.columns[i % matrix.columns.length]}: ${cell.allowed ? 'allowed' : 'denied'}: ${cell.reason}`);
  return [...table, '', ...reasons].join('\n') + '\n';
}

/** Throws when two rows or two columns would share a label. */
function assertUnique(what: string, labels: readonly string[]): void {
  const seen = new Set<string>();
  for (const label of labels) {
    if (seen.has(label)) throw new Error(`${what} "${label}" appears twice; give each a distinct name`);
    seen.add(label);
  }
}
