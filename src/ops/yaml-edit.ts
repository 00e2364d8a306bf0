/**
 * Sets one scalar in a YAML file by editing its text, so every comment, blank line, flow
 * collection and quoting style a person wrote stays as it was. Pure.
 *
 * The `yaml` package (eemeli/yaml, already installed by cdk8s) locates nodes with their source
 * ranges; the edit itself is a splice of the value's bytes, or, for a key that is not there yet,
 * the insertion of one line (or one `key: value` in a flow mapping). Printing the package's
 * Document instead would rewrite every flow collection of the file (`[a, b]` → `[ a, b ]`).
 * The result is parsed again and must equal the original data with exactly that one value set,
 * or the edit is refused.
 */
import * as jsYaml from 'js-yaml';
import type * as Yaml from 'yaml';

/** A path of mapping keys, e.g. `['web', 'backend', 'image']`. */
export type KeyPath = readonly string[];

/** Thrown when a file cannot be edited safely; the message says where and why. */
export class YamlEditError extends Error {
  /** What to do instead. */
  readonly fix: string;

  constructor(message: string, fix: string) {
    super(message);
    this.fix = fix;
    this.name = 'YamlEditError';
  }
}

/** A plain scalar needs no quotes when YAML reads it back as the same string. */
const plain = (value: string) => (jsYaml.load(value) === value && !/[#\s]|^[-?:,[\]{}&*!|>'"%@`]/.test(value) ? value : JSON.stringify(value));

/** The value as the scalar it replaces was written: plain, 'single' or "double" quoted. */
function render(value: string, type: string | undefined): string {
  if (type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (type === 'QUOTE_SINGLE') return `'${value.replace(/'/g, "''")}'`;
  return plain(value);
}

/** Nested `key: value` for the keys a file does not have yet, as block lines at `indent`. */
function blockLines(keys: KeyPath, value: string, indent: number): string {
  return keys.map((k, i) => `${' '.repeat(indent + 2 * i)}${plain(k)}:${i === keys.length - 1 ? ` ${plain(value)}` : ''}`).join('\n') + '\n';
}

/** The same, in flow style: `a: { b: value }`. */
function flowEntry(keys: KeyPath, value: string): string {
  const [first, ...rest] = keys;
  return `${plain(first)}: ${rest.length ? `{ ${flowEntry(rest, value)} }` : plain(value)}`;
}

function setIn(data: unknown, keys: KeyPath, value: string): unknown {
  const root = (data && typeof data === 'object' ? structuredClone(data) : {}) as Record<string, any>;
  let cur = root;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) cur[k] = value;
    else {
      if (!cur[k] || typeof cur[k] !== 'object') cur[k] = {};
      cur = cur[k];
    }
  });
  return root;
}

const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;

/**
 * The text with the scalar at `keys` set to `value` (added, with any missing parent mappings,
 * when the file does not have it). `file` names the file in errors.
 */
export function setScalar(file: string, text: string, keys: KeyPath, value: string): string {
  // Loaded here, from node_modules: only the commands that edit specs need it. `module.require`
  // is left alone by the bundler, which would otherwise add a second copy of the package (cdk8s
  // bundles its own) to the file every synth reads.
  const Y = module.require('yaml') as typeof Yaml;
  const where = keys.join('.');
  const doc = Y.parseDocument(text);
  if (doc.errors.length) throw new YamlEditError(`${file}: YAML syntax error: ${doc.errors[0].message.split('\n')[0]}`, 'fix the YAML syntax first (berth synth points at the line), then run the command again');
  let out: string;
  const node = doc.getIn(keys, true);
  if (Y.isScalar(node) && node.range && typeof node.value === 'string') {
    out = text.slice(0, node.range[0]) + render(value, node.type) + text.slice(node.range[1]);
  } else if (node !== undefined) {
    throw new YamlEditError(`${file}: ${where} is not a string`, `set ${where} by hand to the image reference, then run berth diff`);
  } else {
    // The deepest mapping the file has on the way to the key.
    let depth = keys.length - 1;
    let parent: unknown = depth === 0 ? doc.contents : doc.getIn(keys.slice(0, depth), true);
    while (depth > 0 && parent === undefined) {
      depth--;
      parent = depth === 0 ? doc.contents : doc.getIn(keys.slice(0, depth), true);
    }
    const missing = keys.slice(depth);
    if (parent === null || parent === undefined || (Y.isScalar(parent) && parent.value === null && depth === 0)) {
      // An empty file (comments only): the new keys go at its end.
      out = `${text}${text === '' || text.endsWith('\n') ? '' : '\n'}${blockLines(missing, value, 0)}`;
    } else if (!Y.isMap(parent) || !parent.range) {
      throw new YamlEditError(`${file}: ${keys.slice(0, depth).join('.') || 'the top level'} is not a mapping`, `set ${where} by hand, then run berth diff`);
    } else if (parent.flow) {
      // `{ replicas: 2 }` → `{ replicas: 2, image: … }`: before the closing brace.
      const close = text.lastIndexOf('}', parent.range[1] - 1);
      let at = close;
      while (at > parent.range[0] + 1 && /\s/.test(text[at - 1])) at--;
      const empty = at === parent.range[0] + 1;
      out = text.slice(0, at) + (empty ? ` ${flowEntry(missing, value)} ` : `, ${flowEntry(missing, value)}`) + text.slice(empty ? close : at);
    } else {
      // A block mapping: one more entry at the indentation of its first key, after its last one.
      const first = parent.items[0]?.key as Yaml.Node | undefined;
      const indent = first?.range ? first.range[0] - lineStart(text, first.range[0]) : 0;
      const end = parent.range[1];
      const prefix = end > 0 && text[end - 1] !== '\n' ? '\n' : '';
      out = text.slice(0, end) + prefix + blockLines(missing, value, indent) + text.slice(end);
    }
  }
  // js-yaml calls a file of comments only an error; here it is an empty mapping.
  const expected = setIn(/^[ \t]*[^#\s]/m.test(text) ? jsYaml.load(text) : {}, keys, value);
  let actual: unknown;
  try {
    actual = jsYaml.load(out);
  } catch {
    actual = undefined;
  }
  if (JSON.stringify(actual) !== JSON.stringify(expected)) throw new YamlEditError(`${file}: could not set ${where} without changing anything else`, `set ${where} by hand, then run berth diff`);
  return out;
}
