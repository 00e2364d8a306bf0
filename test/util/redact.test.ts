/**
 * The redaction every printed message goes through: credential shapes in any text, and the
 * values a spec holds where only a reference belongs.
 */
import { formatFindings } from '../../src/check/format';
import { credentialSpans } from '../../src/util/credentials';
import { describeSecret, forgetSecrets, redact, rememberedSecrets, rememberSecrets, secretKind } from '../../src/util/redact';

afterEach(() => forgetSecrets());

describe('redact', () => {
  test('replaces the password of a URL by its kind and length, and keeps the rest of the URL', () => {
    expect(redact('got "postgresql://rag:S3cretPassw0rd@db:5432/rag"')).toBe('got "postgresql://rag:[redacted: a password in a URL, 14 characters]@db:5432/rag"');
  });

  test('replaces well-known key formats wherever they stand', () => {
    const token = `ghp_${'a1B2'.repeat(9)}`;
    expect(redact(`token ${token} leaked`)).toBe(`token [redacted: a GitHub token, ${token.length} characters] leaked`);
    expect(redact('-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----')).toBe('[redacted: a PEM private key, 66 characters]');
  });

  test('keeps placeholders and expansions: they are not passwords', () => {
    for (const text of ['scheme://user:password@host', 'postgres://app:${DB_PASSWORD}@db/app', 'redis://u:$(cat /run/secrets/p)@r', 'https://u:<password>@h']) {
      expect(redact(text)).toBe(text);
    }
  });

  test('leaves digests and checksums alone (long random tokens are remembered by value instead)', () => {
    const digest = 'sha256:0f8e4b7c2d9a1e3f5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2';
    expect(redact(`image: app@${digest}`)).toBe(`image: app@${digest}`);
  });

  test('replaces every value a spec holds where a reference belongs, also JSON-escaped', () => {
    rememberSecrets({ secrets: { items: { DB: 'hunter2"hunter2' } } });
    expect(redact('got "hunter2"hunter2"')).toBe(`got "${describeSecret('hunter2"hunter2')}"`);
    expect(redact(JSON.stringify({ message: 'got hunter2"hunter2' }))).toBe(JSON.stringify({ message: 'got [redacted: a secret value, 15 characters]' }));
  });
});

describe('rememberSecrets', () => {
  test('remembers values under secrets that are not references, values under secret-looking names, and credential-shaped keys', () => {
    rememberSecrets({
      name: 'shop',
      env: { API_TOKEN: 'tok3n-value', LOG_LEVEL: 'debug', SECRET_FILE: '/run/secrets/secret' },
      web: { api: { env: { 'postgres://u:pw123456@h': 'x' } } },
      secrets: {
        source: { externalSecret: { store: 'vault-store' } },
        mountPath: '/run/secrets',
        items: {
          A: 'plain-value-1',
          B: { remoteKey: 'shop/app', property: 'password', consumers: ['backend'], value: 'plain-value-2' },
          C: { encrypted: 'AgBxxxxxxxxxxxxxxxxxxxxx', key: 'jwt-key' },
        },
      },
      cron: { jobs: { report: { env: { PASSWORD: 123456 } } } },
    });
    expect(rememberedSecrets()).toEqual(['123456', 'plain-value-1', 'plain-value-2', 'postgres://u:pw123456@h', 'tok3n-value']);
  });

  test('does not remember short values: redacting every "on" would make messages unreadable', () => {
    rememberSecrets({ env: { PASSWORD: 'abc' } });
    expect(rememberedSecrets()).toEqual([]);
  });

  test('remembers no taint or label key of a toleration, an affinity term or a spread constraint (berth explain prints them)', () => {
    rememberSecrets({
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }],
      workers: { worker: { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'node.kubernetes.io/instance-type', operator: 'Exists' }] } }] } } } },
      topologySpreadConstraints: [{ labelSelector: { matchExpressions: [{ key: 'app.kubernetes.io/instance', operator: 'Exists' }] } }],
      env: { SIGNING_KEY: 'still-a-secret' },
    });
    expect(rememberedSecrets()).toEqual(['still-a-secret']);
  });

  test('remembers nothing of the reference systems', () => {
    rememberSecrets({ secrets: { source: { existingSecret: 'app' }, delivery: 'files', items: { JWT_SECRET: { remoteKey: 'rag/app', property: 'jwt_secret', consumers: ['backend', 'worker'] } } } });
    expect(rememberedSecrets()).toEqual([]);
  });
});

describe('secretKind', () => {
  test('says what kind of secret a value at a path is', () => {
    expect(secretKind(['secrets', 'items', 'DB'], 'x')).toBe('a value under secrets');
    expect(secretKind(['secrets', 'items', 'DB', 'remoteKey'], 'x')).toBeUndefined();
    expect(secretKind(['env', 'DB_PASSWORD'], 'x')).toBe('a value under a secret-looking name');
    expect(secretKind(['env', 'DB_PASSWORD_FILE'], '/run/secrets/db')).toBeUndefined();
    expect(secretKind(['description'], 'mysql://u:p4ssw0rd@h/db')).toBe('a credential');
    expect(secretKind(['description'], 'a shop')).toBeUndefined();
  });
});

describe('credentialSpans', () => {
  test('finds each credential once, also when two shapes overlap', () => {
    const key = `sk-${'A1b2'.repeat(6)}`;
    const text = `https://user:${key}@host and ${key}`;
    expect(credentialSpans(text).map((s) => [text.slice(s.start, s.end), s.kind])).toEqual([
      [key, 'an OpenAI/Anthropic-style API key (sk-…)'],
      [key, 'an OpenAI/Anthropic-style API key (sk-…)'],
    ]);
  });
});

describe('formatFindings', () => {
  test('redacts credentials and remembered values in text and in JSON', () => {
    rememberSecrets({ env: { API_TOKEN: 'tok3n-value' } });
    const findings = [{ check: 'secret-leak' as const, file: 'x.yaml', object: 'ConfigMap/a/b', path: 'data.URL', message: 'URL mysql://u:p4ssw0rd@db/app and "tok3n-value"', fix: 'remove tok3n-value' }];
    expect(formatFindings(findings, 'text')).toBe(
      'x.yaml\n  ConfigMap/a/b\n    secret-leak: data.URL: URL mysql://u:[redacted: a password in a URL, 8 characters]@db/app and "[redacted: a secret value, 11 characters]" (fix: remove [redacted: a secret value, 11 characters])\n\n1 problem in 1 object\n',
    );
    expect(formatFindings(findings, 'json')).not.toMatch(/p4ssw0rd|tok3n-value/);
  });
});
