/**
 * The patch engine of `patches:` (src/util/json-patch.ts): every RFC 6902 operation, RFC 6901
 * pointer escaping, each way an operation fails, and the strategic-style merge.
 */
import { applyJsonPatch, applyMergePatch, JsonPatchOp, parsePointer, PatchFailure } from '../../src/util/json-patch';

const deployment = () => ({
  kind: 'Deployment',
  metadata: { name: 'demo-api', annotations: { 'a/b': '1', 'c~d': '2' } },
  spec: {
    replicas: 2,
    template: {
      spec: {
        containers: [
          { name: 'api', image: 'app:1', env: [{ name: 'A', value: '1' }, { name: 'B', value: '2' }], ports: [{ name: 'http', containerPort: 8000 }] },
          { name: 'sidecar', image: 'side:1' },
        ],
        volumes: [{ name: 'tmp', emptyDir: {} }],
      },
    },
  },
});

/** The failure of a patch: its op index and message. */
function failure(run: () => unknown): { index: number; message: string } {
  try {
    run();
  } catch (e) {
    if (e instanceof PatchFailure) return { index: e.index, message: e.message };
    throw e;
  }
  throw new Error('the patch applied');
}

describe('JSON Pointer (RFC 6901)', () => {
  test('unescapes ~1 to "/" and ~0 to "~", in that order', () => {
    expect(parsePointer('/metadata/annotations/a~1b')).toEqual(['metadata', 'annotations', 'a/b']);
    expect(parsePointer('/x/c~0d')).toEqual(['x', 'c~d']);
    // "~01" is "~1" literally, not "/".
    expect(parsePointer('/~01')).toEqual(['~1']);
    expect(parsePointer('')).toEqual([]);
  });

  test('fails when the pointer has no leading slash or a bare "~"', () => {
    expect(() => parsePointer('spec/replicas')).toThrow('"spec/replicas" is not a JSON Pointer (it must be empty or start with "/")');
    expect(() => parsePointer('/a~2')).toThrow('"/a~2" has "~" not followed by 0 or 1 (write "~0" for "~" and "~1" for "/")');
  });
});

describe('RFC 6902 operations', () => {
  const apply = (...ops: JsonPatchOp[]) => applyJsonPatch(deployment(), ops);

  test('add sets a field, inserts into a list at an index, and appends with "-"', () => {
    const r = apply(
      { op: 'add', path: '/metadata/annotations/external-dns.alpha.kubernetes.io~1ttl', value: '60' },
      { op: 'add', path: '/spec/template/spec/containers/0/env/1', value: { name: 'MID', value: 'm' } },
      { op: 'add', path: '/spec/template/spec/volumes/-', value: { name: 'cache', emptyDir: {} } },
    );
    const o = r.object as any;
    expect(o.metadata.annotations['external-dns.alpha.kubernetes.io/ttl']).toBe('60');
    expect(o.spec.template.spec.containers[0].env.map((e: any) => e.name)).toEqual(['A', 'MID', 'B']);
    expect(o.spec.template.spec.volumes.map((v: any) => v.name)).toEqual(['tmp', 'cache']);
    expect(r.changed).toEqual(['metadata.annotations["external-dns.alpha.kubernetes.io/ttl"]', 'spec.template.spec.containers[0].env[1]', 'spec.template.spec.volumes[1]']);
  });

  test('remove and replace act on what exists; the input object is not changed', () => {
    const input = deployment();
    const r = applyJsonPatch(input, [
      { op: 'remove', path: '/metadata/annotations/c~0d' },
      { op: 'replace', path: '/spec/replicas', value: 3 },
      { op: 'remove', path: '/spec/template/spec/containers/1' },
    ]);
    const o = r.object as any;
    expect(o.metadata.annotations).toEqual({ 'a/b': '1' });
    expect(o.spec.replicas).toBe(3);
    expect(o.spec.template.spec.containers.map((c: any) => c.name)).toEqual(['api']);
    expect(input.spec.replicas).toBe(2);
    expect(input.spec.template.spec.containers).toHaveLength(2);
  });

  test('move and copy take the value at from', () => {
    const r = apply({ op: 'copy', from: '/spec/template/spec/containers/0/image', path: '/spec/template/spec/containers/1/image' }, { op: 'move', from: '/metadata/annotations/a~1b', path: '/metadata/annotations/moved' });
    const o = r.object as any;
    expect(o.spec.template.spec.containers[1].image).toBe('app:1');
    expect(o.metadata.annotations).toEqual({ 'c~d': '2', moved: '1' });
    expect(r.changed).toEqual(['spec.template.spec.containers[1].image', 'metadata.annotations["a/b"]', 'metadata.annotations.moved']);
  });

  test('test passes on an equal value (key order does not matter) and changes nothing', () => {
    const r = apply({ op: 'test', path: '/spec/template/spec/volumes/0', value: { emptyDir: {}, name: 'tmp' } });
    expect(r.object).toEqual(deployment());
    expect(r.changed).toEqual([]);
  });

  test('fails when a test op finds another value, naming the op', () => {
    expect(failure(() => apply({ op: 'add', path: '/spec/paused', value: false }, { op: 'test', path: '/spec/replicas', value: 5 }))).toEqual({ index: 1, message: 'test failed: /spec/replicas is 2, not 5' });
  });

  test('fails when the path does not exist (remove, replace, a missing parent, an unescaped "/")', () => {
    expect(failure(() => apply({ op: 'remove', path: '/spec/paused' }))).toEqual({ index: 0, message: 'path /spec/paused does not exist (no "paused" at spec)' });
    expect(failure(() => apply({ op: 'replace', path: '/spec/minReadySeconds', value: 1 }))).toEqual({ index: 0, message: 'path /spec/minReadySeconds does not exist (no "minReadySeconds" at spec)' });
    expect(failure(() => apply({ op: 'add', path: '/metadata/annotations/a/b', value: 'x' }))).toEqual({ index: 0, message: 'path /metadata/annotations/a/b does not exist (no "a" at metadata.annotations)' });
    expect(failure(() => apply({ op: 'add', path: '/spec/replicas/x', value: 1 }))).toEqual({ index: 0, message: 'path /spec/replicas/x does not exist (spec.replicas is not an object or a list)' });
  });

  test('fails on a list index out of range, with leading zeros, or not a number', () => {
    expect(failure(() => apply({ op: 'add', path: '/spec/template/spec/volumes/5', value: {} }))).toEqual({ index: 0, message: 'index 5 is out of range (the list has 1 item)' });
    expect(failure(() => apply({ op: 'remove', path: '/spec/template/spec/volumes/1' }))).toEqual({ index: 0, message: 'index 1 is out of range (the list has 1 item)' });
    expect(failure(() => apply({ op: 'remove', path: '/spec/template/spec/volumes/00' }))).toEqual({ index: 0, message: '"00" is not an array index' });
    expect(failure(() => apply({ op: 'replace', path: '/spec/template/spec/volumes/-', value: {} }))).toEqual({ index: 0, message: '"-" is not an array index' });
  });

  test('fails when moving a value into itself or replacing the whole object', () => {
    expect(failure(() => apply({ op: 'move', from: '/spec', path: '/spec/template/x' }))).toEqual({ index: 0, message: 'cannot move /spec into itself (/spec/template/x)' });
    expect(failure(() => apply({ op: 'add', path: '', value: {} }))).toEqual({ index: 0, message: 'cannot replace the whole object (path "")' });
  });
});

describe('strategic-style merge', () => {
  test('merges objects, deletes a key with null, and merges lists of named things by name', () => {
    const r = applyMergePatch(deployment(), {
      metadata: { annotations: { 'c~d': null, new: 'n' } },
      spec: {
        template: {
          spec: {
            containers: [{ name: 'api', env: [{ name: 'B', value: 'two' }, { name: 'C', value: '3' }], ports: [{ name: 'metrics', containerPort: 9191 }] }],
            volumes: [{ name: 'tmp', $patch: 'delete' }],
          },
        },
      },
    });
    const o = r.object as any;
    expect(o.metadata.annotations).toEqual({ 'a/b': '1', new: 'n' });
    const api = o.spec.template.spec.containers[0];
    expect(api.image).toBe('app:1');
    expect(api.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: 'two' }, { name: 'C', value: '3' }]);
    expect(api.ports.map((p: any) => p.name)).toEqual(['http', 'metrics']);
    expect(o.spec.template.spec.containers[1]).toEqual({ name: 'sidecar', image: 'side:1' });
    expect(o.spec.template.spec.volumes).toEqual([]);
    expect(r.changed).toEqual([
      'metadata.annotations["c~d"]',
      'metadata.annotations.new',
      'spec.template.spec.containers[0].env[1].value',
      // A new named item is changed whole: a finding on a field it lacks is the patch's too.
      'spec.template.spec.containers[0].env[2]',
      'spec.template.spec.containers[0].ports[1]',
      'spec.template.spec.volumes[0]',
    ]);
  });

  test('replaces a list of unnamed things (args) and a scalar', () => {
    const r = applyMergePatch({ spec: { args: ['a', 'b'], replicas: 1 } }, { spec: { args: ['c'], replicas: 2 } });
    expect(r.object).toEqual({ spec: { args: ['c'], replicas: 2 } });
  });

  test('fails when deleting a named item that does not exist, or on an unknown directive', () => {
    expect(failure(() => applyMergePatch(deployment(), { spec: { template: { spec: { volumes: [{ name: 'nope', $patch: 'delete' }] } } } }))).toEqual({ index: -1, message: 'spec.template.spec.volumes has no item named "nope" to delete' });
    expect(failure(() => applyMergePatch(deployment(), { spec: { template: { spec: { volumes: [{ name: 'tmp', $patch: 'replace' }] } } } }))).toEqual({
      index: -1,
      message: 'spec.template.spec.volumes: item "tmp" has $patch: "replace"; the only directive is $patch: delete',
    });
  });
});
