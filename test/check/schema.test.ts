import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { SCHEMA_KINDS, validateSchema } from '../../src/check/schema';
import { Finding, Manifest } from '../../src/check/types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const REPO = path.resolve(__dirname, '../..');
const FIXTURES = path.join(__dirname, 'fixtures/schema');
const VALID = path.join(FIXTURES, 'valid');
const INVALID = path.join(FIXTURES, 'invalid');

/** Every object of a fixture file (or of every file in a folder), with a repository-relative file. */
function load(fileOrDir: string): Manifest[] {
  const files = fs.statSync(fileOrDir).isDirectory()
    ? fs.readdirSync(fileOrDir).sort().map((f) => path.join(fileOrDir, f))
    : [fileOrDir];
  return files.flatMap((file) =>
    yaml
      .loadAll(fs.readFileSync(file, 'utf8'))
      .filter((o) => o !== null && o !== undefined)
      .map((object) => ({ file: path.relative(REPO, file), object: object as Obj })),
  );
}

const invalid = (name: string) => load(path.join(INVALID, name));
const brief = (findings: Finding[]) => findings.map(({ path: p, message, fix }) => ({ path: p, message, ...(fix ? { fix } : {}) }));

/** A small valid Deployment to plant problems in. */
function deployment(): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'rag', labels: { 'app.kubernetes.io/name': 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { 'app.kubernetes.io/name': 'web' } },
      template: {
        metadata: { labels: { 'app.kubernetes.io/name': 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'registry.example.com/rag/web:1.0.0',
              ports: [{ name: 'http', containerPort: 8000 }],
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
            },
          ],
        },
      },
    },
  };
}

const asManifest = (object: Obj): Manifest => ({ file: 'dist/prod/rag/manifests.yaml', object });

describe('validateSchema: valid objects', () => {
  const valid = load(VALID);

  test('the fixtures hold every kind berth writes', () => {
    const kinds = new Set(valid.map((m) => `${m.object.apiVersion}/${m.object.kind}`));
    expect([...kinds].sort()).toEqual([...SCHEMA_KINDS].sort());
  });

  test('SCHEMA_KINDS is the list berth writes', () => {
    expect([...SCHEMA_KINDS].sort()).toEqual(
      [
        'v1/Namespace',
        'v1/ServiceAccount',
        'v1/ConfigMap',
        'v1/Secret',
        'v1/PersistentVolumeClaim',
        'v1/Service',
        'apps/v1/Deployment',
        'batch/v1/Job',
        'batch/v1/CronJob',
        'policy/v1/PodDisruptionBudget',
        'autoscaling/v2/HorizontalPodAutoscaler',
        'networking.k8s.io/v1/NetworkPolicy',
        'networking.k8s.io/v1/Ingress',
        'cert-manager.io/v1/Certificate',
        'monitoring.coreos.com/v1/ServiceMonitor',
        'monitoring.coreos.com/v1/PrometheusRule',
        // Only as a service's extra objects (charts/<service>/extra/).
        'monitoring.coreos.com/v1/PodMonitor',
        'v1/Pod',
        'rbac.authorization.k8s.io/v1/Role',
        'rbac.authorization.k8s.io/v1/RoleBinding',
        'external-secrets.io/v1/ExternalSecret',
        'bitnami.com/v1alpha1/SealedSecret',
        'argoproj.io/v1alpha1/Application',
        'argoproj.io/v1alpha1/AppProject',
        'gateway.networking.k8s.io/v1/HTTPRoute',
        'traefik.io/v1alpha1/Middleware',
      ].sort(),
    );
  });

  test.each(valid.map((m) => [`${m.object.kind} ${m.object.metadata.name}`, m] as const))('%s passes clean', (_, m) => {
    expect(validateSchema([m])).toEqual([]);
  });

  test('all of them at once, twice (learned shapes do not drift)', () => {
    expect(validateSchema(valid)).toEqual([]);
    expect(validateSchema(valid)).toEqual([]);
  });

  test('accepts free-form values where the schema keeps unknown fields (Helm valuesObject, SealedSecret data)', () => {
    const [app] = load(path.join(VALID, 'crds.yaml')).filter((m) => m.object.metadata.name === 'rag-chart');
    app.object.spec.source.helm.valuesObject = { any: { nested: [{ thing: 1 }] } };
    expect(validateSchema([app])).toEqual([]);
  });

  test('does not change the objects it validates, and takes frozen ones', () => {
    const objects = load(VALID).map((m) => m.object);
    const before = JSON.stringify(objects);
    const deepFreeze = (o: unknown): void => {
      if (typeof o === 'object' && o !== null) {
        Object.values(o).forEach(deepFreeze);
        Object.freeze(o);
      }
    };
    objects.forEach(deepFreeze);
    expect(validateSchema(objects.map(asManifest))).toEqual([]);
    expect(JSON.stringify(objects)).toBe(before);
  });
});

describe('validateSchema: planted violations', () => {
  test('fails when a top-level field is unknown', () => {
    expect(validateSchema(invalid('top-level-unknown-field.yaml'))).toEqual([
      {
        check: 'schema',
        file: 'test/check/fixtures/schema/invalid/top-level-unknown-field.yaml',
        object: 'ConfigMap/rag/rag-backend-config',
        path: 'immutible',
        message: 'unknown field "immutible"',
        fix: 'did you mean "immutable"?',
      },
    ]);
  });

  test('fails when a field in a pod template is unknown', () => {
    expect(validateSchema(invalid('pod-template-unknown-field.yaml'))).toEqual([
      {
        check: 'schema',
        file: 'test/check/fixtures/schema/invalid/pod-template-unknown-field.yaml',
        object: 'Deployment/rag/rag-backend',
        path: 'spec.template.spec.containers[0].imagePullPolicyy',
        message: 'unknown field "imagePullPolicyy"',
        fix: 'did you mean "imagePullPolicy"?',
      },
    ]);
  });

  test('fails when a field has the wrong type', () => {
    expect(brief(validateSchema(invalid('wrong-type.yaml')))).toEqual([
      { path: 'spec.ports[0].port', message: 'must be integer (got "80")' },
    ]);
  });

  test('fails when a required field is missing', () => {
    expect(brief(validateSchema(invalid('missing-required-field.yaml')))).toEqual([
      { path: 'spec.selector', message: 'missing required field "selector"' },
    ]);
  });

  test('fails when the kind is unknown', () => {
    expect(brief(validateSchema(invalid('unknown-kind.yaml')))).toEqual([
      {
        path: 'kind',
        message: 'unknown kind "WebService" in apiVersion "berth.example.com/v1"',
        fix: 'berth validates the kinds it writes (SCHEMA_KINDS); add a new one with its kubernetes-models class to src/check/schema-kinds.ts',
      },
    ]);
  });

  test('fails when the apiVersion is not the one berth validates for the kind', () => {
    expect(brief(validateSchema(invalid('removed-api-version.yaml')))).toEqual([{
      path: 'apiVersion',
      message: 'unknown apiVersion "extensions/v1beta1" for kind "Ingress" (berth validates networking.k8s.io/v1)',
      fix: 'write apiVersion: networking.k8s.io/v1',
    }]);
  });

  test('fails when a CRD object has an unknown field', () => {
    expect(validateSchema(invalid('crd-unknown-field.yaml'))).toEqual([
      {
        check: 'schema',
        file: 'test/check/fixtures/schema/invalid/crd-unknown-field.yaml',
        object: 'ServiceMonitor/rag/rag-backend',
        path: 'spec.endpoints[0].scrapeInterval',
        message: 'unknown field "scrapeInterval"',
      },
    ]);
  });

  test('fails when an alerting rule of a PrometheusRule has a field prometheus-operator does not have', () => {
    expect(validateSchema(invalid('crd-prometheusrule-unknown-field.yaml'))).toEqual([
      {
        check: 'schema',
        file: 'test/check/fixtures/schema/invalid/crd-prometheusrule-unknown-field.yaml',
        object: 'PrometheusRule/rag/rag-alerts',
        path: 'spec.groups[0].rules[0].severity',
        message: 'unknown field "severity"',
      },
    ]);
  });

  test('fails when a PodMonitor endpoint has a field prometheus-operator does not have', () => {
    expect(validateSchema(invalid('crd-podmonitor-unknown-field.yaml')).map(({ object, path, message }) => ({ object, path, message }))).toEqual([
      { object: 'PodMonitor/ledger/ledger-worker', path: 'spec.podMetricsEndpoints[0].targetPorts', message: 'unknown field "targetPorts"' },
    ]);
  });

  test('fails when a RoleBinding subject has a field Subject does not have', () => {
    expect(validateSchema(invalid('rbac-unknown-field.yaml')).map(({ object, path, message }) => ({ object, path, message }))).toEqual([
      { object: 'RoleBinding/rag/rag-leader', path: 'subjects[0].verbs', message: 'unknown field "verbs"' },
    ]);
  });

  test('fails when a CRD object has an unknown field deep down, and suggests the right one', () => {
    expect(brief(validateSchema(invalid('crd-nested-unknown-field.yaml')))).toEqual([
      { path: 'spec.syncPolicy.automated.selfHael', message: 'unknown field "selfHael"', fix: 'did you mean "selfHeal"?' },
    ]);
  });

  test('fails when a CRD field has the wrong type (ExternalSecret v1)', () => {
    expect(brief(validateSchema(invalid('crd-wrong-type.yaml')))).toEqual([
      { path: 'spec.refreshInterval', message: 'must be string (got 3600)' },
    ]);
  });

  test('fails when a field the model lacks (Traefik 3 ipAllowList) has an unknown field', () => {
    expect(brief(validateSchema(invalid('crd-extra-field-unknown.yaml')))).toEqual([
      { path: 'spec.ipAllowList.sourceRanges', message: 'unknown field "sourceRanges"', fix: 'did you mean "sourceRange"?' },
    ]);
  });

  test('fails when an AppProject misspells an allowlist', () => {
    expect(brief(validateSchema(invalid('appproject-unknown-field.yaml')))).toEqual([
      { path: 'spec.namespaceResourceWhitelst', message: 'unknown field "namespaceResourceWhitelst"', fix: 'did you mean "namespaceResourceWhitelist"?' },
    ]);
  });

  test('fails when an int-or-string is neither', () => {
    expect(brief(validateSchema(invalid('int-or-string.yaml')))).toEqual([
      { path: 'spec.maxUnavailable', message: 'must be integer or string (got true)' },
    ]);
  });

  test('fails when a quantity is malformed', () => {
    expect(brief(validateSchema(invalid('bad-quantity.yaml')))).toEqual([
      { path: 'spec.template.spec.containers[0].resources.limits.memory', message: 'must be a valid quantity (got "512MB")' },
    ]);
  });

  test('fails when a value is outside its enum', () => {
    expect(brief(validateSchema(invalid('bad-enum.yaml')))).toEqual([
      {
        path: 'spec.jobTemplate.spec.template.spec.containers[0].imagePullPolicy',
        message: 'must be one of "Always", "IfNotPresent", "Never" (got "Sometimes")',
      },
    ]);
    expect(brief(validateSchema(invalid('gateway-wrong-enum.yaml')))).toEqual([
      {
        path: 'spec.rules[0].matches[0].path.type',
        message: 'must be one of "Exact", "PathPrefix", "RegularExpression" (got "Prefix")',
      },
    ]);
  });

  test('fails when a string does not match its pattern or format', () => {
    expect(brief(validateSchema(invalid('bad-pattern.yaml')))).toEqual([
      {
        path: 'spec.hostnames[0]',
        message: String.raw`must match /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/ (got "Rag.Example.com")`,
      },
    ]);
    expect(brief(validateSchema(invalid('bad-base64.yaml')))).toEqual([
      { path: 'data.token', message: 'must be a valid byte (got "not base64!")' },
    ]);
  });

  test('fails on every problem of one object: unknown fields first, each list in document order', () => {
    const d = deployment();
    d.spec.replicas = '2';
    d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 }, rollout: true };
    d.metadata.labels.team = 7;
    const c = d.spec.template.spec.containers[0];
    c.imagePullPolicyy = 'IfNotPresent';
    c.ports[0].containerPort = '8000';
    d.spec.template.spec.containers.push({ image: 'registry.example.com/rag/sidecar:1.0.0', securityContext: { capabilities: { dorp: ['ALL'] } } });
    expect(brief(validateSchema([asManifest(d)]))).toEqual([
      { path: 'spec.template.spec.containers[0].imagePullPolicyy', message: 'unknown field "imagePullPolicyy"', fix: 'did you mean "imagePullPolicy"?' },
      { path: 'spec.template.spec.containers[1].securityContext.capabilities.dorp', message: 'unknown field "dorp"', fix: 'did you mean "drop"?' },
      { path: 'spec.strategy.rollout', message: 'unknown field "rollout"' },
      { path: 'metadata.labels.team', message: 'must be string (got 7)' },
      { path: 'spec.replicas', message: 'must be integer (got "2")' },
      { path: 'spec.template.spec.containers[0].ports[0].containerPort', message: 'must be integer (got "8000")' },
      { path: 'spec.template.spec.containers[1].name', message: 'missing required field "name"' },
    ]);
  });

  test('quotes keys that are not identifiers in paths', () => {
    const d = deployment();
    d.metadata.annotations = { 'argocd.argoproj.io/sync-wave': 1 };
    expect(brief(validateSchema([asManifest(d)]))).toEqual([
      { path: 'metadata.annotations["argocd.argoproj.io/sync-wave"]', message: 'must be string (got 1)' },
    ]);
  });

  test('fails when an object is not an object or has no apiVersion or kind', () => {
    expect(validateSchema([asManifest(['a'] as unknown as Obj)])).toEqual([
      { check: 'schema', file: 'dist/prod/rag/manifests.yaml', object: '?/?', path: '', message: 'must be object (got array)' },
    ]);
    expect(brief(validateSchema([asManifest({ metadata: { name: 'x' } })]))).toEqual([
      { path: 'apiVersion', message: 'missing required field "apiVersion"' },
      { path: 'kind', message: 'missing required field "kind"' },
    ]);
    expect(brief(validateSchema([asManifest({ apiVersion: 'v1', kind: 5, metadata: { name: 'x' } })]))).toEqual([
      { path: 'kind', message: 'must be string (got 5)' },
    ]);
  });
});

describe('validateSchema: learning the shapes', () => {
  // Each test gets fresh validators, so it sees what a run that starts with its objects sees.
  let fresh: typeof validateSchema;
  beforeEach(() => {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      fresh = require('../../src/check/schema').validateSchema;
    });
  });

  test('an object whose values have the wrong types does not teach wrong shapes', () => {
    const broken = deployment();
    broken.spec.template.spec = 'not a pod spec';
    broken.spec.selector = ['not', 'a', 'selector'];
    expect(brief(fresh([asManifest(broken)]))).toEqual([
      { path: 'spec.selector', message: 'must be object (got array)' },
      { path: 'spec.template.spec', message: 'must be object (got "not a pod spec")' },
    ]);
    const d = deployment();
    d.spec.selector.matchLabelz = {};
    d.spec.template.spec.containers[0].portz = [];
    expect(brief(fresh([asManifest(d)]))).toEqual([
      { path: 'spec.selector.matchLabelz', message: 'unknown field "matchLabelz"', fix: 'did you mean "matchLabels"?' },
      { path: 'spec.template.spec.containers[0].portz', message: 'unknown field "portz"', fix: 'did you mean "ports"?' },
    ]);
  });

  test('unknown fields are found in an object that also has type errors', () => {
    const d = deployment();
    d.spec.replicas = 'two';
    d.spec.template.spec.containers[0].resources.limitz = {};
    expect(brief(fresh([asManifest(d)]))).toEqual([
      { path: 'spec.template.spec.containers[0].resources.limitz', message: 'unknown field "limitz"', fix: 'did you mean "limits"?' },
      { path: 'spec.replicas', message: 'must be integer (got "two")' },
    ]);
  });

  test('a kind whose validator stops at its first error (SealedSecret) learns from valid objects', () => {
    const sealed = (spec: Obj): Manifest =>
      asManifest({ apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'db', namespace: 'rag' }, spec });
    expect(brief(fresh([sealed({ encryptedData: 'x', templat: {} })]))).toEqual([
      { path: 'spec.encryptedData', message: 'must be object (got "x")' },
    ]);
    expect(brief(fresh([sealed({ encryptedData: { password: 'AgBy3i4OJSWK' }, templat: {} })]))).toEqual([
      { path: 'spec.templat', message: 'unknown field "templat"', fix: 'did you mean "template"?' },
    ]);
  });

  test('the same object met twice, or shared between two places, is checked at both', () => {
    const labels = { 'app.kubernetes.io/name': 'web', oops: 1 };
    const d = deployment();
    d.metadata.labels = labels;
    d.spec.template.metadata.labels = labels;
    expect(brief(fresh([asManifest(d), asManifest(d)])).map((f) => f.path)).toEqual([
      'metadata.labels.oops',
      'spec.template.metadata.labels.oops',
      'metadata.labels.oops',
      'spec.template.metadata.labels.oops',
    ]);
  });
});

/** `apps` copies of a realistic mix of ten objects per app, each with its own name. */
function realisticMix(apps: number): Manifest[] {
  const byKind = new Map(load(VALID).map((m) => [m.object.kind as string, m.object]));
  const mix = ['Deployment', 'Deployment', 'CronJob', 'CronJob', 'Service', 'Ingress', 'NetworkPolicy', 'NetworkPolicy', 'ConfigMap', 'Secret'];
  const manifests: Manifest[] = [];
  for (let app = 0; app < apps; app++) {
    for (const kind of mix) {
      const object = structuredClone(byKind.get(kind)!);
      object.metadata.name = `app${app}-${kind.toLowerCase()}`;
      manifests.push({ file: `dist/prod/app${app}/manifests.yaml`, object });
    }
  }
  return manifests;
}

// Speed is measured by `npm run bench` (docs/benchmarks.md), never by a timed test.
describe('validateSchema: learns each shape once', () => {
  test('traces only the first object of each shape, not every object', () => {
    const manifests = realisticMix(40);
    // Count the tracing proxies: learning must happen once per shape, not once per object.
    const RealProxy = globalThis.Proxy;
    let proxies = 0;
    globalThis.Proxy = new RealProxy(RealProxy, {
      construct(target, args: [object, ProxyHandler<object>]) {
        proxies++;
        return new target(...args);
      },
    });
    try {
      let fresh: typeof validateSchema = validateSchema;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        fresh = require('../../src/check/schema').validateSchema;
      });
      const first = fresh(manifests.slice(0, 10));
      const learned = proxies;
      const all = fresh(manifests);
      const after = proxies;
      expect([first, all]).toEqual([[], []]);
      expect(learned).toBeGreaterThan(0);
      expect(after).toBe(learned);
    } finally {
      globalThis.Proxy = RealProxy;
    }
  });
});

// The second oracle: the OpenAPI document of a real v1.32 API server with berth's CRDs installed.
// It lives beside the repository, outside it, and is not there in every checkout.
const OPENAPI = process.env.BERTH_OPENAPI ?? path.resolve(REPO, '../shared/k8s/openapi-v2.json');
const SCRIPT = path.join(REPO, 'scripts/validate-openapi.js');
const HAVE_OPENAPI = fs.existsSync(OPENAPI);
const maybe = HAVE_OPENAPI ? describe : describe.skip;
/** The document as the reader set it: BERTH_OPENAPI, or its place beside the repository. */
const SHOWN_OPENAPI = process.env.BERTH_OPENAPI ?? path.relative(REPO, OPENAPI);

// When the document is missing, the title is the reason the skip-reasons reporter prints.
maybe(`scripts/validate-openapi.js against ${HAVE_OPENAPI ? SHOWN_OPENAPI : `the v1.32 OpenAPI document: skipped, ${SHOWN_OPENAPI} is missing (set BERTH_OPENAPI to its path)`}`, () => {
  const run = (target: string) => spawnSync(process.execPath, [SCRIPT, OPENAPI, target], { cwd: REPO, encoding: 'utf8' });

  test('the valid fixtures pass, with a count line', () => {
    const r = run(VALID);
    expect(r.stderr).toBe('');
    const valid = load(VALID);
    expect(r.stdout).toBe(`${valid.length} object(s) in ${new Set(valid.map((m) => m.file)).size} file(s) valid against openapi-v2.json\n`);
    expect(r.status).toBe(0);
  });

  test('every invalid fixture fails, with the same paths and messages as validateSchema', () => {
    const r = run(INVALID);
    expect(r.status).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines.pop()).toMatch(/^\d+ problem\(s\) in \d+ object\(s\) from \d+ file\(s\)$/);
    const fromScript = lines.map((line) => {
      const m = /^(.+?): (\S+): (\S+): (.*)$/.exec(line);
      if (!m) throw new Error(`unexpected line: ${line}`);
      return { file: m[1], object: m[2], path: m[3], message: m[4] };
    });
    const fromModels = validateSchema(load(INVALID)).map(({ file, object, path: p, message }) => ({ file, object, path: p, message }));
    // The two word an unknown apiVersion differently (what the server serves, what berth knows).
    const comparable = (f: { path: string; message: string }) =>
      f.message.startsWith('unknown apiVersion') ? { ...f, message: 'unknown apiVersion' } : f;
    expect(fromScript.map(comparable)).toEqual(fromModels.map(comparable));
    const files = fs.readdirSync(INVALID).map((f) => `test/check/fixtures/schema/invalid/${f}`);
    expect(new Set(fromScript.map((f) => f.file))).toEqual(new Set(files));
  });

  describe('agrees with validateSchema at every place of the valid fixtures', () => {
    type Problem = { path: string; message: string };
    let oracle: { validateObject(o: unknown): Problem[] };
    beforeAll(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { OpenApiValidator } = require(SCRIPT);
      oracle = new OpenApiValidator(JSON.parse(fs.readFileSync(OPENAPI, 'utf8')));
    });
    const both = (object: Obj) => ({
      models: validateSchema([asManifest(object)]).map((f) => `${f.path}: ${f.message}`),
      openapi: oracle.validateObject(object).map((f) => `${f.path}: ${f.message}`),
    });
    /** Every place in an object, as the path to it. */
    const places = (o: unknown, p: (string | number)[] = []): (string | number)[][] =>
      Array.isArray(o)
        ? o.flatMap((v, i) => places(v, [...p, i]))
        : typeof o === 'object' && o !== null
          ? [p, ...Object.entries(o).flatMap(([k, v]) => places(v, [...p, k]))]
          : [p];
    const at = (o: Obj, p: (string | number)[]) => p.reduce<Obj>((x, s) => x[s], o);

    test('an unknown field planted in any object', () => {
      let planted = 0;
      for (const { object } of load(VALID)) {
        for (const p of places(object).filter((q) => typeof at(object, q) === 'object' && !Array.isArray(at(object, q)))) {
          const copy = structuredClone(object);
          at(copy, p).zzUnknown = 'x';
          const { models, openapi } = both(copy);
          expect({ place: p, models }).toEqual({ place: p, models: openapi });
          planted++;
        }
      }
      expect(planted).toBeGreaterThan(200);
    });

    test('any scalar replaced by one of another type', () => {
      // The CommonJS sealed-secrets model leaves these free-form; the CRD types their values.
      const lenient = ['SealedSecret spec.encryptedData.password', 'SealedSecret spec.template.type'];
      const disagreements: string[] = [];
      for (const { object } of load(VALID)) {
        for (const p of places(object).filter((q) => q.length > 1 && typeof at(object, q) !== 'object')) {
          const copy = structuredClone(object);
          const parent = at(copy, p.slice(0, -1));
          const value = parent[p[p.length - 1]];
          parent[p[p.length - 1]] = typeof value === 'string' ? 12345 : typeof value === 'number' ? true : 'text';
          const { models, openapi } = both(copy);
          if (JSON.stringify(models) !== JSON.stringify(openapi)) disagreements.push(`${object.kind} ${[...models, ...openapi][0].split(':')[0]}`);
        }
      }
      expect(disagreements).toEqual(lenient);
    });
  });

  test('fails with usage on wrong arguments', () => {
    const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('usage: node scripts/validate-openapi.js <openapi-v2.json> <dir>\n');
  });
});
