import { checkLeaks, redact } from '../../src/check/leaks';
import { Manifest } from '../../src/check/types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const FILE = 'dist/prod/rag/manifests.yaml';

// Fake credentials, planted to be found.
const DB_URL = 'postgresql+psycopg2://rag:hunter2-not-real@db:5432/rag';
const OPENAI_KEY = 'sk-proj-abcDEF123456ghiJKL789mnoPQR';
const TOKEN = 'Zx9Qw3Lp7Rt2Vb8Nm4Kj6Hg1Fd5Sa0';

function manifest(object: Obj): Manifest {
  return { file: FILE, object: { metadata: { name: 'rag', namespace: 'rag' }, ...object } };
}

function web(env: Obj[], extra: Obj = {}): Manifest {
  return manifest({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'rag-web', namespace: 'rag' },
    spec: { template: { metadata: { labels: { app: 'rag' } }, spec: { containers: [{ name: 'web', image: 'ghcr.io/acme/rag:1.4.2', env, ...extra }] } } },
  });
}

function problems(m: Manifest | Manifest[]): string[] {
  return checkLeaks(Array.isArray(m) ? m : [m]).map((f) => `${f.path}: ${f.message}`);
}

const ENV0 = 'spec.template.spec.containers[0].env[0].value';

describe('checkLeaks', () => {
  test('shows what kind of value it found and its length, none of its characters', () => {
    expect(redact('hunter2')).toBe('[redacted: a credential, 7 characters]');
  });

  test('fails on a plaintext Secret, in data or stringData', () => {
    const m = manifest({ apiVersion: 'v1', kind: 'Secret', data: { JWT_SECRET: 'c2VjcmV0', DB_PASSWORD: 'aHVudGVyMg==' }, stringData: { API_KEY: 'x' } });
    const findings = checkLeaks([m]);
    expect(findings.map((f) => `${f.path}: ${f.message}`)).toEqual([
      'data: Secret carries 2 values in data (DB_PASSWORD, JWT_SECRET); berth only references secrets',
      'stringData: Secret carries a value in stringData (API_KEY); berth only references secrets',
    ]);
    expect(findings[0]).toMatchObject({
      check: 'secret-leak',
      file: FILE,
      object: 'Secret/rag/rag',
      fix: 'remove the Secret and reference the real one by name, or source it with an ExternalSecret (external-secrets.io/v1) or a SealedSecret',
    });
  });

  test('allows Secrets without values, SealedSecrets and ExternalSecrets', () => {
    const objects = [
      manifest({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/service-account-token', data: {} }),
      manifest({ apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', spec: { encryptedData: { JWT_SECRET: `AgB${TOKEN}${TOKEN}` } } }),
      manifest({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', spec: { data: [{ secretKey: 'JWT_SECRET', remoteRef: { key: 'rag/jwt' } }] } }),
    ];
    expect(checkLeaks(objects)).toEqual([]);
  });

  test('fails on a URL with a password in an env value', () => {
    const findings = checkLeaks([web([{ name: 'DATABASE_URL', value: DB_URL }])]);
    expect(findings.map((f) => `${f.path}: ${f.message}`)).toEqual([
      `${ENV0}: Env var DATABASE_URL of container "web" is a URL with a password in it (scheme://user:password@host): [redacted: a credential, 54 characters]`,
    ]);
    expect(findings[0].fix).toBe(
      'put the value in a Secret (ExternalSecret or SealedSecret in Git), mount it as a file and point DATABASE_URL_FILE at it, or use valueFrom.secretKeyRef',
    );
  });

  test('fails on an sk- API key in an env value', () => {
    expect(problems(web([{ name: 'LLM_SETTING', value: OPENAI_KEY }]))).toEqual([
      `${ENV0}: Env var LLM_SETTING of container "web" looks like an OpenAI/Anthropic-style API key (sk-…): [redacted: a credential, 35 characters]`,
    ]);
  });

  test('fails on a secret-named env var with a literal value', () => {
    expect(problems(web([{ name: 'JWT_SECRET', value: 'change-me' }]))).toEqual([
      `${ENV0}: Env var JWT_SECRET of container "web" has a secret's name and a literal value: [redacted: a credential, 9 characters]`,
    ]);
  });

  test('allows secret-named env vars from valueFrom or a _FILE path, and flags and numbers under such names', () => {
    const m = web([
      { name: 'JWT_SECRET', valueFrom: { secretKeyRef: { name: 'rag-secrets', key: 'jwt' } } },
      { name: 'JWT_SECRET_FILE', value: '/run/secrets/jwt_secret' },
      { name: 'ACCESS_TOKEN_TTL', value: '3600' },
      { name: 'REQUIRE_API_KEY', value: 'true' },
      { name: 'API_KEY', value: '' },
      { name: 'DB_PASSWORD', value: '$(POSTGRES_PASSWORD)' },
      { name: 'REDIS_URL', value: 'redis://redis:6379/0' },
    ]);
    expect(problems(m)).toEqual([]);
  });

  test('fails on a high-entropy token in an annotation or label, at object and pod-template level', () => {
    const m = web([]);
    m.object.metadata.annotations = { 'example.com/deploy-token': TOKEN, 'berth.dev/config-checksum': '3f2a9c0d1b7e4a55' };
    m.object.spec.template.metadata.labels.token = TOKEN;
    const findings = checkLeaks([m]);
    expect(findings.map((f) => `${f.path}: ${f.message}`)).toEqual([
      'metadata.annotations["example.com/deploy-token"]: Annotation example.com/deploy-token is a long high-entropy string (a key or token?): [redacted: a credential, 30 characters]',
      'spec.template.metadata.labels.token: Label token is a long high-entropy string (a key or token?): [redacted: a credential, 30 characters]',
    ]);
    expect(findings[0].fix).toBe('remove the credential: reference it from a Secret instead of writing it into the manifest');
  });

  test('allows content digests in annotations', () => {
    const m = web([]);
    m.object.metadata.annotations = { 'example.com/image-digest': 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' };
    expect(problems(m)).toEqual([]);
  });

  test('fails on ConfigMap values that are credentials or secret-named literals', () => {
    const m = manifest({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      data: { DATABASE_URL: DB_URL, GEMINI_API_KEY: 'stub-key', 'settings.ini': `[llm]\nkey = ${OPENAI_KEY}\n`, LOG_LEVEL: 'info' },
    });
    expect(problems(m)).toEqual([
      'data.DATABASE_URL: ConfigMap key DATABASE_URL is a URL with a password in it (scheme://user:password@host): [redacted: a credential, 54 characters]',
      `data.GEMINI_API_KEY: ConfigMap key GEMINI_API_KEY has a secret's name and a literal value: [redacted: a credential, 8 characters]`,
      'data["settings.ini"]: ConfigMap key settings.ini looks like an OpenAI/Anthropic-style API key (sk-…): [redacted: a credential, 48 characters]',
    ]);
  });

  test('fails on credentials in command or args, init containers included', () => {
    const m = web([]);
    m.object.spec.template.spec.initContainers = [{ name: 'wait', image: 'busybox:1.36', command: ['sh', '-c', `psql ${DB_URL} -c 'select 1'`] }];
    expect(problems(m)).toEqual([
      'spec.template.spec.initContainers[0].command[2]: Command 2 of container "wait" is a URL with a password in it (scheme://user:password@host): [redacted: a credential, 73 characters]',
    ]);
  });

  test('never prints a secret in full', () => {
    const m = web([
      { name: 'DATABASE_URL', value: DB_URL },
      { name: 'OPENAI_API_KEY', value: OPENAI_KEY },
    ]);
    m.object.metadata.annotations = { 'example.com/token': TOKEN };
    const text = JSON.stringify(checkLeaks([m, manifest({ kind: 'ConfigMap', data: { KEY: OPENAI_KEY } })]));
    for (const secret of [DB_URL, OPENAI_KEY, TOKEN, 'hunter2']) expect(text).not.toContain(secret);
    expect(text).not.toContain('sk-p');
    expect(text).toContain('[redacted: a credential, 35 characters]');
  });
});
