/**
 * setScalar edits one value of a spec by splicing its text: every other byte (comments, blank
 * lines, flow collections, quoting) stays as it was.
 */
import { setScalar } from '../../src/ops/yaml-edit';

const SPEC = `# yaml-language-server: $schema=../../schema/service.schema.json
name: rag
image: "registry.example.com/rag:1.4.2"   # pinned: never latest

web:
  backend:
    command: [gunicorn, app:app]   # flow lists keep their spacing
    port: 8000
  frontend: { port: 3000, paths: [/] }
# the end
`;

describe('setScalar', () => {
  test('replaces a scalar in place, keeping its quotes and its comment', () => {
    const out = setScalar('s.yaml', SPEC, ['image'], 'registry.example.com/rag:1.5.0');
    expect(out).toBe(SPEC.replace('"registry.example.com/rag:1.4.2"', '"registry.example.com/rag:1.5.0"'));
  });

  test('adds a key to a block mapping at its indentation, after its last entry', () => {
    const out = setScalar('s.yaml', SPEC, ['web', 'backend', 'image'], 'registry.example.com/rag:1.5.0');
    expect(out).toBe(SPEC.replace('    port: 8000\n', '    port: 8000\n    image: registry.example.com/rag:1.5.0\n'));
  });

  test('adds a key to a flow mapping before its closing brace', () => {
    const out = setScalar('s.yaml', SPEC, ['web', 'frontend', 'image'], 'registry.example.com/web:2.0.0');
    expect(out).toBe(SPEC.replace('{ port: 3000, paths: [/] }', '{ port: 3000, paths: [/], image: registry.example.com/web:2.0.0 }'));
  });

  test('adds missing parent mappings', () => {
    const out = setScalar('s.yaml', SPEC, ['workers', 'worker', 'image'], 'registry.example.com/rag:1.5.0');
    expect(out).toBe(SPEC.replace('# the end\n', 'workers:\n  worker:\n    image: registry.example.com/rag:1.5.0\n# the end\n'));
  });

  test('writes into a file that holds only comments', () => {
    expect(setScalar('o.yaml', '# overlay\n', ['image'], 'r.example.com/a:1')).toBe('# overlay\nimage: r.example.com/a:1\n');
  });

  test('fails when the key holds a mapping', () => {
    expect(() => setScalar('s.yaml', SPEC, ['web', 'backend'], 'x:1')).toThrow(expect.objectContaining({ message: 's.yaml: web.backend is not a string', fix: 'set web.backend by hand to the image reference, then run berth diff' }));
  });

  test('fails when a parent is a list', () => {
    expect(() => setScalar('s.yaml', 'web: [a]\n', ['web', 'a', 'image'], 'x:1')).toThrow(expect.objectContaining({ message: 's.yaml: web is not a mapping', fix: 'set web.a.image by hand, then run berth diff' }));
  });
});
