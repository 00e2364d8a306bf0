import * as yaml from 'js-yaml';
import { scalarString, toYamlDocument, toYamlStream } from '../../src/output/yaml';

const TRICKY = [
  '', ' ', 'true', 'false', 'yes', 'No', 'on', 'OFF', 'y', 'n', 'null', '~', 'Null', '1', '-1', '+1', '0.5', '.5', '1e3', '1_000',
  '0x1f', '0o17', '017', '1:30', '2026-11-22', '.inf', '-.Inf', '.nan', 'a: b', 'a:b', 'key:', '#comment', 'a #b', '- item',
  '-', '--worker-class', '-w', '*alias', '&anchor', '!tag', '%dir', '@at', '`tick', '{a}', '[a]', '"q"', "'q'", 'a,b',
  'line\nbreak', 'trailing\n', 'two\n\n', 'tab\there', ' leading', 'trailing ', 'é unicode ☃', '\u2028', 'back\\slash',
  '25%', 'Prune=false', 'http://x:80/a?b=c&d=e', 'registry.example.com/app:1.0.0', '09d8fc5642c33b61', '=', '?', '|', '>',
];

describe('YAML emitter', () => {
  test.each(TRICKY)('round-trips %j through js-yaml', (s) => {
    expect(yaml.load(`v: ${scalarString(s)}`)).toEqual({ v: s });
    expect(yaml.load(toYamlDocument({ v: s, list: [s], nested: { [s || 'k']: s } }))).toEqual({ v: s, list: [s], nested: { [s || 'k']: s } });
  });

  test('writes plain scalars where they are unambiguous', () => {
    expect(scalarString('registry.example.com/app:1.0.0')).toBe('registry.example.com/app:1.0.0');
    expect(scalarString('--worker-class')).toBe('--worker-class');
    expect(scalarString('512Mi')).toBe('512Mi');
    expect(scalarString('true')).toBe('"true"');
    expect(scalarString('8000')).toBe('"8000"');
    expect(scalarString('-1')).toBe('"-1"');
  });

  test('writes multi-line text as a literal block', () => {
    const doc = toYamlDocument({ script: 'set -eu\nfind /x -type f\n' });
    expect(doc).toBe('script: |\n  set -eu\n  find /x -type f\n');
    expect(yaml.load(doc)).toEqual({ script: 'set -eu\nfind /x -type f\n' });
  });

  test('writes nested objects, lists of objects, empty collections and numbers', () => {
    const obj = { apiVersion: 'v1', kind: 'List', items: [{ a: 1, b: [true, null], c: {} }, []], empty: [], num: 3.5 };
    const doc = toYamlDocument(obj);
    expect(doc).toBe('apiVersion: v1\nkind: List\nitems:\n  - a: 1\n    b:\n      - true\n      - null\n    c: {}\n  - []\nempty: []\nnum: 3.5\n');
    expect(yaml.load(doc)).toEqual(obj);
  });

  test('joins documents into one stream', () => {
    const stream = toYamlStream([{ kind: 'A' }, { kind: 'B' }]);
    expect(stream).toBe('kind: A\n---\nkind: B\n');
    expect(yaml.loadAll(stream)).toEqual([{ kind: 'A' }, { kind: 'B' }]);
  });

  test('fails when asked to write a value YAML cannot hold', () => {
    expect(() => toYamlDocument({ n: NaN })).toThrow('cannot write non-finite number NaN');
    expect(() => toYamlDocument({ f: () => 1 } as never)).toThrow('cannot write a value of type function');
  });
});
