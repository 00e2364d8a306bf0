/**
 * Every field of the service spec changes the output or is refused. A field that is accepted and
 * then read nowhere lies to its reader (edge.websockets did, and its reference-systems test could
 * not fail), so this walks EVERY LEAF of the generated JSON Schema (what editors offer), sets it
 * on a rich base spec to valid non-default values generated from its JSON Schema type, enum,
 * range or pattern (or hand-picked below where generation is hard), and synthesizes the result in
 * three environments, one per edge profile (production's objects first, then every file of each
 * environment only when those are equal: the first that differs decides, so most values cost one
 * synthesis of one unit). A leaf passes when some value changes the output, or when every value
 * is refused with a spec error; it fails when a value is accepted and changes nothing anywhere.
 *
 * A leaf under a record (`web.<name>`, `dependencies.<name>`, …) is tried in each entry of the
 * base, so an in-cluster and an external dependency are both contexts; a leaf under a union
 * (`secrets.source`, `edge.tls`) is tried with its branch in place.
 *
 * About 850 loads and 800 syntheses, 10–20 s: too long for every save, so `npm run test:exhaustive`
 * runs it (CI does), not `npm test`.
 */
import { buildOutput, synthUnit } from '../../src/app';
import { SpecError } from '../../src/spec/errors';
import { jsonSchemas } from '../../src/spec/json-schema';
import { loadProject, loadProjectConfig, SourceFile } from '../../src/spec/load';

type Json = any;

const CONFIG: SourceFile = {
  path: 'berth.yaml',
  text: JSON.stringify({
    repoURL: 'https://github.com/example/gitops.git',
    environments: {
      staging: { edgeProfile: 'traefik' },
      prod: { edgeProfile: 'nginx', ingressClassName: 'nginx', production: true },
      gw: { edgeProfile: 'gateway', gateway: { name: 'public', namespace: 'gateway', sectionName: 'https' } },
    },
  }),
};

/** berth.yaml, validated once for every spec the walk loads. */
const PROJECT_CONFIG = loadProjectConfig(CONFIG);
/**
 * The same berth.yaml with production alone: most values change production's objects, so a spec is
 * first loaded (resolved, validated) for that one environment; the three are loaded only when its
 * objects do not tell. Production's unit is the same in both: no environment reads another's.
 */
const PROD_ONLY = { ...PROJECT_CONFIG, environments: { prod: PROJECT_CONFIG.environments.prod } };

/** A service with every optional part present, so each leaf has a parent to live in. */
const BASE: Json = {
  name: 'demo',
  description: 'a demo service',
  image: 'registry.example.com/demo:1.0.0',
  workingDir: '/app',
  env: { LOG_LEVEL: 'info' },
  secrets: {
    source: { externalSecret: { store: 'vault' } },
    items: { DATABASE_URL: { remoteKey: 'demo/db', property: 'url' }, API_TOKEN: { remoteKey: 'demo/api' } },
    imagePullSecret: { remoteKey: 'demo/registry' },
  },
  // The token mounted (with its reason, so prod accepts it): turning it off, or the reason, shows.
  serviceAccount: { automountToken: true, reason: 'lists its own pods for leader election' },
  volumes: { data: { size: '1Gi', accessMode: 'ReadWriteMany', mountPath: '/data' }, cache: { size: '2Gi', mountPath: '/cache' } },
  web: {
    api: { port: 8000, health: { liveness: '/health' }, metrics: { path: '/metrics' }, mounts: ['data'], urlEnv: 'API_URL', paths: ['/'] },
    admin: { port: 8001, public: false, paths: ['/admin'], health: { liveness: '/health' }, allowFrom: ['worker'], autoscaling: { minReplicas: 2, maxReplicas: 5 } },
  },
  workers: { worker: { command: ['arq', 'demo.Worker'], calls: ['api'], probe: { exec: ['arq', '--check'] } } },
  singletons: { scheduler: { flag: 'RUN_SCHEDULER', like: 'api' }, beat: { flag: 'RUN_BEAT', command: ['celery', 'beat'] } },
  migration: { command: ['alembic', 'upgrade', 'head'] },
  cron: {
    tmpCleanup: { volume: 'data', command: ['python', '-m', 'cleanup'] },
    retention: { tables: ['logs'], days: 30, databaseUrlSecret: 'DATABASE_URL' },
    jobs: { report: { schedule: '0 4 * * *', command: ['python', '-m', 'report'] } },
  },
  edge: { hosts: ['demo.example.com'], internalPaths: ['/internal'] },
  dependencies: {
    db: { port: 5432, host: 'db.databases.svc.cluster.local', namespace: 'databases', podLabels: { app: 'db' } },
    ext: { port: 443, cidr: '203.0.113.0/24' },
  },
  externalHttps: ['api.example.com'],
  // Issue 21 items 5 and 6: a sidecar with HTTP probes on its port, one with command probes, an init
  // container, and one extra volume of each source, mounted by the first sidecar.
  initContainers: { wait: { image: 'registry.example.com/wait:1.0.0', command: ['wait'] } },
  sidecars: {
    proxy: {
      image: 'registry.example.com/proxy:1.0.0',
      ports: { http: 9000 },
      mounts: ['cfg', 'creds', 'scratch', 'both'],
      probes: Object.fromEntries(['liveness', 'readiness', 'startup'].map((k) => [k, { httpGet: { path: '/healthz', port: 'http' } }])),
    },
    agent: { image: 'registry.example.com/agent:1.0.0', probes: Object.fromEntries(['liveness', 'readiness', 'startup'].map((k) => [k, { exec: ['agent', 'check'] }])) },
  },
  extraVolumes: {
    cfg: { configMap: { name: 'demo-cfg' }, mountPath: '/etc/cfg' },
    creds: { secret: { secretName: 'demo-creds' }, mountPath: '/etc/creds' },
    scratch: { emptyDir: { sizeLimit: '64Mi' }, mountPath: '/scratch' },
    both: { projected: { sources: [{ configMap: { name: 'demo-cfg' } }] }, mountPath: '/etc/both' },
  },
};

/**
 * The choices the base cannot hold at once: SealedSecret values delivered as a .env file, the
 * built-in tmp cleanup, and a reason that lets prod loosen the security defaults.
 */
const SEALED_DOTENV: Json = {
  ...BASE,
  secrets: { source: { sealedSecret: {} }, delivery: 'dotenv', dotenvPath: '/app/.env', items: { API_TOKEN: { encrypted: 'AgA' + 'y'.repeat(40) } }, imagePullSecret: { encrypted: 'AgC' + 'z'.repeat(40) } },
  cron: { tmpCleanup: { volume: 'data' }, jobs: {} },
  security: { reason: 'the image compiles templates next to its code at start-up' },
};
/** And a Secret made out of band, read as env vars. */
const EXISTING_ENV: Json = { ...BASE, secrets: { source: { existingSecret: 'demo-secrets' }, delivery: 'env', items: { API_TOKEN: {} } }, cron: { ...BASE.cron, retention: undefined } };
const BASES = [BASE, SEALED_DOTENV, EXISTING_ENV];

/** Values for leaves whose valid values depend on the rest of the spec, by path (`*` = any record key). */
const HAND_PICKED: Record<string, Json[]> = {
  'web.*.allowFrom': [['worker'], ['scheduler']],
  'workers.*.calls': [['admin']],
  'singletons.*.calls': [['admin']],
  'singletons.*.like': ['admin'],
  'web.*.mounts': [['data']],
  'workers.*.mounts': [['data']],
  'singletons.*.mounts': [['data']],
  'cron.jobs.*.mounts': [['data']],
  'cron.tmpCleanup.volume': ['cache'],
  'cron.retention.databaseUrlSecret': ['API_TOKEN'],
  'secrets.items.*.consumers': [['api'], ['worker', 'retention']],
  'dependencies.*.usedBy': [['api'], ['migrate']],
  'dependencies.*.secrets': [['API_TOKEN'], []],
  externalHttpsUsedBy: [['api'], ['worker']],
  'web.*.health.readiness': ['/ready'],
  'web.*.health.startup': ['/started'],
  'web.*.paths': [['/api'], ['/', '/docs']],
  'edge.internalPaths': [['/debug'], []],
  'secrets.dotenvPath': ['/app/.env', '/srv/.env'],
  // Pod settings (spec/pod-settings.ts), in Kubernetes' shapes, at the service level and on every process.
  ...Object.fromEntries(
    ['', 'web.*.', 'workers.*.', 'singletons.*.', 'migration.', 'cron.tmpCleanup.', 'cron.retention.', 'cron.jobs.*.'].flatMap((at) => {
      const term = { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'cache' } } };
      const node = { matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In', values: ['arm64'] }] };
      return [
        [`${at}tolerations`, [[{ key: 'spot', operator: 'Exists', effect: 'NoSchedule' }]]],
        [`${at}topologySpreadConstraints`, [[{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' }]]],
        [`${at}affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`, [[node]]],
        [`${at}affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution`, [[{ weight: 10, preference: node }]]],
        ...['podAffinity', 'podAntiAffinity'].flatMap((k) => [
          [`${at}affinity.${k}.requiredDuringSchedulingIgnoredDuringExecution`, [[term]]],
          [`${at}affinity.${k}.preferredDuringSchedulingIgnoredDuringExecution`, [[{ weight: 10, podAffinityTerm: term }]]],
        ]),
      ];
    }),
  ),
  // A patch names an object of the spec: an RFC 6902 one and a merge, each with a visible change.
  patches: [
    [{ target: { kind: 'Namespace', name: 'demo' }, patch: [{ op: 'add', path: '/metadata/annotations/team', value: 'payments' }] }],
    [{ target: { kind: 'ServiceAccount', name: 'demo' }, merge: { metadata: { labels: { team: 'payments' } } } }],
  ],
  // Init containers and sidecars (issue 21 item 5): mounts of the base's volumes, the base's secrets, their own ports.
  ...Object.fromEntries(['', 'web.*.', 'workers.*.', 'singletons.*.', 'migration.', 'cron.jobs.*.'].flatMap((at) => ['initContainers', 'sidecars'].flatMap((group) => [
    [`${at}${group}.*.mounts`, [['cfg'], ['data']]],
    [`${at}${group}.*.secrets`, [['API_TOKEN']]],
    [`${at}${group}.*.image`, ['registry.example.com/other:2.0.0', 'registry.example.com/third:3.0.0']],
    ...['liveness', 'readiness', 'startup'].flatMap((probe) => [
      [`${at}${group}.*.probes.${probe}.httpGet.port`, ['http', 9001]],
      [`${at}${group}.*.probes.${probe}.httpGet.path`, ['/healthz', '/other']],
      [`${at}${group}.*.probes.${probe}.exec`, [['agent', 'check'], ['other-check']]],
    ]),
  ]))),
  'sidecars.*.ports': [{ http: 9000, admin: 9100 }, { admin: 9100 }],
  ...Object.fromEntries(['web.*.', 'workers.*.', 'singletons.*.', 'migration.', 'cron.jobs.*.'].map((at) => [`${at}sidecars.*.ports`, [{ admin: 9100 }]])),
  'extraVolumes.*.configMap.items': [[{ key: 'app.yaml', path: 'conf/app.yaml' }]],
  'extraVolumes.*.secret.items': [[{ key: 'token', path: 'token' }]],
  'extraVolumes.*.projected.sources': [[{ secret: { name: 'demo-creds' } }], [{ downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } }]],
};

/** Samples per JSON Schema pattern (the scalars of src/spec/schema.ts), keyed by the pattern itself. */
const PATTERN_SAMPLES: Record<string, Json[]> = {
  '^[a-z]([-a-z0-9]*[a-z0-9])?$': ['other', 'zeta'], // DnsLabel
  '^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(\\/[a-z0-9]+([._-][a-z0-9]+)*)*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}|@sha256:[a-f0-9]{64})$': ['registry.example.com/other:2.0.0'],
  '^\\/': ['/srv'], // working directories
  '^[A-Za-z_][A-Za-z0-9_]*$': ['OTHER_VAR'], // EnvName
  '^([0-9]+(s|m|h))+$': ['15m'],
  '^(\\/[^\\0/]+)+$': ['/var/run/other'],
  '^\\/.*\\/\\.env$': ['/srv/.env'],
  '^[a-z0-9][a-z0-9._-]*$': ['other.txt'],
  '^[-._a-zA-Z0-9]+$': ['other-key'],
  '^[0-9]+(\\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$': ['3Gi', '750m'], // Quantity
  '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$': ['other-class', 'fast.example.com'], // class names, sectionName
  '^\\/[^\\0]*$': ['/srv/other'],
  "^\\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$": ['/other'], // HttpPath
  '^[A-Za-z0-9._-]+(\\/[A-Za-z0-9._-]+)*$': ['sub/dir'],
  '^[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?$': ['other_table', 'archive.events'], // SqlIdentifier
  '^(\\*\\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$': ['other.example.com'], // Hostname
  '^([a-z0-9.-]+\\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$': ['team'], // label key
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$': ['example.com/other'], // label and annotation keys of pod settings
  '^https:\\/\\/[^\\s"\'<>{}\\\\]+$': ['https://runbooks.example.com/other'], // alerts.runbookUrl
  '^[a-zA-Z_:][a-zA-Z0-9_:]*$': ['starlette_request_duration_seconds'], // Prometheus metric names
  '^[a-zA-Z_][a-zA-Z0-9_]*$': ['code'], // Prometheus label names
  '^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$': ['admin'], // container port names
  '^(?!\\/)(?!.*(^|\\/)\\.\\.?(\\/|$))[^\\0]+$': ['conf/app.yaml'], // relative paths in a volume
  '^(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}\\/(?:3[0-2]|[12]?\\d)$': ['198.51.100.0/24'], // CIDR
};
const patternSamples = (pattern: string): Json[] | undefined => PATTERN_SAMPLES[pattern];

/** Samples for strings without a pattern, by property name. */
const STRING_SAMPLES: Record<string, Json[]> = {
  description: ['another description'],
  schedule: ['15 5 * * 1', '@weekly'],
  timeZone: ['Europe/Berlin'],
  host: ['other.databases.svc.cluster.local'],
  remoteKey: ['demo/other'],
  property: ['other'],
  encrypted: ['AgB' + 'x'.repeat(40)],
  reason: ['the image writes its cache next to the code'],
  exec: ['healthcheck'],
  command: ['other-command'],
  args: ['--other'],
  audience: ['vault', 'sts.amazonaws.com'],
  medium: ['Memory'],
};

/** Values to fill a required field with when a missing parent is created. */
const FILL: Record<string, Json> = { minReplicas: 2, maxReplicas: 5, port: 8080, days: 30, size: '1Gi', mountPath: '/fill', flag: 'FILL_FLAG', store: 'vault', schedule: '0 1 * * *' };

// ---------------------------------------------------------------------------------------------
// Walking the JSON Schema
// ---------------------------------------------------------------------------------------------

type Segment = { key: string } | { record: true } | { branch: number; of: Json[] };
interface Leaf {
  readonly segments: Segment[];
  readonly schema: Json;
  readonly name: string;
}

const isObjectSchema = (s: Json) => s?.type === 'object' && s.properties;
// A record whose values may also be text (env: text, or a value read from the pod) is a leaf, set with text.
const isRecordOfObjects = (s: Json) =>
  s?.type === 'object' && !s.properties && (isObjectSchema(s.additionalProperties) || (s.additionalProperties?.anyOf && !s.additionalProperties.anyOf.some((b: Json) => b.type === 'string')));

function leavesOf(schema: Json, segments: Segment[] = [], name = ''): Leaf[] {
  if (schema.anyOf && schema.anyOf.some(isObjectSchema)) {
    return schema.anyOf.flatMap((branch: Json, i: number) => leavesOf(branch, [...segments, { branch: i, of: schema.anyOf }], name));
  }
  if (isObjectSchema(schema)) return Object.entries(schema.properties).flatMap(([k, v]) => leavesOf(v, [...segments, { key: k }], k));
  if (isRecordOfObjects(schema)) return leavesOf(schema.additionalProperties, [...segments, { record: true }], name);
  return [{ segments, schema, name }];
}

/** `web.*.port`; union branches leave no trace. */
const pathOf = (segments: Segment[]) => segments.flatMap((s) => ('key' in s ? [s.key] : 'record' in s ? ['*'] : [])).join('.');

/** The smallest valid-looking value of a schema: required fields only. */
function minimal(schema: Json, name: string): Json {
  if (name in FILL) return FILL[name];
  if (schema.anyOf) return minimal(schema.anyOf[0], name);
  if (schema.enum) return schema.enum[0];
  if (isObjectSchema(schema)) return Object.fromEntries((schema.required ?? []).map((k: string) => [k, minimal(schema.properties[k], k)]));
  switch (schema.type) {
    case 'object':
      return {};
    case 'array':
      return schema.minItems ? [minimal(schema.items, name)] : [];
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'string':
      return candidates(schema, name, '')[0];
  }
  throw new Error(`no minimal value for ${name}: ${JSON.stringify(schema)}`);
}

/** Valid values to try for a leaf (before dropping the current one). */
function candidates(schema: Json, name: string, path: string): Json[] {
  if (path in HAND_PICKED) return HAND_PICKED[path];
  if (schema.enum) return schema.enum;
  switch (schema.type) {
    case 'boolean':
      return [true, false];
    case 'integer':
    case 'number': {
      const lo = schema.minimum ?? 0;
      const hi = schema.maximum ?? lo + 1000;
      const d = schema.default ?? lo;
      return [...new Set([lo, hi, lo + 1, d + 1, d - 1, Math.floor((lo + hi) / 2)])].filter((n) => n >= lo && n <= hi);
    }
    case 'string': {
      // alerts.silence.<alert>: the reason a rule is silenced.
      const picked = schema.pattern ? patternSamples(schema.pattern) : (STRING_SAMPLES[name] ?? (path.startsWith('alerts.silence.') ? STRING_SAMPLES.reason : undefined));
      if (!picked) throw new Error(`no sample for the string ${path || name} (pattern ${schema.pattern}): add one to this test`);
      return picked;
    }
    case 'array':
      return [...candidates(schema.items, name, `${path}[]`).map((c) => [c]), []];
    case 'object': {
      // A record of strings (env, podLabels, labels): one new entry.
      const key = schema.propertyNames?.pattern ? patternSamples(schema.propertyNames.pattern)?.[0] : 'OTHER_VAR';
      if (!key) throw new Error(`no sample key for the record ${path}`);
      return [{ [key]: 'other-value' }];
    }
  }
  throw new Error(`no candidates for ${path}: ${JSON.stringify(schema)}`);
}

/** Does a value look like it belongs to this union branch (its required keys, and no key it lacks)? */
const fitsBranch = (v: Json, branch: Json) =>
  v && typeof v === 'object' && (branch.required ?? []).every((k: string) => k in v) && Object.keys(v).every((k) => k in (branch.properties ?? {}));

/**
 * Every place a leaf can be set on a spec: the spec with the leaf's parents in place (made from
 * required fields when missing) and the concrete path to the leaf.
 */
function contexts(spec: Json, segments: Segment[]): Array<{ spec: Json; path: string[] }> {
  const out: Array<{ spec: Json; path: string[] }> = [];
  const get = (r: Json, p: string[]) => p.reduce((o, k) => o?.[k], r);
  /** The schema of the value segment i leads to; a union is made from the branch the leaf lives in. */
  const schemaAfter = (i: number): Json => {
    let s: Json = SERVICE_SCHEMA;
    for (const seg of segments.slice(0, i + 1)) s = 'key' in seg ? s.properties[seg.key] : 'record' in seg ? s.additionalProperties : seg.of[seg.branch];
    const next = segments[i + 1];
    return next && 'branch' in next ? next.of[next.branch] : s;
  };
  const walk = (root: Json, at: string[], i: number): void => {
    if (i === segments.length) {
      out.push({ spec: root, path: at });
      return;
    }
    const seg = segments[i];
    const parent = get(root, at);
    if ('key' in seg) {
      if (i === segments.length - 1 || parent[seg.key] !== undefined) return walk(root, [...at, seg.key], i + 1);
      const copy = structuredClone(root);
      get(copy, at)[seg.key] = minimal(schemaAfter(i), seg.key);
      return walk(copy, [...at, seg.key], i + 1);
    }
    if ('record' in seg) {
      const keys = Object.keys(parent ?? {});
      if (keys.length) return keys.forEach((k) => walk(root, [...at, k], i + 1));
      // An entry of a union of an object and a scalar (a sidecar or `false`) starts as the object,
      // so the scalar has a value to replace.
      const next = segments[i + 1];
      const entry = next && 'branch' in next && !isObjectSchema(next.of[next.branch]) ? next.of.find(isObjectSchema) : schemaAfter(i);
      const copy = structuredClone(root);
      get(copy, at).x = minimal(entry, 'x');
      return walk(copy, [...at, 'x'], i + 1);
    }
    const branch = seg.of[seg.branch];
    if (fitsBranch(parent, branch)) return walk(root, at, i + 1);
    // A scalar branch is the leaf itself: it is set over whatever the entry holds.
    if (i === segments.length - 1 && !isObjectSchema(branch)) return walk(root, at, i + 1);
    const copy = structuredClone(root);
    get(copy, at.slice(0, -1))[at[at.length - 1]] = minimal(branch, at[at.length - 1]);
    return walk(copy, at, i + 1);
  };
  walk(structuredClone(spec), [], 0);
  return out;
}

/** The contexts of a leaf in each base, one base at a time: most leaves are decided in the first, so the others are never copied. */
function* contextsInBases(segments: Segment[]): Generator<{ spec: Json; path: string[] }> {
  for (const base of BASES) yield* contexts(base, segments);
}

// ---------------------------------------------------------------------------------------------
// Synthesizing
// ---------------------------------------------------------------------------------------------

/** The environments, in the order they are synthesized: production first, where most fields show. */
const ENVS = ['prod', 'staging', 'gw'] as const;
type Env = (typeof ENVS)[number];
/**
 * A spec's output, made on first use (most leaves change the first thing compared): the production
 * unit's objects as JSON, from a load of production alone (undefined when that load or synthesis
 * throws: the full comparison then meets the same error); and every file of an environment, as
 * written, from a load of all three.
 */
type Accepted = { objects: () => string | undefined; text: (env: Env) => string };
type Outcome = { refused: string } | Accepted;
const cache = new Map<string, Outcome>();

/** Computes a value once, on first use. */
const once = <T>(make: () => T): (() => T) => {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
};

const refusal = (e: unknown): string => {
  if (!(e instanceof SpecError)) throw e;
  return e.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
};

/**
 * The spec loaded for production alone, whose output each environment synthesizes when asked (after
 * loading the spec for all three); or the spec error that refused it. A spec production refuses is
 * refused by the load of all three too (the same unit, validated the same way). Kept for the next
 * leaf only when asked (the contexts, which most leaves share): a spec with one leaf changed is
 * rarely seen again, and keeping hundreds of loaded projects makes every garbage collection slower.
 */
function outcome(spec: Json, keep: boolean): Outcome {
  const key = JSON.stringify(spec);
  const hit = cache.get(key);
  if (hit) return hit;
  const files = [{ path: 'charts/demo/service.yaml', text: key }];
  let result: Outcome;
  try {
    const prod = loadProject(CONFIG, files, PROD_ONLY);
    const all = once(() => loadProject(CONFIG, files, PROJECT_CONFIG));
    const texts = new Map<Env, string>();
    result = {
      objects: once(() => {
        try {
          return JSON.stringify(synthUnit(prod, prod.units[0]));
        } catch {
          return undefined;
        }
      }),
      text: (env) => {
        let text = texts.get(env);
        if (text === undefined) {
          const project = all();
          text = [...buildOutput({ ...project, units: project.units.filter((u) => u.env === env) }, { keepManifests: false }).files.values()].join('\n');
          texts.set(env, text);
        }
        return text;
      },
    };
  } catch (e) {
    result = { refused: refusal(e) };
  }
  if (keep) cache.set(key, result);
  return result;
}

/**
 * Does the output of `after` differ from `before`'s in some environment? The production unit's
 * objects are compared first: the YAML writer is a function of them that tells every JSON value
 * apart (test/output/yaml.test.ts), so when they differ, so does production's manifests file, and
 * the Argo CD Applications (which never refuse a spec) need not be built. When they are equal (or
 * did not synthesize), every file of every environment is compared, where a field read only by
 * the Applications (description) or by another environment shows; a value that another
 * environment refuses is then refused.
 */
const changes = (before: Accepted, after: Accepted) => {
  const objects = after.objects();
  if (objects !== undefined && before.objects() !== undefined && objects !== before.objects()) return true;
  return ENVS.some((env) => after.text(env) !== before.text(env));
};

const setAt = (spec: Json, path: string[], value: Json) => {
  const copy = structuredClone(spec);
  path.slice(0, -1).reduce((o, k) => o[k], copy)[path[path.length - 1]] = structuredClone(value);
  return copy;
};
const getAt = (spec: Json, path: string[]) => path.reduce((o, k) => o?.[k], spec);

/** What setting a leaf does: `live` (some value changes the output), `refused` (every value is), or `dead`. */
function verdict(leaf: Leaf): { verdict: 'live' | 'refused' | 'dead'; detail: string } {
  const path = pathOf(leaf.segments);
  const unchanged: string[] = [];
  const refusals: string[] = [];
  let tried = 0;
  for (const ctx of contextsInBases(leaf.segments)) {
    const before = outcome(ctx.spec, true);
    if ('refused' in before) continue; // a parent made from required fields alone that is not valid here
    const current = getAt(ctx.spec, ctx.path) ?? leaf.schema.default;
    for (const value of candidates(leaf.schema, leaf.name, path)) {
      if (JSON.stringify(value) === JSON.stringify(current)) continue;
      tried++;
      const after = outcome(setAt(ctx.spec, ctx.path, value), false);
      let refused = 'refused' in after ? after.refused : undefined;
      if ('text' in after) {
        try {
          if (changes(before, after)) return { verdict: 'live', detail: `${ctx.path.join('.')} = ${JSON.stringify(value)}` };
          unchanged.push(`${ctx.path.join('.')} = ${JSON.stringify(value)}`);
        } catch (e) {
          // A construct refused it while an environment was synthesized.
          if (!(e instanceof SpecError)) throw e;
          refused = e.problems.map((p) => `${p.path}: ${p.message}`).join('; ');
        }
      }
      if (refused !== undefined) refusals.push(`${ctx.path.join('.')} = ${JSON.stringify(value)}: ${refused}`);
    }
  }
  if (tried === 0) return { verdict: 'dead', detail: 'no context and value could be tried' };
  return unchanged.length ? { verdict: 'dead', detail: `accepted and changed nothing: ${unchanged.join(', ')}` } : { verdict: 'refused', detail: refusals.join(' | ') };
}

/** The schema with every `$ref` to its `$defs` replaced by the definition: each place a leaf can be set. */
function inlined(schema: Json, defs: Json = schema.$defs ?? {}): Json {
  if (Array.isArray(schema)) return schema.map((s) => inlined(s, defs));
  if (schema === null || typeof schema !== 'object') return schema;
  if (typeof schema.$ref === 'string') {
    const { $ref, ...rest } = schema;
    return inlined({ ...defs[$ref.replace(/^#\/\$defs\//, '')], ...rest }, defs);
  }
  return Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$defs').map(([k, v]) => [k, inlined(v, defs)]));
}
const SERVICE_SCHEMA = inlined(JSON.parse(jsonSchemas().get('service.schema.json')!));
const LEAVES = leavesOf(SERVICE_SCHEMA);

describe('every field of the service spec', () => {
  test('the base specs are valid in every environment', () => {
    for (const base of BASES) expect(outcome(base, true)).toHaveProperty('text');
  });

  test('the walk reaches every leaf of the JSON Schema', () => {
    const paths = [...new Set(LEAVES.map((l) => pathOf(l.segments)))];
    expect(paths.length).toBeGreaterThan(120);
    for (const p of ['edge.websockets', 'workingDir', 'web.*.health.startupTimeoutSeconds', 'secrets.source.sealedSecret.scope', 'edge.tls.certificate.issuerKind', 'cron.jobs.*.timeZone']) {
      expect(paths).toContain(p);
    }
  });

  test('changes the synthesized output or is refused', () => {
    const results = LEAVES.map((leaf) => ({ path: pathOf(leaf.segments), ...verdict(leaf) }));
    const dead = results.filter((r) => r.verdict === 'dead').map((r) => `${r.path}: ${r.detail}`);
    expect(dead).toEqual([]);
    // Refused everywhere is legitimate only where a value must agree with the rest of the spec;
    // listed so a field that slides into "always refused" is noticed.
    expect(results.filter((r) => r.verdict === 'refused').map((r) => `${r.path}: ${r.detail}`)).toEqual([]);
  }, 60_000);
});
