/**
 * The allowed paths of a reachability matrix as a Mermaid flowchart, which GitHub renders
 * inline in a README, an issue or a pull request inside a ```mermaid fence.
 *
 * Denied edges are omitted, not dotted: a dotted edge for every denial turns a small
 * matrix into a hairball, and the question a reviewer asks is "what can reach what". Every
 * source and destination is still drawn as a node, so an endpoint nothing may reach
 * shows up unconnected rather than vanishing.
 */

import { portLabel, ReachabilityMatrix } from './matrix';

/**
 * Renders the matrix as `flowchart LR`: one node per distinct probe name or destination
 * label (a probe and a destination with the same name are one node), one edge per allowed
 * source → destination pair, labelled with its ports (`5432`, `53/UDP`, comma-separated when
 * several are allowed). Output is deterministic: nodes and edges follow the matrix order.
 */
export function renderMermaid(matrix: ReachabilityMatrix): string {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const idOf = (name: string): string => {
    let id = ids.get(name);
    if (id === undefined) {
      id = uniqueId(name, taken);
      ids.set(name, id);
      taken.add(id);
    }
    return id;
  };
  const names = [...matrix.sources, ...matrix.cells.map((cell) => cell.destination)];
  for (const name of names) idOf(name);

  // Group allowed ports by (source, destination) so each pair gets one edge.
  const edges = new Map<string, { from: string; to: string; ports: string[] }>();
  for (const cell of matrix.cells.filter((c) => c.allowed)) {
    const key = `${idOf(cell.source)} ${idOf(cell.destination)}`;
    const edge = edges.get(key) ?? { from: idOf(cell.source), to: idOf(cell.destination), ports: [] };
    edge.ports.push(portLabel(cell.port, cell.protocol));
    edges.set(key, edge);
  }

  const lines = ['flowchart LR'];
  for (const [name, id] of ids) lines.push(`  ${id}["${escapeLabel(name)}"]`);
  for (const edge of edges.values()) lines.push(`  ${edge.from} -->|"${escapeLabel(edge.ports.join(', '))}"| ${edge.to}`);
  return lines.join('\n') + '\n';
}

/**
 * A Mermaid node id for a name: `n_` plus the name with every character outside
 * `[A-Za-z0-9_]` replaced by `_`. The prefix keeps ids clear of Mermaid keywords (`end`,
 * `graph`) and of the `o`/`x` edge endings; a numeric suffix separates names that collide.
 */
function uniqueId(name: string, taken: ReadonlySet<string>): string {
  const base = `n_${name.replace(/[^A-Za-z0-9_]/g, '_')}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}_${n}`;
  return id;
}

/** Escapes text for a quoted Mermaid label with its entity codes. */
function escapeLabel(text: string): string {
  return text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;').replace(/`/g, '#96;');
}
