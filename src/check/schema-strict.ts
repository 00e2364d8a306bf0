/**
 * Strict field validation on top of the validators that kubernetes-models ships.
 *
 * The packages ship their schemas compiled to JavaScript (ajv standalone code), so there is no
 * JSON schema left to set `additionalProperties: false` on, and the compiled code ignores
 * unknown fields. What the compiled code does show is which fields it looks at: for an object
 * with declared properties it reads every one of them (`data.image === undefined || ...`),
 * present or not; for a map (labels, ConfigMap data) it enumerates the keys; for a free-form
 * object (`x-kubernetes-preserve-unknown-fields`, Helm `valuesObject`) it does neither.
 *
 * So the first time a place in the schema is met, the validator runs over a tracing proxy that
 * records those reads, and the place's shape is remembered: its fields, "map", "open" or "list".
 * Every later object is validated without the proxy and its keys are checked against the shapes,
 * a plain walk. Only objects that reach a place not seen before pay for a traced run, so a
 * run over thousands of objects of a few kinds traces a handful of them.
 *
 * A place is a path with array indexes and map keys wildcarded, which identifies one schema
 * location in structural schemas (what the API server demands of CRDs, and what the built-in
 * types are): no schema here picks its properties by the value it is given.
 *
 * Two cautions keep wrong shapes out. A value with an error of its own (an object where a
 * string belongs) teaches nothing, since the validator did not read it as a valid one. And a
 * validator that stops at its first error (ajv without allErrors: the older sealed-secrets
 * model) teaches only from objects it finds valid.
 */

/** One schema error, as the compiled validators report it (ajv's `ErrorObject`). */
export interface SchemaError {
  /** JSON pointer to the offending value, e.g. `/spec/replicas`. */
  readonly instancePath: string;
  readonly keyword: string;
  readonly params: Readonly<Record<string, unknown>>;
}

/** Runs a model's validator on an object (or a proxy of it) and returns its errors, empty when valid. */
export type Validator = (object: object) => readonly SchemaError[];

/** A field path as segments: a string is a key, a number an array index. */
export type PathSegments = readonly (string | number)[];

/** A field the schema does not declare, and the fields it does declare there. */
export interface UnknownField {
  readonly path: PathSegments;
  readonly allowed: ReadonlySet<string>;
}

/**
 * A field the model's schema lacks but the CRD berth targets has (the CommonJS model packages
 * predate some CRD releases): a small JSON-schema subset, checked by this module.
 */
export interface FieldSchema {
  readonly type: 'string' | 'integer' | 'boolean' | 'object' | 'array';
  /** For arrays. */
  readonly items?: FieldSchema;
  /** For objects: their fields; any other is unknown. */
  readonly properties?: Readonly<Record<string, FieldSchema>>;
  /** For maps (objects without `properties`): the schema of every value. */
  readonly values?: FieldSchema;
  readonly minimum?: number;
}

/**
 * Extra fields by place: a path with `[]` for every array item and `{}` for every map value,
 * e.g. `{ 'spec.syncPolicy.automated': { enabled: { type: 'boolean' } } }`.
 */
export type ExtraFields = Readonly<Record<string, Readonly<Record<string, FieldSchema>>>>;

/** How a StrictValidator treats its validator. */
export interface StrictOptions {
  /** @default - none */
  readonly extraFields?: ExtraFields;
  /**
   * Whether the validator stops at the first error (ajv without allErrors), leaving the rest of
   * the object unread: then shapes are learned from valid objects only.
   * @default false
   */
  readonly stopsAtFirstError?: boolean;
}

/** Everything wrong with one object. */
export interface StrictResult {
  readonly errors: readonly SchemaError[];
  readonly unknownFields: readonly UnknownField[];
}

/** What the validator does with the value found at one place in the schema. */
type Shape = 'fields' | 'map' | 'open' | 'list';

/** One place in the schema, learned from the validator. */
class ShapeNode {
  shape?: Shape;
  /** For 'fields': each declared property and the place under it. */
  readonly fields = new Map<string, ShapeNode>();
  /** Fields the model lacks, checked here. */
  readonly extra?: Readonly<Record<string, FieldSchema>>;
  /** For 'list' and 'map': the place of every item or value. */
  private element?: ShapeNode;

  constructor(
    /** The place, e.g. `spec.template.spec.containers[]`. */
    private readonly place: string,
    private readonly extras: ExtraFields,
  ) {
    this.extra = Object.prototype.hasOwnProperty.call(extras, place) ? extras[place] : undefined;
  }

  /** Declares a field (for 'fields') and returns its place. */
  field(key: string): ShapeNode {
    let node = this.fields.get(key);
    if (node === undefined) {
      node = new ShapeNode(this.place === '' ? key : `${this.place}.${key}`, this.extras);
      this.fields.set(key, node);
    }
    return node;
  }

  item(): ShapeNode {
    return (this.element ??= new ShapeNode(`${this.place}${this.shape === 'map' ? '{}' : '[]'}`, this.extras));
  }
}

/** What one walk found, each list made on its first entry (most objects have none). */
interface Found {
  unknownFields?: UnknownField[];
  errors?: SchemaError[];
}

const NONE: readonly never[] = Object.freeze([]);

/** What one traced run saw the validator do with one object or array. */
interface Trace {
  readonly reads: Set<string>;
  enumerated: boolean;
}

type Json = Record<string, unknown>;

/** A validator that also rejects unknown fields; one instance per kind, shapes learned as it goes. */
export class StrictValidator {
  private readonly root: ShapeNode;
  /** Scratch space for walk(): the path to the current value, one segment per level. */
  private readonly path: (string | number)[] = [];

  constructor(
    private readonly validate: Validator,
    private readonly options: StrictOptions = {},
  ) {
    this.root = new ShapeNode('', options.extraFields ?? {});
  }

  /** Validates one object: fields the schema does not declare, and schema errors. */
  check(object: Json): StrictResult {
    const reported = this.validate(object);
    let found: Found = {};
    if (!this.walk(this.root, object, 0, found, true)) {
      this.learn(object);
      found = {};
      this.walk(this.root, object, 0, found, false);
    }
    return {
      errors: found.errors === undefined ? reported : [...reported, ...found.errors],
      unknownFields: found.unknownFields ?? NONE,
    };
  }

  /**
   * Checks keys against learned shapes; this is the hot loop. Returns false, when `needAll`, as
   * soon as it meets a place not learned yet; otherwise skips such places (the validator did
   * not look there, because a value above it has the wrong type and is reported as such).
   */
  private walk(node: ShapeNode, value: object, depth: number, found: Found, needAll: boolean): boolean {
    const shape = node.shape;
    if (shape === undefined) return !needAll;
    const path = this.path;
    if (Array.isArray(value)) {
      if (shape !== 'list') return true;
      const item = node.item();
      for (let i = 0; i < value.length; i++) {
        const v: unknown = value[i];
        if (typeof v !== 'object' || v === null) continue;
        path[depth] = i;
        if (!this.walk(item, v, depth + 1, found, needAll)) return false;
      }
      return true;
    }
    if (shape === 'open' || shape === 'list') return true;
    const obj = value as Json;
    const item = shape === 'map' ? node.item() : undefined;
    for (const key in obj) {
      if (!Object.prototype.hasOwnProperty.call(obj, key)) continue;
      const v = obj[key];
      const next = item ?? node.fields.get(key);
      if (next === undefined) {
        path[depth] = key;
        const at = path.slice(0, depth + 1);
        if (node.extra !== undefined && Object.prototype.hasOwnProperty.call(node.extra, key)) {
          checkField(node.extra[key], v, at, found);
        } else {
          (found.unknownFields ??= []).push({ path: at, allowed: allowedFields(node) });
        }
        continue;
      }
      if (typeof v !== 'object' || v === null) continue;
      path[depth] = key;
      if (!this.walk(next, v, depth + 1, found, needAll)) return false;
    }
    return true;
  }

  /** Runs the validator over a tracing proxy and records the shape of every place it visited. */
  private learn(object: Json): void {
    const { errors, traces } = traceValidation(this.validate, object);
    // A validator that stops at the first error has not read the rest: learn from valid objects only.
    if (this.options.stopsAtFirstError === true && errors.length > 0) return;
    // A value with an error of its own (a wrong type, no oneOf branch) was not read as the
    // schema would read a valid one: learn nothing there, or below.
    const broken = new Set(errors.filter((e) => e.keyword !== 'required').map((e) => e.instancePath));
    record(this.root, object, '', traces, broken);
  }
}

function allowedFields(node: ShapeNode): ReadonlySet<string> {
  return new Set([...node.fields.keys(), ...Object.keys(node.extra ?? {})]);
}

/** Checks a field the model lacks against its FieldSchema. */
function checkField(schema: FieldSchema, value: unknown, path: PathSegments, found: Found): void {
  const instancePath = path.map((s) => `/${escapePointer(String(s))}`).join('');
  const ok =
    schema.type === 'integer'
      ? Number.isInteger(value)
      : schema.type === 'array'
        ? Array.isArray(value)
        : schema.type === 'object'
          ? typeof value === 'object' && value !== null && !Array.isArray(value)
          : typeof value === schema.type;
  if (!ok) {
    (found.errors ??= []).push({ instancePath, keyword: 'type', params: { type: schema.type } });
    return;
  }
  if (schema.minimum !== undefined && (value as number) < schema.minimum) {
    (found.errors ??= []).push({ instancePath, keyword: 'minimum', params: { comparison: '>=', limit: schema.minimum } });
  }
  if (schema.items !== undefined) {
    const items = schema.items;
    (value as unknown[]).forEach((v, i) => checkField(items, v, [...path, i], found));
  }
  if (schema.values !== undefined) {
    const values = schema.values;
    for (const [key, v] of Object.entries(value as Json)) checkField(values, v, [...path, key], found);
  }
  if (schema.properties !== undefined) {
    const properties = schema.properties;
    for (const [key, v] of Object.entries(value as Json)) {
      if (Object.prototype.hasOwnProperty.call(properties, key)) checkField(properties[key], v, [...path, key], found);
      else (found.unknownFields ??= []).push({ path: [...path, key], allowed: new Set(Object.keys(properties)) });
    }
  }
}

function record(node: ShapeNode, value: unknown, pointer: string, traces: Map<object, Trace>, broken: Set<string>): void {
  if (typeof value !== 'object' || value === null || broken.has(pointer)) return;
  const trace = traces.get(value);
  if (Array.isArray(value)) {
    if (trace === undefined) {
      node.shape ??= 'open';
      return;
    }
    node.shape ??= 'list';
    if (node.shape !== 'list') return;
    const item = node.item();
    value.forEach((v, i) => record(item, v, `${pointer}/${i}`, traces, broken));
    return;
  }
  const obj = value as Json;
  const shape = shapeOf(obj, trace);
  node.shape ??= shape;
  if (node.shape !== shape) return;
  if (shape === 'map') {
    const item = node.item();
    for (const key of Object.keys(obj)) record(item, obj[key], `${pointer}/${escapePointer(key)}`, traces, broken);
  } else if (shape === 'fields') {
    for (const key of trace!.reads) node.field(key);
    for (const key of Object.keys(obj)) {
      const next = node.fields.get(key);
      if (next !== undefined) record(next, obj[key], `${pointer}/${escapePointer(key)}`, traces, broken);
    }
  }
}

/**
 * Tells the shape from a trace. Not visited although its parent was: the schema does not look
 * inside (a property without a schema, items left free). Looked up a field the object does not
 * have: declared properties, even if the keys were also counted (maxProperties). Enumerated
 * and read only the keys it has: a map.
 */
function shapeOf(obj: Json, trace: Trace | undefined): Shape {
  if (trace === undefined) return 'open';
  for (const key of trace.reads) if (!Object.prototype.hasOwnProperty.call(obj, key)) return 'fields';
  if (trace.enumerated) return 'map';
  return trace.reads.size > 0 ? 'fields' : 'open';
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Runs the validator over a proxy of the object that records what it reads and enumerates. */
function traceValidation(validate: Validator, object: Json): { errors: readonly SchemaError[]; traces: Map<object, Trace> } {
  const traces = new Map<object, Trace>();
  const proxies = new Map<object, object>();
  const wrap = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    let proxy = proxies.get(value);
    if (proxy !== undefined) return proxy;
    const trace: Trace = { reads: new Set(), enumerated: false };
    traces.set(value, trace);
    const isArray = Array.isArray(value);
    // The proxy's target is a copy: a proxy may hand out nothing but the stored value of a
    // frozen property, and it hands out proxies.
    const target: object = isArray ? [...value] : Object.assign(Object.create(Object.getPrototypeOf(value)), value);
    proxy = new Proxy(target, {
      get(t, key) {
        const v: unknown = Reflect.get(t, key);
        if (typeof key === 'symbol') return v;
        if (!isArray) trace.reads.add(key);
        return Object.prototype.hasOwnProperty.call(t, key) ? wrap(v) : v;
      },
      ownKeys(t) {
        trace.enumerated = true;
        return Reflect.ownKeys(t);
      },
    });
    proxies.set(value, proxy);
    return proxy;
  };
  const errors = validate(wrap(object) as object);
  return { errors, traces };
}
