import * as fs from 'fs';
import * as path from 'path';
import { jsonSchemas } from '../src/spec/json-schema';
import { REPO } from './helpers';

describe('editor JSON Schemas', () => {
  test.each([...jsonSchemas()])('schema/%s is fresh (run `node bin/berth.js schema`)', (name, text) => {
    expect(fs.readFileSync(path.join(REPO, 'schema', name), 'utf8')).toBe(text);
  });

  test('every spec starts with the yaml-language-server schema line', () => {
    for (const dir of fs.readdirSync(path.join(REPO, 'charts'))) {
      // Specs are the .yaml files; extra/ holds Kubernetes objects and chart.ts is the hook (docs/escape-hatches.md).
      const specs = fs.readdirSync(path.join(REPO, 'charts', dir)).filter((f) => f.endsWith('.yaml'));
      expect(specs).toContain('service.yaml');
      for (const f of specs) {
        const first = fs.readFileSync(path.join(REPO, 'charts', dir, f), 'utf8').split('\n')[0];
        const schema = f === 'service.yaml' ? 'service.schema.json' : 'service-overlay.schema.json';
        expect(`${dir}/${f}: ${first}`).toBe(`${dir}/${f}: # yaml-language-server: $schema=../../schema/${schema}`);
      }
    }
  });

  test('the service schema rejects unknown keys, as the loader does', () => {
    const schema = JSON.parse(jsonSchemas().get('service.schema.json')!);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'image', 'web']));
  });
});

/** A JSON Schema node as zod writes it (only the keywords the walk reads). */
interface SchemaNode {
  description?: string;
  $ref?: string;
  properties?: Record<string, SchemaNode>;
  additionalProperties?: SchemaNode | boolean;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
  allOf?: SchemaNode[];
}

/**
 * Every property path of a schema without a description: what an editor shows on completion and hover.
 * Follows `$ref`s into `$defs` (each definition walked once, at the first path that reaches it); a
 * property whose `$ref` target (or its target's, down the chain) is described counts as described.
 */
function undescribed(root: SchemaNode & { $defs?: Record<string, SchemaNode> }): { missing: string[]; seen: number } {
  const missing: string[] = [];
  const walked = new Set<string>();
  let seen = 0;
  const resolve = (node: SchemaNode): SchemaNode => {
    if (node.$ref === undefined) return node;
    const def = root.$defs?.[node.$ref.replace('#/$defs/', '')];
    if (def === undefined) throw new Error(`unresolved $ref ${node.$ref}`);
    return def;
  };
  // A $ref target may itself be a $ref with a default (a reused schema with `.default()`): follow the chain.
  const described = (node: SchemaNode): boolean => node.description !== undefined || (node.$ref !== undefined && described(resolve(node)));
  const walk = (node: SchemaNode, at: string): void => {
    if (node.$ref !== undefined) {
      if (walked.has(node.$ref)) return;
      walked.add(node.$ref);
      walk(resolve(node), at);
      return;
    }
    for (const [key, prop] of Object.entries(node.properties ?? {})) {
      const where = at === '' ? key : `${at}.${key}`;
      seen++;
      if (!described(prop)) missing.push(where);
      walk(prop, where);
    }
    if (typeof node.additionalProperties === 'object') walk(node.additionalProperties, `${at}.*`);
    if (node.items !== undefined) walk(node.items, `${at}[]`);
    for (const branch of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) walk(branch, at);
  };
  walk(root, '');
  return { missing, seen };
}

describe('editor JSON Schemas describe every field', () => {
  test.each(['service.schema.json', 'berth.schema.json'])('every property of %s has a description (editors show it on hover)', (name) => {
    const { missing, seen } = undescribed(JSON.parse(jsonSchemas().get(name)!));
    // The walk must have reached the fields (an empty walk would pass trivially).
    expect(seen).toBeGreaterThan(name === 'service.schema.json' ? 200 : 5);
    expect(missing).toEqual([]);
  });
});
