/**
 * Source lines of YAML keys, from js-yaml's event stream: `services.backend.build` → 14. Keys that
 * arrive through a merge key (`<<: *defaults`) resolve to the line where the anchored mapping
 * defines them, so a note can point at the line a person has to edit.
 */
import * as yaml from 'js-yaml';

/** A key path: mapping keys as strings, sequence indexes as numbers. */
export type KeyPath = ReadonlyArray<string | number>;

type Frame =
  | { kind: 'map'; path: KeyPath; key?: string; keyLine?: number }
  | { kind: 'seq'; path: KeyPath; index: number };

/** Looks up the line of a key path in one YAML document. */
export class YamlLines {
  private readonly lines = new Map<string, number>();
  private readonly anchors = new Map<string, KeyPath>();
  /** Mapping path → the anchored mappings merged into it. */
  private readonly merges = new Map<string, KeyPath[]>();

  constructor(text: string) {
    let events: yaml.Event[];
    try {
      events = yaml.parseEvents(text, {});
    } catch {
      return;
    }
    const starts = lineStarts(text);
    const lineAt = (offset: number) => lineOf(starts, offset);
    const stack: Frame[] = [];
    // Where the next node goes: its path, and records it when it is a key.
    const place = (offset: number): KeyPath | undefined => {
      const top = stack[stack.length - 1];
      if (!top) return [];
      if (top.kind === 'seq') {
        const path = [...top.path, top.index++];
        this.lines.set(key(path), lineAt(offset));
        return path;
      }
      if (top.key === undefined) return undefined; // this node is a key
      const path = [...top.path, top.key];
      return path;
    };
    const finishValue = () => {
      const top = stack[stack.length - 1];
      if (top?.kind === 'map') top.key = undefined;
    };
    for (const ev of events) {
      switch (ev.type) {
        case yaml.EVENT_ID.MAPPING:
        case yaml.EVENT_ID.SEQUENCE: {
          const path = place(ev.start);
          if (path === undefined) {
            // A complex key: give it a placeholder so its contents do not disturb the parent.
            stack.push(ev.type === yaml.EVENT_ID.MAPPING ? { kind: 'map', path: ['?'] } : { kind: 'seq', path: ['?'], index: 0 });
            break;
          }
          if (ev.anchorStart >= 0) this.anchors.set(text.slice(ev.anchorStart, ev.anchorEnd), path);
          stack.push(ev.type === yaml.EVENT_ID.MAPPING ? { kind: 'map', path } : { kind: 'seq', path, index: 0 });
          break;
        }
        case yaml.EVENT_ID.SCALAR: {
          const top = stack[stack.length - 1];
          if (top?.kind === 'map' && top.key === undefined) {
            top.key = yaml.getScalarValue(text, ev);
            top.keyLine = lineAt(ev.valueStart);
            this.lines.set(key([...top.path, top.key]), top.keyLine);
            break;
          }
          const path = place(ev.valueStart);
          if (path && ev.anchorStart >= 0) this.anchors.set(text.slice(ev.anchorStart, ev.anchorEnd), path);
          finishValue();
          break;
        }
        case yaml.EVENT_ID.ALIAS: {
          const top = stack[stack.length - 1];
          const target = this.anchors.get(text.slice(ev.anchorStart, ev.anchorEnd));
          if (top?.kind === 'map' && top.key === '<<' && target) {
            this.merges.set(key(top.path), [...(this.merges.get(key(top.path)) ?? []), target]);
          } else if (top?.kind === 'seq' && target) {
            // `<<: [*a, *b]`: the sequence under a merge key.
            const parent = stack[stack.length - 2];
            if (parent?.kind === 'map' && parent.key === '<<') this.merges.set(key(parent.path), [...(this.merges.get(key(parent.path)) ?? []), target]);
          }
          place(ev.anchorStart);
          finishValue();
          break;
        }
        case yaml.EVENT_ID.POP: {
          const popped = stack.pop();
          const parent = stack[stack.length - 1];
          // After a complex key, its value comes next: keep the parent waiting for it.
          if (popped && popped.path[0] === '?' && popped.path.length === 1 && parent?.kind === 'map' && parent.key === undefined) parent.key = '?';
          else finishValue();
          break;
        }
        default:
          break;
      }
    }
  }

  /** The 1-based line of a key path, following merge keys; the nearest ancestor's line otherwise. */
  line(path: KeyPath): number | undefined {
    return this.exact(path, 0) ?? (path.length ? this.line(path.slice(0, -1)) : undefined);
  }

  private exact(path: KeyPath, depth: number): number | undefined {
    const direct = this.lines.get(key(path));
    if (direct !== undefined || depth > 8) return direct;
    // A key merged in from an anchor: look it up under the anchor's path.
    for (let i = path.length - 1; i >= 0; i--) {
      for (const target of this.merges.get(key(path.slice(0, i))) ?? []) {
        const found = this.exact([...target, ...path.slice(i)], depth + 1);
        if (found !== undefined) return found;
      }
    }
    return undefined;
  }
}

function key(path: KeyPath): string {
  return JSON.stringify(path);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return starts;
}

function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
