import { App, Chart } from 'cdk8s';
import { RELOADER_SECRET_ANNOTATION, SECRET_VERSION_ANNOTATION } from '../../../src/util/annotations';
import { SecretEnv, SecretEnvProps } from '../../../src/constructs/secrets/secret-env';

const processes = ['api', 'scheduler', 'nightly'];
const base: SecretEnvProps = { secretName: 'reporting-secrets', items: [{ name: 'SECRET_KEY' }], processes };

function secretEnv(props: SecretEnvProps): SecretEnv {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'test', { namespace: 'demo' });
  return new SecretEnv(chart, 'env', props);
}

describe('SecretEnv', () => {
  const minimal = secretEnv(base);
  const full = secretEnv({
    ...base,
    items: [
      { name: 'SECRET_KEY', key: 'secret_key' },
      { name: 'POSTGRES_DSN', key: 'postgres-dsn', consumers: ['api', 'nightly'] },
    ],
    version: 'fedcba9876543210',
    reloadOnChange: ['api', 'scheduler'],
  });

  test('minimal props', () => expect(Object.fromEntries(minimal.contributions)).toMatchSnapshot());
  test('full props', () => expect(Object.fromEntries(full.contributions)).toMatchSnapshot());

  test('secretKeyRef env vars named like the item, key defaulting to the lower-cased name', () => {
    expect(minimal.contributions.get('api')).toEqual({ env: [{ name: 'SECRET_KEY', secretKeyRef: { name: 'reporting-secrets', key: 'secret_key' } }] });
  });

  test('each process gets only the items it consumes', () => {
    const names = (p: string) => full.contributions.get(p)!.env!.map((e) => e.name);
    expect(names('api')).toEqual(['SECRET_KEY', 'POSTGRES_DSN']);
    expect(names('scheduler')).toEqual(['SECRET_KEY']);
    expect(names('nightly')).toEqual(['SECRET_KEY', 'POSTGRES_DSN']);
    expect(full.contributions.get('nightly')!.env![1]).toEqual({ name: 'POSTGRES_DSN', secretKeyRef: { name: 'reporting-secrets', key: 'postgres-dsn' } });
  });

  test('env is fixed at start: consumers roll on a change, long-running ones through Reloader', () => {
    expect(full.contributions.get('scheduler')!.annotations).toEqual({ [SECRET_VERSION_ANNOTATION]: 'fedcba9876543210', [RELOADER_SECRET_ANNOTATION]: 'reporting-secrets' });
    expect(full.contributions.get('nightly')!.annotations).toEqual({ [SECRET_VERSION_ANNOTATION]: 'fedcba9876543210' });
  });

  test('fails when an item is consumed by a process the service does not have', () => {
    expect(() => secretEnv({ ...base, items: [{ name: 'SECRET_KEY', consumers: ['worker'] }] })).toThrow(
      'SecretEnv: item SECRET_KEY lists consumer "worker", which is not a process of this service (known: api, nightly, scheduler)',
    );
  });
});
