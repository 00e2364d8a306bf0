import { formatFindings, runChecks } from '../../src/check';
import { Finding, Manifest } from '../../src/check/types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const FILE = 'dist/prod/rag/manifests.yaml';

function hardenedContainer(name: string, extra: Obj = {}): Obj {
  return {
    name,
    image: 'ghcr.io/acme/rag-backend:1.4.2',
    envFrom: [{ configMapRef: { name: 'rag-config' } }],
    env: [
      { name: 'JWT_SECRET_FILE', value: '/run/secrets/rag/jwt_secret' },
      { name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'rag-secrets', key: 'database_url' } } },
    ],
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '512Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'secrets', mountPath: '/run/secrets/rag', readOnly: true },
    ],
    ...extra,
  };
}

function podSpec(container: Obj): Obj {
  return {
    serviceAccountName: 'rag',
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [container],
    volumes: [
      { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'secrets', secret: { secretName: 'rag-secrets', defaultMode: 0o400 } },
    ],
  };
}

/** A hardened web Deployment, a nightly CronJob, their ConfigMap, and a secret reference. */
function hardenedService(): Manifest[] {
  const web = hardenedContainer('web', {
    command: ['gunicorn', '-k', 'uvicorn.workers.UvicornWorker', '-w', '4', '-b', '0.0.0.0:8000', 'app.main:app'],
    ports: [{ name: 'http', containerPort: 8000 }],
    readinessProbe: { httpGet: { path: '/health', port: 'http' } },
    livenessProbe: { httpGet: { path: '/health', port: 'http' } },
  });
  const cleanup = hardenedContainer('cleanup', { command: ['python', '-m', 'scripts.cleanup_tmp'] });
  const objects: Obj[] = [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'rag-config', namespace: 'rag' }, data: { ENVIRONMENT: 'production', STRICT_MODE: 'true', ALLOW_DEV_LOGIN: 'false', GEMINI_MOCK_MODE: 'false' } },
    {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'rag-secrets', namespace: 'rag' },
      spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' }, target: { name: 'rag-secrets' }, dataFrom: [{ extract: { key: 'rag/prod' } }] },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'rag-web', namespace: 'rag', labels: { 'app.kubernetes.io/name': 'rag' } },
      spec: { replicas: 2, selector: { matchLabels: { 'app.kubernetes.io/name': 'rag' } }, template: { metadata: { labels: { 'app.kubernetes.io/name': 'rag' }, annotations: { 'berth.dev/config-checksum': '3f2a9c0d1b7e4a55' } }, spec: podSpec(web) } },
    },
    {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'rag-tmp-cleanup', namespace: 'rag' },
      spec: { schedule: '0 3 * * *', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: { spec: { ...podSpec(cleanup), restartPolicy: 'OnFailure' } } } } },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'rag-web', namespace: 'rag', annotations: { 'berth.dev/internal-paths': '/metrics' } },
      spec: { rules: [{ host: 'rag.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'rag-web', port: { name: 'http' } } } }] } }] },
    },
  ];
  return objects.map((object) => ({ file: FILE, object }));
}

/** The hardened service with one problem of each kind planted. */
function brokenService(): Manifest[] {
  const objects = hardenedService();
  const deployment = objects[2].object;
  deployment.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation = true; // pod-security
  deployment.spec.template.spec.containers[0].image = 'ghcr.io/acme/rag-backend:latest'; // guardrail
  objects.push({ file: 'dist/prod/rag/secret.yaml', object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'rag-plain', namespace: 'rag' }, stringData: { JWT_SECRET: 'x' } } }); // secret-leak
  return objects;
}

const summary = (fs: Finding[]) => fs.map((f) => `${f.check} ${f.object} ${f.path}`);

describe('runChecks', () => {
  test('a hardened Deployment and CronJob produce no findings, in production too', () => {
    expect(runChecks(hardenedService(), { production: true })).toEqual([]);
  });

  test('runs pod security, guardrails and the leak guard in production, each finding once', () => {
    expect(summary(runChecks(brokenService(), { production: true }))).toEqual([
      'pod-security Deployment/rag/rag-web spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
      'guardrail Deployment/rag/rag-web spec.template.spec.containers[0].image',
      'secret-leak Secret/rag/rag-plain stringData',
    ]);
  });

  test('skips the guardrails outside production, or when turned off', () => {
    const expected = [
      'pod-security Deployment/rag/rag-web spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
      'secret-leak Secret/rag/rag-plain stringData',
    ];
    expect(summary(runChecks(brokenService(), { production: false }))).toEqual(expected);
    expect(summary(runChecks(brokenService(), { production: true, guardrails: false }))).toEqual(expected);
  });

  test('runs an injected schema validator on the same manifests', () => {
    const seen: number[] = [];
    const schema = (ms: readonly Manifest[]): Finding[] => {
      seen.push(ms.length);
      return [{ check: 'schema', file: FILE, object: 'Deployment/rag/rag-web', path: 'spec.replicas', message: 'Expected integer, received string' }];
    };
    const findings = runChecks(brokenService(), { production: false, schema });
    expect(seen).toEqual([brokenService().length]);
    expect(summary(findings)[0]).toBe('schema Deployment/rag/rag-web spec.replicas');
  });
});

describe('formatFindings', () => {
  const findings: Finding[] = [
    { check: 'secret-leak', file: 'dist/b.yaml', object: 'Secret/ns/s', path: 'data', message: 'Secret carries a value in data (A); berth only references secrets', fix: 'remove it' },
    { check: 'guardrail', file: 'dist/a.yaml', object: 'Deployment/ns/web', path: 'spec.template.spec.containers[0].image', message: 'Container "web" image "x" has no tag (it means latest)', fix: 'pin a tag' },
    { check: 'pod-security', file: 'dist/a.yaml', object: 'Deployment/ns/web', path: 'spec.template.spec.hostPID', message: 'host namespaces (hostPID=true)', fix: 'remove hostPID' },
    { check: 'schema', file: 'dist/a.yaml', object: 'Service/ns/web', path: '', message: 'Unknown field' },
  ];

  test('text: grouped by file then object, one line per finding, and a summary', () => {
    expect(formatFindings(findings, 'text')).toBe(
      [
        'dist/a.yaml',
        '  Deployment/ns/web',
        '    pod-security: spec.template.spec.hostPID: host namespaces (hostPID=true) (fix: remove hostPID)',
        '    guardrail: spec.template.spec.containers[0].image: Container "web" image "x" has no tag (it means latest) (fix: pin a tag)',
        '  Service/ns/web',
        '    schema: Unknown field',
        '',
        'dist/b.yaml',
        '  Secret/ns/s',
        '    secret-leak: data: Secret carries a value in data (A); berth only references secrets (fix: remove it)',
        '',
        '4 problems in 3 objects',
        '',
      ].join('\n'),
    );
  });

  test('text: singular summary, and no problems', () => {
    expect(formatFindings([findings[0]], 'text').endsWith('\n1 problem in 1 object\n')).toBe(true);
    expect(formatFindings([], 'text')).toBe('no problems\n');
  });

  test('json: a stable array with a fixed key order, whatever the input order', () => {
    const json = formatFindings(findings, 'json');
    expect(formatFindings([...findings].reverse(), 'json')).toBe(json);
    const parsed = JSON.parse(json);
    expect(parsed.map((f: Finding) => f.check)).toEqual(['pod-security', 'guardrail', 'schema', 'secret-leak']);
    expect(Object.keys(parsed[0])).toEqual(['check', 'file', 'object', 'path', 'message', 'fix']);
    expect(Object.keys(parsed[2])).toEqual(['check', 'file', 'object', 'path', 'message']);
    expect(formatFindings([], 'json')).toBe('[]\n');
  });
});
