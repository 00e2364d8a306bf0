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
      // extra/ holds Kubernetes objects (docs/escape-hatches.md), not specs.
      for (const f of fs.readdirSync(path.join(REPO, 'charts', dir)).filter((f) => f !== 'extra')) {
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
