import { resolveService } from '../../src/model/service-model';
import { buildOutput } from '../../src/app';
import { formatProblems, SpecError } from '../../src/spec/errors';
import { deepMerge, loadProject, loadProjectConfig, SourceFile } from '../../src/spec/load';
import { Dependency } from '../../src/spec/schema';
import { forgetSecrets, rememberedSecrets } from '../../src/util/redact';

const CONFIG: SourceFile = {
  path: 'berth.yaml',
  text: 'repoURL: https://github.com/example/gitops.git\nenvironments:\n  staging: {}\n  prod: { production: true }\n',
};
const BASE = `name: demo
image: registry.example.com/demo:1.0.0
web:
  api:
    port: 8000
    health: { liveness: /health }
`;

function load(files: Record<string, string>) {
  return loadProject(CONFIG, Object.entries(files).map(([path, text]) => ({ path, text })));
}

/** The formatted error of a load that must fail. */
function errorOf(files: Record<string, string>): string {
  try {
    load(files);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return formatProblems((e as SpecError).problems);
  }
  throw new Error('expected the load to fail');
}

describe('loadProject', () => {
  test('loads a service in every environment with defaults applied', () => {
    const { units } = load({ 'charts/demo/service.yaml': BASE });
    expect(units.map((u) => `${u.env}/${u.name}`)).toEqual(['prod/demo', 'staging/demo']);
    expect(units[0].spec.web.api.replicas).toBe(2);
    expect(units[0].spec.security.runAsUser).toBe(10001);
  });

  test('an overlay is deep-merged: objects merge, scalars replace, null removes', () => {
    const { units } = load({
      'charts/demo/service.yaml': BASE + 'env: { A: "1", B: "2" }\n',
      'charts/demo/prod.yaml': 'web: { api: { replicas: 4 } }\nenv: { B: null, C: "3" }\n',
    });
    const prod = units.find((u) => u.env === 'prod')!;
    expect(prod.spec.web.api.replicas).toBe(4);
    expect(prod.spec.web.api.port).toBe(8000);
    expect(prod.spec.env).toEqual({ A: '1', C: '3' });
    expect(prod.files).toEqual(['charts/demo/service.yaml', 'charts/demo/prod.yaml']);
    expect(units.find((u) => u.env === 'staging')!.spec.env).toEqual({ A: '1', B: '2' });
  });

  test('deepMerge replaces arrays instead of concatenating them', () => {
    expect(deepMerge({ a: [1, 2], b: { c: 1 } }, { a: [3] })).toEqual({ a: [3], b: { c: 1 } });
  });

  test('fails when a field has the wrong type, naming file, field and value', () => {
    expect(errorOf({ 'charts/demo/service.yaml': BASE.replace('port: 8000', 'port: "8000"') })).toBe(
      'charts/demo/service.yaml\n  ✖ Invalid input: expected number, received string (got "8000")\n    → at web.api.port (line 5)\n    → fix: write a number here (without quotes, such as 8000)',
    );
  });

  test('fails when a key is unknown, suggesting the near miss', () => {
    expect(errorOf({ 'charts/demo/service.yaml': BASE + 'enviroment: {}\n' })).toBe(
      'charts/demo/service.yaml\n  ✖ Unknown key "enviroment"\n    → at enviroment (line 7)\n    → fix: did you mean "env"?',
    );
    expect(errorOf({ 'charts/demo/service.yaml': BASE.replace('liveness:', 'livenes:') })).toContain('did you mean "liveness"?');
  });

  test('fails when a required field is missing', () => {
    expect(errorOf({ 'charts/demo/service.yaml': BASE.replace('image: registry.example.com/demo:1.0.0\n', '') })).toBe(
      'charts/demo/service.yaml\n  ✖ Required: expected string\n    → at image\n    → fix: add image: text (quote it when it looks like a number or a boolean: "8000", "true")',
    );
  });

  test('fails when the YAML cannot be read', () => {
    expect(errorOf({ 'charts/demo/service.yaml': 'name: demo\nweb: [\n' })).toMatch(/^charts\/demo\/service.yaml\n  ✖ YAML syntax error \(line \d+, column \d+\): .+\n    → fix: fix the YAML syntax/);
  });

  test('fails when two services have the same name', () => {
    expect(errorOf({ 'charts/demo/service.yaml': BASE, 'charts/demo2/service.yaml': BASE })).toBe(
      'charts/demo2/service.yaml\n  ✖ Service name "demo" is already used by charts/demo/service.yaml\n    → at name (line 1)\n    → fix: give every service a unique name',
    );
  });

  test('fails when an overlay has no service', () => {
    expect(errorOf({ 'charts/demo/service.yaml': BASE, 'charts/ghost/prod.yaml': 'web: {}\n' })).toBe(
      'charts/ghost/prod.yaml\n  ✖ Overlay for an unknown service: charts/ghost/ has no service.yaml\n    → fix: create charts/ghost/service.yaml, or move this overlay next to its service',
    );
  });

  test('fails when an overlay names an unknown environment', () => {
    expect(errorOf({ 'charts/demo/service.yaml': BASE, 'charts/demo/qa.yaml': 'env: {}\n' })).toContain('Overlay for unknown environment "qa"');
  });

  test('fails when an overlay renames its service', () => {
    expect(errorOf({ 'charts/demo/service.yaml': BASE, 'charts/demo/prod.yaml': 'name: other\n' })).toContain('An overlay cannot rename its service ("demo" → "other")');
  });

  test('names the overlay, not the base, when the overlay set the bad field', () => {
    expect(errorOf({ 'charts/demo/service.yaml': BASE, 'charts/demo/prod.yaml': 'web: { api: { replicas: 0 } }\n' })).toBe(
      'charts/demo/prod.yaml\n  ✖ must be at least 1 (use autoscaling for elastic replicas) (got 0)\n    → at web.api.replicas (line 1)\n    → fix: use at least 1',
    );
  });

  test('fails when a secret value is written into the spec, showing the three ways instead', () => {
    const msg = errorOf({ 'charts/demo/service.yaml': BASE + 'env: { JWT_SECRET: hunter2hunter2 }\n' });
    expect(msg).toContain('Env var JWT_SECRET has a name that says it is a secret: a secret literal in the spec');
    expect(msg).toContain('existingSecret');
    expect(msg).toContain('externalSecret');
    expect(msg).toContain('sealedSecret');
    expect(msg).not.toContain('hunter2');
  });

  test('reports every problem of every file at once', () => {
    const msg = errorOf({
      'charts/a/service.yaml': BASE.replace('name: demo', 'name: a').replace('8000', '70000'),
      'charts/b/service.yaml': BASE.replace('name: demo', 'name: b') + 'bogus: 1\n',
    });
    expect(msg).toContain('charts/a/service.yaml');
    expect(msg).toContain('charts/b/service.yaml');
  });

  test('refuses a second service routing a host and prefix another service already routes', () => {
    const edge = 'edge: { hosts: [shop.example.com] }\n';
    const msg = errorOf({
      'charts/a/service.yaml': BASE.replace('name: demo', 'name: a') + edge,
      'charts/b/service.yaml': BASE.replace('name: demo', 'name: b') + edge,
    });
    expect(msg).toBe(
      [
        'charts/b/service.yaml',
        '  ✖ prod: service "a" (charts/a/service.yaml) already routes shop.example.com prefix /',
        '    → at edge.hosts[0] (line 7)',
        '    → fix: give this service its own host, or route a different path prefix (web.<process>.paths)',
        '  ✖ staging: service "a" (charts/a/service.yaml) already routes shop.example.com prefix /',
        '    → at edge.hosts[0] (line 7)',
        '    → fix: give this service its own host, or route a different path prefix (web.<process>.paths)',
      ].join('\n'),
    );
  });

  test('names every clashing prefix of a host once', () => {
    const spec = (name: string) => BASE.replace('name: demo', `name: ${name}`).replace('port: 8000', 'port: 8000\n    paths: [/, /api, /docs]') + 'edge: { hosts: [a.example.com, b.example.com] }\n';
    const msg = errorOf({ 'charts/a/service.yaml': spec('a'), 'charts/b/service.yaml': spec('b').replace('/docs', '/help').replace('a.example.com, ', '') });
    expect(msg.split('\n').filter((l) => l.includes('✖'))).toEqual([
      '  ✖ prod: service "a" (charts/a/service.yaml) already routes b.example.com prefixes /, /api',
      '  ✖ staging: service "a" (charts/a/service.yaml) already routes b.example.com prefixes /, /api',
    ]);
  });

  test('lets services share a host under different prefixes, and per environment', () => {
    const api = BASE.replace('name: demo', 'name: a') + 'edge: { hosts: [shop.example.com] }\n';
    const docs = BASE.replace('name: demo', 'name: b').replace('port: 8000', 'port: 8000\n    paths: [/docs]') + 'edge: { hosts: [shop.example.com] }\n';
    expect(load({ 'charts/a/service.yaml': api, 'charts/b/service.yaml': docs }).units).toHaveLength(4);
    // b routes / only in staging (where a has another host): no clash.
    const units = load({
      'charts/a/service.yaml': api,
      'charts/a/staging.yaml': 'edge: { hosts: [shop.staging.example.com] }\n',
      'charts/b/service.yaml': BASE.replace('name: demo', 'name: b'),
      'charts/b/staging.yaml': 'edge: { hosts: [shop.example.com] }\n',
    }).units;
    expect(units).toHaveLength(4);
  });

  test('refuses a web process "to-x" next to a destination "x-ingress": their NetworkPolicies share a name', () => {
    const spec = `${BASE}  to-db:\n    port: 8001\n    public: false\n    allowFrom: [api]\n    health: { liveness: /health }\n`;
    expect(errorOf({ 'charts/demo/service.yaml': `${spec}dependencies:\n  db-ingress: { port: 5432, cidr: 10.0.0.5/32 }\n` })).toContain(
      '  ✖ Two NetworkPolicies would be named "demo-to-db-ingress": who may reach web process "to-db", and egress to dependency "db-ingress"\n    → at dependencies.db-ingress',
    );
    const twoWeb = `${spec}  db-ingress:\n    port: 8002\n    public: false\n    allowFrom: [api]\n    health: { liveness: /health }\n`;
    expect(errorOf({ 'charts/demo/service.yaml': twoWeb })).toContain(
      '  ✖ Two NetworkPolicies would be named "demo-to-db-ingress": who may reach web process "to-db", and egress to web process "db-ingress"\n    → at web.db-ingress',
    );
  });

  test('refuses a "__proto__" key, which JavaScript would drop silently, and keeps "constructor" as data', () => {
    expect(errorOf({ 'charts/demo/service.yaml': BASE + 'env:\n  __proto__: x\n' })).toBe(
      'charts/demo/service.yaml\n  ✖ The key "__proto__" is not allowed (JavaScript reads it as an object\'s prototype, so it would be dropped silently)\n    → at env.__proto__ (line 8)\n    → fix: rename or remove the key',
    );
    const { units } = load({ 'charts/demo/service.yaml': BASE + 'env: { constructor: x, toString: y }\n', 'charts/demo/prod.yaml': 'env: { constructor: z }\n' });
    expect(units.map((u) => [u.env, { ...u.spec.env }])).toEqual([['prod', { constructor: 'z', toString: 'y' }], ['staging', { constructor: 'x', toString: 'y' }]]);
  });

  test('reports a secret literal once, not again as an unknown key', () => {
    const msg = errorOf({ 'charts/demo/service.yaml': BASE + 'secrets:\n  source: { existingSecret: demo }\n  items:\n    API_KEY: { value: abc }\n' });
    expect(msg).toContain('Secret "API_KEY" has a plain value');
    expect(msg).not.toContain('Unknown key');
  });

  test('tmp cleanup may share a ReadWriteOnce claim with its one single-replica user (it runs on that node), not a ReadWriteOncePod one', () => {
    const spec = (mode: string) =>
      BASE.replace('    port: 8000', '    port: 8000\n    replicas: 1\n    mounts: [tmp]') +
      `volumes:\n  tmp: { size: 1Gi, accessMode: ${mode}, mountPath: /tmp/app }\ncron:\n  tmpCleanup: { volume: tmp }\n`;
    expect(load({ 'charts/demo/service.yaml': spec('ReadWriteOnce') }).units).toHaveLength(2);
    expect(errorOf({ 'charts/demo/service.yaml': spec('ReadWriteOncePod') })).toContain('ReadWriteOncePod claim "tmp" is mounted by 2 workloads (api, tmp-cleanup)');
  });
});

describe('what a construct refuses past the spec checks', () => {
  test('is blamed on the base spec, once, with every environment, even when overlays exist', () => {
    const withToDb = `${BASE}  to-db:\n    port: 8001\n    public: false\n    allowFrom: [api]\n    health: { liveness: /health }\n`;
    const project = load({
      'charts/demo/service.yaml': withToDb,
      'charts/demo/prod.yaml': 'web: { api: { replicas: 3 } }\n',
      'charts/demo/staging.yaml': 'web: { api: { replicas: 1 } }\n',
    });
    expect(project.units.map((u) => u.files)).toEqual([
      ['charts/demo/service.yaml', 'charts/demo/prod.yaml'],
      ['charts/demo/service.yaml', 'charts/demo/staging.yaml'],
    ]);
    // Past the spec checks: a dependency whose egress policy takes the name of to-db's ingress policy,
    // on a copy (loaded specs are frozen: the next load shares them). The charts read each unit's
    // model, resolved at load: resolved again from the changed spec.
    const changed = {
      ...project,
      units: project.units.map((u) => {
        const spec = structuredClone(u.spec);
        (spec.dependencies as Record<string, Dependency>)['db-ingress'] = Dependency.parse({ port: 5432, cidr: '10.0.0.5/32' });
        return { ...u, spec, model: resolveService(spec, project.config.environments[u.env], u.env) };
      }),
    };

    let error: unknown;
    try {
      buildOutput(changed);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect(formatProblems((error as SpecError).problems)).toBe(
      'charts/demo/service.yaml\n  ✖ prod, staging: NetworkPolicy name "demo-to-db-ingress" would be written twice (a process and an egress destination share a name); rename one of them\n    → at dependencies\n    → fix: change the field as the message says (validation should have caught this: please report it, so it does next time)',
    );
  });
});

describe('fields the rest of the spec never reads are refused', () => {
  const secrets = (s: string) => ({ 'charts/demo/service.yaml': `${BASE}secrets:\n${s}` });

  test('fails when an item has an encrypted value but the source is not a SealedSecret', () => {
    expect(errorOf(secrets('  source: { existingSecret: demo }\n  items: { TOKEN: { encrypted: AgBxxxxxxxxxxxxxxxxxxxx } }\n'))).toBe(
      'charts/demo/service.yaml\n  ✖ Secret "TOKEN" has an encrypted value, which only a sealedSecret source reads\n    → at secrets.items.TOKEN.encrypted (line 9)\n    → fix: remove encrypted, or set secrets.source to sealedSecret',
    );
  });

  test('fails when an item names a remote key but the source is not an ExternalSecret', () => {
    expect(errorOf(secrets('  source: { sealedSecret: {} }\n  items: { TOKEN: { encrypted: AgBxxxxxxxxxxxxxxxxxxxx, remoteKey: app/token, property: token } }\n'))).toBe(
      'charts/demo/service.yaml\n' +
        '  ✖ Secret "TOKEN" sets remoteKey, which only an externalSecret source reads\n    → at secrets.items.TOKEN.remoteKey (line 9)\n    → fix: remove remoteKey, or set secrets.source to externalSecret\n' +
        '  ✖ Secret "TOKEN" sets property, which only an externalSecret source reads\n    → at secrets.items.TOKEN.property (line 9)\n    → fix: remove property, or set secrets.source to externalSecret',
    );
  });

  test('fails when dotenvPath is set but the delivery is not dotenv', () => {
    expect(errorOf(secrets('  source: { existingSecret: demo }\n  dotenvPath: /app/.env\n  items: { TOKEN: {} }\n'))).toBe(
      'charts/demo/service.yaml\n  ✖ dotenvPath is only read with delivery "dotenv" (delivery is "files")\n    → at secrets.dotenvPath (line 9)\n    → fix: remove dotenvPath, or set delivery: dotenv',
    );
  });
});

describe('fields the rest of the spec never reads are refused, beyond secrets', () => {
  test('fails when the built-in tmp cleanup is given a workingDir', () => {
    expect(
      errorOf({
        'charts/demo/service.yaml': `${BASE}volumes: { tmp: { size: 1Gi, accessMode: ReadWriteMany, mountPath: /tmp/files } }\ncron: { tmpCleanup: { volume: tmp, workingDir: /app } }\n`,
      }),
    ).toBe(
      "charts/demo/service.yaml\n  ✖ workingDir is only used with the app's own cleanup command; the built-in script runs in its own image\n    → at cron.tmpCleanup.workingDir (line 8)\n    → fix: remove workingDir, or set cron.tmpCleanup.command",
    );
  });

  test('fails when a dependency outside the cluster has podLabels', () => {
    expect(errorOf({ 'charts/demo/service.yaml': `${BASE}dependencies: { payments: { port: 443, cidr: 203.0.113.0/24, podLabels: { app: payments } } }\n` })).toBe(
      'charts/demo/service.yaml\n  ✖ Dependency "payments" is outside the cluster (cidr), so podLabels select nothing\n    → at dependencies.payments.podLabels (line 7)\n    → fix: remove podLabels, or describe an in-cluster dependency with namespace and podLabels instead of cidr',
    );
  });
});

describe('fields that only document reach the output', () => {
  const objects = (extra: string) => buildOutput(load({ 'charts/demo/service.yaml': BASE + extra })).manifests.map((m) => m.object as any);

  test('description is shown on the Argo CD Application page', () => {
    const apps = objects('description: Demo shop backend\n').filter((o) => o.kind === 'Application' && o.metadata.name.startsWith('demo-'));
    expect(apps.map((a) => a.spec.info)).toEqual([[{ name: 'Description', value: 'Demo shop backend' }], [{ name: 'Description', value: 'Demo shop backend' }]]);
  });

  test('the secrets that carry a dependency are named on its egress policy: listed, or found by name', () => {
    const annotation = (deps: string) =>
      buildOutput(load({ 'charts/demo/service.yaml': `${BASE}secrets:\n  source: { existingSecret: demo }\n  items: { REDIS_URL: {}, CACHE_DSN: {} }\ndependencies: ${deps}\n` }))
        .manifests.map((m) => m.object as any)
        .find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'demo-to-redis').metadata.annotations?.['berth.dev/egress-secrets'];
    expect(annotation('{ redis: { port: 6379, namespace: data, podLabels: { app: redis } } }')).toBe('REDIS_URL');
    expect(annotation('{ redis: { port: 6379, namespace: data, podLabels: { app: redis }, secrets: [CACHE_DSN, REDIS_URL] } }')).toBe('CACHE_DSN,REDIS_URL');
    expect(annotation('{ redis: { port: 6379, namespace: data, podLabels: { app: redis }, secrets: [] } }')).toBeUndefined();
  });

  test('dependency hosts and external HTTPS hosts are named on their egress policies', () => {
    const policies = objects(
      'dependencies: { db: { port: 5432, host: db.databases.svc.cluster.local, namespace: databases, podLabels: { app: db } } }\nexternalHttps: [api.openai.com, api.example.com]\n',
    ).filter((o) => o.kind === 'NetworkPolicy' && o.metadata.annotations?.['berth.dev/egress-host']);
    expect(Object.fromEntries(policies.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p.metadata.annotations['berth.dev/egress-host']]))).toEqual({
      'demo/demo-to-db': 'db.databases.svc.cluster.local',
      'demo/demo-to-internet-https': 'api.openai.com,api.example.com',
    });
  });
});

describe('credentials outside env', () => {
  const withCommand = (command: string) => BASE.replace('    port: 8000', `    port: 8000\n    command: ${command}`);

  test('fails when a command line passes a secret after a secret-named flag, at its field and line, without the value', () => {
    expect(errorOf({ 'charts/demo/service.yaml': withCommand('[gunicorn, app:app, --db-password, Zx9Kq2Lm7Wp4]') })).toBe(
      [
        'charts/demo/service.yaml',
        '  ✖ The value of --db-password (12 characters) is a secret literal in a command line',
        '    → at web.api.command[3] (line 6)',
        '    → fix: pass it as an env var from secrets.items (the app reads DB_PASSWORD_FILE or the variable); secret values never go in a spec. Reference them instead, under secrets.items with secrets.source set to one of: { existingSecret: <name> } (a Secret created out of band), { externalSecret: { store: <store> } } with remoteKey/property per item (External Secrets Operator), or { sealedSecret: {} } with the kubeseal-encrypted value in `encrypted`',
      ].join('\n'),
    );
    expect(errorOf({ 'charts/demo/service.yaml': withCommand('[app, --api-key=Zx9Kq2Lm7Wp4]') })).toContain('The value of --api-key (12 characters) is a secret literal');
  });

  test('keeps settings under secret-sounding flags, expansions and *_FILE paths', () => {
    for (const command of ['[app, --token-ttl, "3600"]', '[app, --password-min-length, "12"]', '[app, --password, "$(DB_PASSWORD)"]', '[app, --key-file, /run/secrets/key]', '[app, --secret, --verbose]']) {
      expect(load({ 'charts/demo/service.yaml': withCommand(command) }).units).toHaveLength(2);
    }
  });

  test('fails when any field holds a credential, and berth.yaml too', () => {
    expect(errorOf({ 'charts/demo/service.yaml': `${BASE}description: "see redis://:Zx9Kq2Lm7Wp4@cache:6379"\n` })).toContain(
      '  ✖ The value is a URL with a password in it (scheme://user:password@host) (36 characters): credentials never go in a spec or berth.yaml\n    → at description (line 7)',
    );
    let error: unknown;
    try {
      loadProjectConfig({ path: 'berth.yaml', text: 'repoURL: https://github.com/example/x.git\ntargetRevision: ghp_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5\nenvironments: { prod: {} }\n' });
    } catch (e) {
      error = e;
    }
    expect(formatProblems((error as SpecError).problems)).toContain('  ✖ The value looks like a GitHub token (40 characters): credentials never go in a spec or berth.yaml\n    → at targetRevision (line 2)');
    expect(loadProjectConfig({ path: 'berth.yaml', text: `repoURL: https://github.com/example/x.git\ntargetRevision: ${'0123456789abcdef'.repeat(2)}01234567\nenvironments: { prod: {} }\n` }).targetRevision).toHaveLength(40);
  });
});

describe('a service validated once per process', () => {
  test('a second load of the same files shares the first one\'s spec and model, frozen', () => {
    const files = { 'charts/demo/service.yaml': BASE, 'charts/demo/prod.yaml': 'web: { api: { replicas: 4 } }\n' };
    const first = load(files);
    const second = load(files);
    for (const i of [0, 1]) {
      expect(second.units[i].spec).toBe(first.units[i].spec);
      expect(second.units[i].model).toBe(first.units[i].model);
    }
    // Shared, so nothing may write to them: a write throws instead of changing the next load.
    expect(Object.isFrozen(first.units[0].spec.web.api)).toBe(true);
    expect(Object.isFrozen(first.units[0].model)).toBe(true);
    expect(() => {
      (first.units[0].spec.web.api as { replicas: number }).replicas = 9;
    }).toThrow(TypeError);
    expect(load(files).units.map((u) => u.spec.web.api.replicas)).toEqual([4, 2]);
  });

  test('a changed file, another path or other settings of the environment are validated again', () => {
    const first = load({ 'charts/demo/service.yaml': BASE });
    const edited = load({ 'charts/demo/service.yaml': BASE.replace('port: 8000', 'port: 8080') });
    expect(edited.units[0].spec).not.toBe(first.units[0].spec);
    expect(edited.units[0].spec.web.api.port).toBe(8080);
    const moved = load({ 'charts/other/service.yaml': BASE });
    expect(moved.units[0].spec).not.toBe(first.units[0].spec);
    const staging = loadProject({ ...CONFIG, text: CONFIG.text.replace('staging: {}', 'staging: { production: true }') }, [{ path: 'charts/demo/service.yaml', text: BASE }]);
    const before = first.units.find((u) => u.env === 'staging')!;
    const after = staging.units.find((u) => u.env === 'staging')!;
    // The same files validate to the same spec; the model of an environment with other settings is resolved again.
    expect(after.spec).toBe(before.spec);
    expect(after.model).not.toBe(before.model);
  });
  test('a second load of the same file remembers its secret values for redaction again, after they were forgotten', () => {
    // A value under a secret-looking name: refused as a literal, and remembered so no message shows it.
    const files = { 'charts/demo/service.yaml': `${BASE}env:\n  SESSION_SECRET: not-a-reference-value\n` };
    const attempt = () => expect(() => load(files)).toThrow(SpecError);
    const remembered = () => rememberedSecrets().filter((v) => v === 'not-a-reference-value');
    forgetSecrets();
    attempt();
    expect(remembered()).toEqual(['not-a-reference-value']);
    forgetSecrets();
    expect(remembered()).toEqual([]);
    // The same file: parsed once already, and its value remembered again on this load.
    attempt();
    expect(remembered()).toEqual(['not-a-reference-value']);
  });
});
