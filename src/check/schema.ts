/**
 * Schema validation of every object berth writes, as strict as an API server with strict field
 * validation (`kubectl apply --validate=strict`): an unknown field anywhere is an error, as are a
 * wrong type, a missing required field, a value outside an enum, and an apiVersion/kind we do not
 * know. The schemas are the ones `kubernetes-models` and `@kubernetes-models/*` ship (the
 * Kubernetes API and the CRDs berth emits), so the check runs offline from `npm ci`.
 *
 * Messages are short and name the value: `unknown field "imagePullPolicyy"`,
 * `must be integer (got "80")`, `missing required field "selector"`.
 */
import { fieldPath } from '../util/field-path';
import { kindKey, type KindKey } from '../util/kinds';
import { KIND_MODELS, ModelClass } from './schema-kinds';
import { PathSegments, SchemaError, StrictValidator } from './schema-strict';
import { Finding, Manifest, objectRef } from './types';

type Json = Record<string, unknown>;

/** The `apiVersion/kind` keys berth validates, e.g. `apps/v1/Deployment`. */
export const SCHEMA_KINDS: readonly string[] = Object.keys(KIND_MODELS);

/** Validates every object against its schema; one finding per problem, none when all are valid. */
export function validateSchema(manifests: readonly Manifest[]): Finding[] {
  const findings: Finding[] = [];
  for (const manifest of manifests) {
    for (const problem of validateObject(manifest.object)) {
      findings.push({ check: 'schema', file: manifest.file, object: objectRef(manifest.object), ...problem });
    }
  }
  return findings;
}

/** A problem in one object, before it is tied to a file. */
interface Problem {
  readonly path: string;
  readonly message: string;
  readonly fix?: string;
}

function validateObject(object: unknown): Problem[] {
  if (!isRecord(object)) return [{ path: '', message: `must be object (got ${describe(object)})` }];
  const { apiVersion, kind } = object;
  const missing = [
    ...(typeof apiVersion === 'string' ? [] : [typeMismatch('apiVersion', apiVersion)]),
    ...(typeof kind === 'string' ? [] : [typeMismatch('kind', kind)]),
  ];
  if (missing.length > 0) return missing;
  const key = kindKey(object);
  const entry = strictValidator(key);
  if (entry === undefined) return [unknownKind(apiVersion as string, kind as string)];

  const { errors, unknownFields } = entry.validator.check(entry.prepare(object));
  if (errors.length === 0 && unknownFields.length === 0) return [];
  return [
    ...unknownFields.map((u) => ({
      path: fieldPath(u.path),
      message: `unknown field ${JSON.stringify(u.path[u.path.length - 1])}`,
      ...suggest(String(u.path[u.path.length - 1]), u.allowed),
    })),
    ...describeErrors(object, errors),
  ];
}

function typeMismatch(field: string, value: unknown): Problem {
  return value === undefined
    ? { path: field, message: `missing required field ${JSON.stringify(field)}` }
    : { path: field, message: `must be string (got ${describe(value)})` };
}

function unknownKind(apiVersion: string, kind: string): Problem {
  const versions = SCHEMA_KINDS.filter((k) => k.endsWith(`/${kind}`)).map((k) => k.slice(0, -kind.length - 1));
  if (versions.length > 0) {
    return {
      path: 'apiVersion',
      message: `unknown apiVersion ${JSON.stringify(apiVersion)} for kind ${JSON.stringify(kind)} (berth validates ${versions.join(', ')})`,
      fix: `write apiVersion: ${versions[0]}`,
    };
  }
  return {
    path: 'kind',
    message: `unknown kind ${JSON.stringify(kind)} in apiVersion ${JSON.stringify(apiVersion)}`,
    fix: 'berth validates the kinds it writes (SCHEMA_KINDS); add a new one with its kubernetes-models class to src/check/schema-kinds.ts',
  };
}

interface KindValidator {
  /** The object as the model's validate() needs `this` to be. */
  readonly prepare: (object: Json) => Json;
  readonly validator: StrictValidator;
}

// One validator per kind, made on first use: loading a model loads (and compiles) its schemas.
const validators = new Map<string, KindValidator>();

function strictValidator(key: string): KindValidator | undefined {
  let entry = validators.get(key);
  if (entry === undefined && Object.prototype.hasOwnProperty.call(KIND_MODELS, key)) {
    const kind = KIND_MODELS[key as KindKey];
    const model = kind.load();
    const validate = runModel(model);
    // A model whose validate() finds nothing wrong with a plain `{}` did not run: it finds its
    // schema through `this` (the older @kubernetes-models/base), so it gets a copy with the
    // model's prototype. So does an object whose apiVersion the model pins differently.
    const bare = validate({}).length === 0;
    const apiVersion = kind.schemaApiVersion;
    const prepare =
      bare || apiVersion !== undefined
        ? (object: Json): Json => {
            const self: Json = Object.assign(Object.create(model.prototype), object);
            if (apiVersion !== undefined) self.apiVersion = apiVersion;
            return self;
          }
        : (object: Json): Json => object;
    // ajv with allErrors reports both apiVersion and kind missing from an empty object.
    const stopsAtFirstError = validate(Object.create(model.prototype)).length < 2;
    entry = { prepare, validator: new StrictValidator(validate, { extraFields: kind.extraFields, stopsAtFirstError }) };
    validators.set(key, entry);
  }
  return entry;
}

/** The model's own validate(), called on our object: it throws an error carrying ajv's errors. */
function runModel(model: ModelClass): (object: object) => readonly SchemaError[] {
  const validate = model.prototype.validate;
  return (object) => {
    try {
      validate.call(object);
      return [];
    } catch (e) {
      const errors = (e as { errors?: unknown }).errors;
      if (Array.isArray(errors)) return errors as SchemaError[];
      throw e;
    }
  };
}

/**
 * Turns ajv's errors into messages. A oneOf/anyOf (int-or-string, quantity) reports one error
 * per branch: keep the branch that got past the type check, or else say which types would do.
 */
function describeErrors(object: Json, errors: readonly SchemaError[]): Problem[] {
  const byPath = new Map<string, SchemaError[]>();
  for (const error of errors) {
    const group = byPath.get(error.instancePath);
    if (group === undefined) byPath.set(error.instancePath, [error]);
    else group.push(error);
  }
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const [pointer, group] of byPath) {
    const segments = pointerSegments(object, pointer);
    const value = valueAt(object, segments);
    const composite = group.some((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf');
    let kept = group;
    if (!composite && group.some((e) => e.keyword === 'type')) {
      // A value of the wrong type also fails its enum, pattern or format: say the first thing.
      kept = group.filter((e) => e.keyword === 'type' || e.keyword === 'required');
    } else if (composite) {
      const specific = group.filter((e) => !['oneOf', 'anyOf', 'type'].includes(e.keyword));
      // `null` is the branch that makes a field nullable, not a form worth proposing.
      const types = [...new Set(group.filter((e) => e.keyword === 'type' && e.params.type !== 'null').map((e) => String(e.params.type)))].sort();
      if (specific.length > 0) {
        kept = specific;
      } else if (types.length > 0) {
        kept = [{ instancePath: pointer, keyword: 'type', params: { type: types.join(' or ') } }];
      } else if (errors.some((e) => e.instancePath.startsWith(`${pointer}/`))) {
        kept = []; // the errors inside the value say what is wrong with it
      }
    }
    for (const error of kept) {
      const problem = describeError(error, segments, value);
      const id = `${problem.path}\0${problem.message}`;
      if (!seen.has(id)) {
        seen.add(id);
        problems.push(problem);
      }
    }
  }
  return problems;
}

function describeError(error: SchemaError, segments: PathSegments, value: unknown): Problem {
  const p = error.params;
  const got = ` (got ${describe(value)})`;
  const at = fieldPath(segments);
  switch (error.keyword) {
    case 'required':
      return { path: fieldPath([...segments, String(p.missingProperty)]), message: `missing required field ${JSON.stringify(p.missingProperty)}` };
    case 'additionalProperties':
      return { path: fieldPath([...segments, String(p.additionalProperty)]), message: `unknown field ${JSON.stringify(p.additionalProperty)}` };
    case 'type':
      return { path: at, message: `must be ${p.type}${got}` };
    case 'enum':
      return { path: at, message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}${got}` };
    case 'const':
      return { path: at, message: `must be ${JSON.stringify(p.allowedValue)}${got}` };
    case 'format':
      return { path: at, message: `must be a valid ${p.format}${got}` };
    case 'pattern':
      return { path: at, message: `must match /${p.pattern}/${got}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: at, message: `must be ${p.comparison} ${p.limit}${got}` };
    case 'minLength':
      return { path: at, message: `must be at least ${count(p.limit, 'character')} long${got}` };
    case 'maxLength':
      return { path: at, message: `must be at most ${count(p.limit, 'character')} long${got}` };
    case 'minItems':
      return { path: at, message: `must have at least ${count(p.limit, 'item')}${got}` };
    case 'maxItems':
      return { path: at, message: `must have at most ${count(p.limit, 'item')}${got}` };
    case 'minProperties':
      return { path: at, message: `must have at least ${count(p.limit, 'field')}` };
    case 'maxProperties':
      return { path: at, message: `must have at most ${count(p.limit, 'field')}` };
    case 'uniqueItems':
      return { path: at, message: `must not hold the same item twice (items ${p.j} and ${p.i})` };
    case 'oneOf':
    case 'anyOf':
      return { path: at, message: `must match one of the allowed forms${got}` };
    default:
      return { path: at, message: `fails schema rule "${error.keyword}" ${JSON.stringify(p)}` };
  }
}

function count(n: unknown, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** A value as a message quotes it: strings quoted (and cut), objects by their type. */
function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

/** Suggests the declared field closest to a misspelt one. */
function suggest(field: string, allowed: ReadonlySet<string>): { fix?: string } {
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(field.length / 3)) + 1;
  for (const candidate of allowed) {
    const d = editDistance(field.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === undefined ? {} : { fix: `did you mean ${JSON.stringify(best)}?` };
}

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** JSON pointer to segments, using the object to tell array indexes from keys. */
function pointerSegments(object: unknown, pointer: string): (string | number)[] {
  if (pointer === '') return [];
  const segments: (string | number)[] = [];
  let current: unknown = object;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      segments.push(Number(key));
      current = current[Number(key)];
    } else {
      segments.push(key);
      current = isRecord(current) ? current[key] : undefined;
    }
  }
  return segments;
}

function valueAt(object: unknown, segments: PathSegments): unknown {
  let current = object;
  for (const s of segments) current = (current as Record<string | number, unknown> | undefined)?.[s];
  return current;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
