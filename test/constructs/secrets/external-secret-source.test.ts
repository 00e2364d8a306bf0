import { ExternalSecretSource, ExternalSecretSourceProps } from '../../../src/constructs/secrets/external-secret-source';
import { validateSchema } from '../../../src/check/schema';
import { find, synthConstruct } from '../../helpers';

const base: ExternalSecretSourceProps = {
  name: 'rag-secrets',
  secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
  items: [{ name: 'JWT_SECRET', remoteKey: 'rag/app', property: 'jwt_secret' }],
};

const synth = (props: ExternalSecretSourceProps) => synthConstruct((c) => new ExternalSecretSource(c, 'source', props), 'rag');
const source = (props: ExternalSecretSourceProps) => {
  let s: ExternalSecretSource | undefined;
  synthConstruct((c) => (s = new ExternalSecretSource(c, 'source', props)), 'rag');
  return s!;
};

describe('ExternalSecretSource', () => {
  const fullProps: ExternalSecretSourceProps = {
    ...base,
    labels: { 'app.kubernetes.io/name': 'rag' },
    secretStoreRef: { name: 'team-store', kind: 'SecretStore' },
    refreshInterval: '15m',
    items: [
      { name: 'JWT_SECRET', remoteKey: 'rag/app', property: 'jwt_secret' },
      { name: 'DATABASE_URL', key: 'db-url', remoteKey: 'rag/database', property: 'url' },
      { name: 'REDIS_URL', remoteKey: 'rag/redis' },
    ],
    dotenv: true,
    syncWave: -3,
  };
  const minimal = synth(base);
  const full = synth(fullProps);

  test('minimal props', () => expect(minimal).toMatchSnapshot());
  test('full props', () => expect(full).toMatchSnapshot());

  test('is an external-secrets.io/v1 ExternalSecret that owns the Secret it names and keeps it when the store loses the key', () => {
    const es = find(minimal, 'ExternalSecret', 'rag-secrets');
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'ClusterSecretStore' });
    expect(es.spec.target).toEqual({ name: 'rag-secrets', creationPolicy: 'Owner', deletionPolicy: 'Retain' });
    expect(es.spec.refreshInterval).toBeUndefined();
  });

  test('maps each item key (the file name by default) to its remote key and property', () => {
    expect(find(full, 'ExternalSecret').spec.data).toEqual([
      { secretKey: 'jwt_secret', remoteRef: { key: 'rag/app', property: 'jwt_secret' } },
      { secretKey: 'db-url', remoteRef: { key: 'rag/database', property: 'url' } },
      { secretKey: 'redis_url', remoteRef: { key: 'rag/redis' } },
    ]);
    expect(find(full, 'ExternalSecret').spec.refreshInterval).toBe('15m');
  });

  test('syncs before the migration hook and the workloads, and skips the dry run while its CRD is missing', () => {
    expect(find(minimal, 'ExternalSecret').metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '-2',
      'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
    });
  });

  test('with dotenv, renders the items into one .env key with the v2 template engine', () => {
    const template = find(full, 'ExternalSecret').spec.target.template;
    expect(Object.keys(template)).toEqual(['data', 'engineVersion']);
    expect(template.engineVersion).toBe('v2');
    const lines = template.data['.env'].trimEnd().split('\n');
    expect(lines.map((l: string) => l.split('=')[0])).toEqual(['JWT_SECRET', 'DATABASE_URL', 'REDIS_URL']);
    expect(lines[1]).toContain('index . "db-url"');
  });

  test('validates against the ExternalSecret schema', () => {
    for (const objects of [minimal, full]) expect(validateSchema(objects.map((object) => ({ file: 'test', object })))).toEqual([]);
  });

  test('checksum follows the spec: same spec same checksum, any change a new one', () => {
    expect(source(base).checksum).toMatch(/^[0-9a-f]{16}$/);
    expect(source(base).checksum).toBe(source(base).checksum);
    expect(source({ ...base, items: [{ ...base.items[0], property: 'jwt' }] }).checksum).not.toBe(source(base).checksum);
    expect(source({ ...base, dotenv: true }).checksum).not.toBe(source(base).checksum);
  });

  test('writes no value anywhere: only references', () => {
    expect(minimal.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('fails when there are no items', () => {
    expect(() => synth({ ...base, items: [] })).toThrow('ExternalSecretSource: items is empty; list at least one secret item');
  });

  test('fails when an item has no remote key', () => {
    expect(() => synth({ ...base, items: [{ name: 'JWT_SECRET', remoteKey: '' }] })).toThrow(
      'ExternalSecretSource: item JWT_SECRET has no remoteKey; set the key of its value in the store',
    );
  });

  test('fails when, with dotenv, an item takes the .env key', () => {
    expect(() => synth({ ...base, dotenv: true, items: [{ name: 'ENV', key: '.env', remoteKey: 'x' }] })).toThrow(
      'ExternalSecretSource: item ENV uses the key ".env", which holds the rendered .env; give it another key',
    );
  });

  test('fails when two items read one key', () => {
    expect(() => synth({ ...base, items: [{ name: 'A', key: 'k', remoteKey: 'x' }, { name: 'B', key: 'k', remoteKey: 'y' }] })).toThrow(
      'ExternalSecretSource: items A and B both use the Secret key "k"; give each item its own key',
    );
  });
});
