/**
 * The spec schemas as JSON Schema, for editors (`# yaml-language-server: $schema=…`).
 * Generated from the zod schemas, so the two never disagree; a test keeps `schema/` fresh.
 */
import { z } from 'zod';
import { ProjectConfig, ServiceSpec } from './schema';

/** Drops every `required` list: an overlay may set any subset of fields. */
function optionalEverywhere(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(optionalEverywhere);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).filter(([k]) => k !== 'required').map(([k, v]) => [k, optionalEverywhere(v)]));
}

/** The texts of {@link jsonSchemas}, made on first use: they depend on nothing but the schemas. */
let made: ReadonlyMap<string, string> | undefined;

/** File name → JSON Schema text, as committed under `schema/`. */
export function jsonSchemas(): Map<string, string> {
  // Converting the zod schemas walks all of them (about 50 ms): a process that asks again, such
  // as a test running `berth schema` in several folders, gets a copy of the first result.
  made ??= makeJsonSchemas();
  return new Map(made);
}

function makeJsonSchemas(): Map<string, string> {
  const render = (schema: object, id: string, title: string) => JSON.stringify({ ...schema, $id: id, title }, null, 2) + '\n';
  // A schema used in more than one place (a container, a toleration, resources: per process kind)
  // is written once under $defs and referenced: inlined, the service schema was 680 KB.
  const service = z.toJSONSchema(ServiceSpec, { io: 'input', unrepresentable: 'any', reused: 'ref' });
  return new Map([
    ['service.schema.json', render(service, 'https://berth.dev/schema/service.schema.json', 'berth service spec (charts/<service>/service.yaml)')],
    ['service-overlay.schema.json', render(optionalEverywhere(service) as object, 'https://berth.dev/schema/service-overlay.schema.json', 'berth environment overlay (charts/<service>/<env>.yaml), deep-merged over service.yaml')],
    ['berth.schema.json', render(z.toJSONSchema(ProjectConfig, { io: 'input', unrepresentable: 'any', reused: 'ref' }), 'https://berth.dev/schema/berth.schema.json', 'berth project file (berth.yaml)')],
  ]);
}
