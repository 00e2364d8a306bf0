import { SealedSecretSource, SealedSecretSourceProps } from '../../../src/constructs/secrets/sealed-secret-source';
import { validateSchema } from '../../../src/check/schema';
import { find, synthConstruct } from '../../helpers';

// Stand-ins for kubeseal output: base64 ciphertext, never a value.
const SEALED_A = 'AgBy3i4OJSWK+PiTySYZZA9rO43cGDEqAa1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU1vW2xY3z==';
const SEALED_B = 'AgCz9y8XW7vU6tS5rQ4pO3nM2lK1jI0hG9fE8dC7bA6zY5xW4vU3tS2rQ1pO0nM9lK8jI7h==';

const base: SealedSecretSourceProps = { name: 'rag-secrets', namespace: 'rag', items: [{ name: 'JWT_SECRET', encrypted: SEALED_A }] };
const synth = (props: SealedSecretSourceProps) => synthConstruct((c) => new SealedSecretSource(c, 'source', props), 'rag');

describe('SealedSecretSource', () => {
  const minimal = synth(base);
  const full = synth({
    ...base,
    labels: { 'app.kubernetes.io/name': 'rag' },
    scope: 'namespace-wide',
    items: [
      { name: 'JWT_SECRET', encrypted: SEALED_A },
      { name: 'DATABASE_URL', key: 'db-url', encrypted: SEALED_B },
    ],
    dotenv: true,
    syncWave: -5,
  });

  test('minimal props', () => expect(minimal).toMatchSnapshot());
  test('full props', () => expect(full).toMatchSnapshot());

  test('is a bitnami.com/v1alpha1 SealedSecret with one encrypted value per item key', () => {
    const ss = find(minimal, 'SealedSecret', 'rag-secrets');
    expect(ss.apiVersion).toBe('bitnami.com/v1alpha1');
    expect(ss.metadata.namespace).toBe('rag');
    expect(ss.spec.encryptedData).toEqual({ jwt_secret: SEALED_A });
    expect(find(full, 'SealedSecret').spec.encryptedData).toEqual({ jwt_secret: SEALED_A, 'db-url': SEALED_B });
  });

  test('the template names the Secret it becomes: same name, namespace and labels', () => {
    expect(find(minimal, 'SealedSecret').spec.template).toEqual({ metadata: { name: 'rag-secrets', namespace: 'rag' }, type: 'Opaque' });
    expect(find(full, 'SealedSecret').spec.template.metadata).toEqual({
      name: 'rag-secrets',
      namespace: 'rag',
      labels: { 'app.kubernetes.io/name': 'rag' },
      annotations: { 'sealedsecrets.bitnami.com/namespace-wide': 'true' },
    });
  });

  test.each([
    ['strict', {}],
    ['namespace-wide', { 'sealedsecrets.bitnami.com/namespace-wide': 'true' }],
    ['cluster-wide', { 'sealedsecrets.bitnami.com/cluster-wide': 'true' }],
  ] as const)('scope %s is declared on the object and its template as kubeseal does', (scope, annotations) => {
    const ss = find(synth({ ...base, scope }), 'SealedSecret');
    expect(ss.metadata.annotations).toEqual({
      'argocd.argoproj.io/sync-wave': '-2',
      'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true',
      ...annotations,
    });
    expect(ss.spec.template.metadata.annotations).toEqual(Object.keys(annotations).length ? annotations : undefined);
  });

  test('with dotenv, the controller renders a .env key from the decrypted values', () => {
    const data = find(full, 'SealedSecret').spec.template.data;
    expect(Object.keys(data)).toEqual(['.env']);
    expect(data['.env']).toContain(`JWT_SECRET='{{ index . "jwt_secret"`);
    expect(data['.env']).toContain(`DATABASE_URL='{{ index . "db-url"`);
  });

  test('validates against the SealedSecret schema', () => {
    // @kubernetes-models/sealed-secrets predates spec.template.data (sealed-secrets 0.16); the
    // CRD a cluster serves has it, and the full object passes the API server's own OpenAPI.
    const findings = (objects: any[]) => validateSchema(objects.map((object) => ({ file: 'test', object }))).filter((f) => f.path !== 'spec.template.data');
    expect(findings(minimal)).toEqual([]);
    expect(findings(full)).toEqual([]);
  });

  test('writes no plaintext Secret', () => {
    expect([...minimal, ...full].filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('fails when there are no items', () => {
    expect(() => synth({ ...base, items: [] })).toThrow('SealedSecretSource: items is empty; list at least one secret item');
  });

  test('fails when an item has no encrypted value', () => {
    expect(() => synth({ ...base, items: [{ name: 'JWT_SECRET', encrypted: '' }] })).toThrow(
      'SealedSecretSource: item JWT_SECRET has no encrypted value; seal it with kubeseal --raw --name rag-secrets --namespace rag',
    );
  });

  test('fails when, with dotenv, an item takes the .env key', () => {
    expect(() => synth({ ...base, dotenv: true, items: [{ name: 'ENV', key: '.env', encrypted: SEALED_A }] })).toThrow(
      'SealedSecretSource: item ENV uses the key ".env", which holds the rendered .env; give it another key',
    );
  });
});
