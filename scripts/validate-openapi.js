#!/usr/bin/env node
/**
 * Validates every object in a folder of YAML manifests against the OpenAPI v2 document a real
 * API server serves (`kubectl get --raw /openapi/v2`, CRDs installed), the way the server does
 * with strict field validation: an object schema with `properties` and no
 * `x-kubernetes-preserve-unknown-fields` takes no other field. A second oracle for
 * src/check/schema.ts, which validates with the schemas of the kubernetes-models packages.
 *
 *   node scripts/validate-openapi.js <openapi-v2.json> <dir>
 *
 * Prints one line per problem (`file: Kind/namespace/name: path: message`) and exits 1, or
 * prints a count and exits 0. Exit 2 on bad usage or unreadable input.
 *
 * What it checks: unknown fields, types, required fields, enums, patterns, lengths, bounds,
 * item counts, the int-or-string, quantity, int32, byte and date-time formats. What it leaves
 * to the server: CEL rules (x-kubernetes-validations), list-map key uniqueness, defaulting.
 * A null value counts as absent, as the server decodes it.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const yaml = require('js-yaml');

const QUANTITY = /^[+-]?(\d+|\d+\.\d*|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const QUANTITY_DEF = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

function main(argv) {
  if (argv.length !== 2) {
    process.stderr.write('usage: node scripts/validate-openapi.js <openapi-v2.json> <dir>\n');
    return 2;
  }
  const [openapiFile, dir] = argv;
  let validator;
  let files;
  try {
    validator = new OpenApiValidator(JSON.parse(fs.readFileSync(openapiFile, 'utf8')));
    files = yamlFiles(dir);
  } catch (e) {
    process.stderr.write(`validate-openapi: ${e.message}\n`);
    return 2;
  }
  let objects = 0;
  let problems = 0;
  for (const file of files) {
    const rel = path.relative(process.cwd(), file) || file;
    let docs;
    try {
      docs = yaml.loadAll(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      process.stdout.write(`${rel}: YAML: ${e.message.split('\n')[0]}\n`);
      problems++;
      continue;
    }
    for (const doc of docs) {
      if (doc === null || doc === undefined) continue;
      objects++;
      for (const p of validator.validateObject(doc)) {
        process.stdout.write(`${rel}: ${objectRef(doc)}: ${p.path || '(object)'}: ${p.message}\n`);
        problems++;
      }
    }
  }
  if (problems > 0) {
    process.stdout.write(`${problems} problem(s) in ${objects} object(s) from ${files.length} file(s)\n`);
    return 1;
  }
  process.stdout.write(`${objects} object(s) in ${files.length} file(s) valid against ${path.basename(openapiFile)}\n`);
  return 0;
}

/** Every .yaml/.yml file under dir (or dir itself when it is a file), sorted. */
function yamlFiles(dir) {
  if (fs.statSync(dir).isFile()) return [dir];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(entry.name)) out.push(p);
  }
  return out;
}

/** `Kind/namespace/name`, as src/check/types.ts writes it. */
function objectRef(obj) {
  const md = (isObject(obj) && isObject(obj.metadata) && obj.metadata) || {};
  return [(isObject(obj) && obj.kind) || '?', md.namespace, md.name || '?'].filter(Boolean).join('/');
}

class OpenApiValidator {
  constructor(doc) {
    if (!isObject(doc) || !isObject(doc.definitions)) throw new Error('not an OpenAPI v2 document: no "definitions"');
    this.definitions = doc.definitions;
    /** `group/version/kind` (core group: `/v1/Pod`) → definition name. */
    this.byGvk = new Map();
    for (const [name, def] of Object.entries(this.definitions)) {
      for (const gvk of def['x-kubernetes-group-version-kind'] || []) {
        this.byGvk.set(`${gvk.group || ''}/${gvk.version}/${gvk.kind}`, name);
      }
    }
    this.patterns = new Map();
  }

  /** Problems of one object: `{ path, message }`. */
  validateObject(obj) {
    if (!isObject(obj)) return [{ path: '', message: `must be object (got ${describe(obj)})` }];
    if (typeof obj.apiVersion !== 'string') return [{ path: 'apiVersion', message: 'missing required field "apiVersion"' }];
    if (typeof obj.kind !== 'string') return [{ path: 'kind', message: 'missing required field "kind"' }];
    const slash = obj.apiVersion.lastIndexOf('/');
    const group = slash < 0 ? '' : obj.apiVersion.slice(0, slash);
    const version = obj.apiVersion.slice(slash + 1);
    const name = this.byGvk.get(`${group}/${version}/${obj.kind}`);
    if (name === undefined) {
      const served = [...this.byGvk.keys()]
        .filter((k) => k.endsWith(`/${obj.kind}`))
        .map((k) => k.slice(0, -obj.kind.length - 1).replace(/^\//, ''));
      return served.length > 0
        ? [{ path: 'apiVersion', message: `unknown apiVersion ${JSON.stringify(obj.apiVersion)} for kind ${JSON.stringify(obj.kind)} (served: ${served.join(', ')})` }]
        : [{ path: 'kind', message: `unknown kind ${JSON.stringify(obj.kind)} in apiVersion ${JSON.stringify(obj.apiVersion)}` }];
    }
    const out = [];
    this.check({ $ref: `#/definitions/${name}` }, obj, [], out);
    return out;
  }

  check(schema, value, segs, out) {
    while (schema.$ref !== undefined) {
      const name = schema.$ref.replace(/^#\/definitions\//, '');
      if (name === QUANTITY_DEF) return this.checkQuantity(value, segs, out);
      schema = this.definitions[name];
      if (schema === undefined) return out.push({ path: formatPath(segs), message: `unresolvable $ref ${name}` });
    }
    for (const sub of schema.allOf || []) this.check(sub, value, segs, out);
    const at = formatPath(segs);
    const got = ` (got ${describe(value)})`;

    if (schema['x-kubernetes-int-or-string'] === true || schema.format === 'int-or-string') {
      if (!(Number.isInteger(value) || typeof value === 'string')) out.push({ path: at, message: `must be integer or string${got}` });
      return;
    }
    const type = schema.type || (schema.properties ? 'object' : undefined);
    if (type !== undefined && !hasType(value, type)) return out.push({ path: at, message: `must be ${type}${got}` });

    if (schema.enum !== undefined && !schema.enum.some((e) => e === value)) {
      out.push({ path: at, message: `must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}${got}` });
    }
    if (typeof value === 'string') this.checkString(schema, value, at, got, out);
    if (typeof value === 'number') checkNumber(schema, value, at, got, out);
    if (Array.isArray(value)) {
      if (schema.minItems !== undefined && value.length < schema.minItems) out.push({ path: at, message: `must have at least ${count(schema.minItems, 'item')}${got}` });
      if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push({ path: at, message: `must have at most ${count(schema.maxItems, 'item')}${got}` });
      if (schema.items !== undefined) value.forEach((item, i) => this.check(schema.items, item, [...segs, i], out));
    }
    if (isObject(value)) this.checkObject(schema, value, segs, out);
  }

  checkObject(schema, value, segs, out) {
    const keys = Object.keys(value).filter((k) => value[k] !== null);
    if (schema.minProperties !== undefined && keys.length < schema.minProperties) {
      out.push({ path: formatPath(segs), message: `must have at least ${count(schema.minProperties, 'field')}` });
    }
    if (schema.maxProperties !== undefined && keys.length > schema.maxProperties) {
      out.push({ path: formatPath(segs), message: `must have at most ${count(schema.maxProperties, 'field')}` });
    }
    for (const req of schema.required || []) {
      if (value[req] === undefined || value[req] === null) out.push({ path: formatPath([...segs, req]), message: `missing required field ${JSON.stringify(req)}` });
    }
    const properties = schema.properties || {};
    // Strict field validation: declared properties only, unless the schema keeps unknown fields.
    const closed = schema.properties !== undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true;
    for (const key of keys) {
      if (Object.prototype.hasOwnProperty.call(properties, key)) {
        this.check(properties[key], value[key], [...segs, key], out);
      } else if (isObject(schema.additionalProperties)) {
        this.check(schema.additionalProperties, value[key], [...segs, key], out);
      } else if (closed || schema.additionalProperties === false) {
        out.push({ path: formatPath([...segs, key]), message: `unknown field ${JSON.stringify(key)}` });
      }
    }
  }

  checkString(schema, value, at, got, out) {
    if (schema.minLength !== undefined && [...value].length < schema.minLength) {
      out.push({ path: at, message: `must be at least ${count(schema.minLength, 'character')} long${got}` });
    }
    if (schema.maxLength !== undefined && [...value].length > schema.maxLength) {
      out.push({ path: at, message: `must be at most ${count(schema.maxLength, 'character')} long${got}` });
    }
    if (schema.pattern !== undefined) {
      const re = this.pattern(schema.pattern);
      if (re !== null && !re.test(value)) out.push({ path: at, message: `must match /${schema.pattern}/${got}` });
    }
    if (schema.format === 'byte' && !BASE64.test(value)) out.push({ path: at, message: `must be a valid byte${got}` });
    if (schema.format === 'date-time' && !DATE_TIME.test(value)) out.push({ path: at, message: `must be a valid date-time${got}` });
  }

  /** A quantity is a string (`250m`, `1Gi`) or a plain number, as the server decodes it. */
  checkQuantity(value, segs, out) {
    if (typeof value === 'number' || (typeof value === 'string' && QUANTITY.test(value))) return;
    const must = typeof value === 'string' ? 'be a valid quantity' : 'be number or string';
    out.push({ path: formatPath(segs), message: `must ${must} (got ${describe(value)})` });
  }

  /** Patterns are Go RE2; the few that JavaScript cannot compile are skipped. */
  pattern(source) {
    if (!this.patterns.has(source)) {
      let re = null;
      try {
        re = new RegExp(source);
      } catch {
        re = null;
      }
      this.patterns.set(source, re);
    }
    return this.patterns.get(source);
  }
}

function checkNumber(schema, value, at, got, out) {
  if (schema.format === 'int32' && (value < -2147483648 || value > 2147483647)) out.push({ path: at, message: `must fit in int32${got}` });
  if (schema.minimum !== undefined && (schema.exclusiveMinimum ? value <= schema.minimum : value < schema.minimum)) {
    out.push({ path: at, message: `must be ${schema.exclusiveMinimum ? '>' : '>='} ${schema.minimum}${got}` });
  }
  if (schema.maximum !== undefined && (schema.exclusiveMaximum ? value >= schema.maximum : value > schema.maximum)) {
    out.push({ path: at, message: `must be ${schema.exclusiveMaximum ? '<' : '<='} ${schema.maximum}${got}` });
  }
}

function count(n, noun) {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function hasType(value, type) {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number';
    case 'string':
    case 'boolean':
      return typeof value === type;
    default:
      return true;
  }
}

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

/** Segments as `spec.containers[0].image`, keys that are not identifiers as `["app.kubernetes.io/name"]`. */
function formatPath(segs) {
  let out = '';
  for (const s of segs) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));

module.exports = { OpenApiValidator, main };
