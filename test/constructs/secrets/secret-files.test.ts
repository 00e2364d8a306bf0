import { Chart, App } from 'cdk8s';
import { RELOADER_SECRET_ANNOTATION, SECRET_VERSION_ANNOTATION } from '../../../src/util/annotations';
import { SecretFiles, SecretFilesProps } from '../../../src/constructs/secrets/secret-files';
import { renderPodTemplate } from '../../../src/constructs/workloads/pod';

const processes = ['backend', 'frontend', 'worker', 'migrate', 'retention'];
const base: SecretFilesProps = { secretName: 'rag-secrets', items: [{ name: 'JWT_SECRET' }], processes };

function secretFiles(props: SecretFilesProps): SecretFiles {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'test', { namespace: 'demo' });
  return new SecretFiles(chart, 'files', props);
}

/** The contributions as a plain object, for snapshots. */
const plain = (f: SecretFiles) => Object.fromEntries(f.contributions);

/** A pod as a workload would render it with the contribution of one process. */
const pod = (f: SecretFiles, process: string) =>
  renderPodTemplate({
    labels: { app: process },
    serviceAccountName: 'demo',
    security: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
    container: { name: process, image: 'registry.example.com/demo:1.0.0', resources: { cpu: '100m', memory: '128Mi' } },
    contributions: [f.contributions.get(process)!],
  });

describe('SecretFiles', () => {
  const minimal = secretFiles(base);
  const full = secretFiles({
    ...base,
    mountPath: '/var/run/app-secrets',
    items: [
      { name: 'JWT_SECRET', consumers: ['backend', 'worker'] },
      { name: 'GEMINI_API_KEY', file: 'gemini', key: 'gemini-api-key', consumers: ['backend', 'worker'] },
      { name: 'DATABASE_URL', consumers: ['backend', 'worker', 'migrate', 'retention'] },
    ],
    version: '0123456789abcdef',
    reloadOnChange: ['backend', 'frontend', 'worker'],
  });

  test('minimal props', () => expect(plain(minimal)).toMatchSnapshot());
  test('full props', () => expect(plain(full)).toMatchSnapshot());

  test('every process gets every item by default, as /run/secrets/<lower-cased name> and NAME_FILE', () => {
    expect([...minimal.contributions.keys()]).toEqual(processes);
    const c = pod(minimal, 'migrate').spec!.containers[0];
    expect(c.env).toEqual([{ name: 'JWT_SECRET_FILE', value: '/run/secrets/jwt_secret' }]);
    expect(c.volumeMounts).toContainEqual({ name: 'secrets', mountPath: '/run/secrets', readOnly: true, subPath: undefined });
  });

  test('one read-only secret volume per process, projecting only the items it consumes, group-readable, no subPath', () => {
    const worker = pod(full, 'worker');
    const migrate = pod(full, 'migrate');
    const secretVolumes = (p: typeof worker) => p.spec!.volumes!.filter((v) => v.secret);
    expect(secretVolumes(worker)).toEqual([
      {
        name: 'secrets',
        secret: {
          secretName: 'rag-secrets',
          defaultMode: 0o440,
          items: [
            { key: 'jwt_secret', path: 'jwt_secret' },
            { key: 'gemini-api-key', path: 'gemini' },
            { key: 'database_url', path: 'database_url' },
          ],
        },
      },
    ]);
    expect(secretVolumes(migrate)[0].secret!.items).toEqual([{ key: 'database_url', path: 'database_url' }]);
    for (const p of [worker, migrate]) {
      const mount = p.spec!.containers[0].volumeMounts!.find((m) => m.name === 'secrets');
      expect(mount).toEqual({ name: 'secrets', mountPath: '/var/run/app-secrets', readOnly: true, subPath: undefined });
    }
    expect(migrate.spec!.containers[0].env).toEqual([{ name: 'DATABASE_URL_FILE', value: '/var/run/app-secrets/database_url' }]);
  });

  test('a process that consumes nothing gets nothing', () => {
    expect(full.contributions.has('frontend')).toBe(false);
    expect([...full.contributions.keys()]).toEqual(['backend', 'worker', 'migrate', 'retention']);
  });

  test('rolls consumers on a definition change; Reloader only on the long-running ones', () => {
    expect(full.contributions.get('backend')!.annotations).toEqual({ [SECRET_VERSION_ANNOTATION]: '0123456789abcdef', [RELOADER_SECRET_ANNOTATION]: 'rag-secrets' });
    expect(full.contributions.get('migrate')!.annotations).toEqual({ [SECRET_VERSION_ANNOTATION]: '0123456789abcdef' });
    expect(minimal.contributions.get('backend')!.annotations).toBeUndefined();
  });

  test('pathOf gives the file path in the container', () => {
    expect(full.pathOf(full.items[1])).toBe('/var/run/app-secrets/gemini');
  });

  test('fails when an item is consumed by a process the service does not have', () => {
    expect(() => secretFiles({ ...base, items: [{ name: 'JWT_SECRET', consumers: ['backend', 'scheduler'] }] })).toThrow(
      'SecretFiles: item JWT_SECRET lists consumer "scheduler", which is not a process of this service (known: backend, frontend, migrate, retention, worker)',
    );
  });

  test('fails when an item has an empty consumers list', () => {
    expect(() => secretFiles({ ...base, items: [{ name: 'JWT_SECRET', consumers: [] }] })).toThrow(
      'SecretFiles: item JWT_SECRET has an empty consumers list, so no process would get it; list the processes that read it, or omit consumers for all of them',
    );
  });

  test('fails when two items land on one file', () => {
    expect(() => secretFiles({ ...base, items: [{ name: 'JWT_SECRET' }, { name: 'OLD_JWT', file: 'jwt_secret', key: 'old_jwt' }] })).toThrow(
      'SecretFiles: items JWT_SECRET and OLD_JWT both use the file name "jwt_secret"; give each item its own file',
    );
  });

  test('fails when two items read one key', () => {
    expect(() => secretFiles({ ...base, items: [{ name: 'A', key: 'shared' }, { name: 'B', key: 'shared' }] })).toThrow(
      'SecretFiles: items A and B both use the Secret key "shared"; give each item its own key',
    );
  });

  test('fails when a file name would escape the directory or shadow the kubelet entries', () => {
    expect(() => secretFiles({ ...base, items: [{ name: 'A', file: '../etc/passwd' }] })).toThrow(
      'SecretFiles: item A has file "../etc/passwd", which is not a plain file name; use letters, digits, ".", "_" and "-", no "/" and no leading ".."',
    );
    expect(() => secretFiles({ ...base, items: [{ name: 'A', file: '..data' }] })).toThrow('item A has file "..data", which is not a plain file name');
  });

  test('fails when a key is not a valid Secret key', () => {
    expect(() => secretFiles({ ...base, items: [{ name: 'A', key: 'db url' }] })).toThrow(
      'SecretFiles: item A has key "db url", which is not a valid Secret key; use letters, digits, ".", "_" and "-"',
    );
  });

  test('fails when an item name is not an env var name', () => {
    expect(() => secretFiles({ ...base, items: [{ name: 'JWT-SECRET' }] })).toThrow(
      'SecretFiles: item name "JWT-SECRET" is not an environment variable name; use letters, digits and "_", not starting with a digit',
    );
  });

  test('fails when the mount path is not a plain absolute directory', () => {
    for (const mountPath of ['/', 'run/secrets', '/run/secrets/', '/run/../etc']) {
      expect(() => secretFiles({ ...base, mountPath })).toThrow(
        `SecretFiles: mountPath "${mountPath}" must be an absolute directory other than "/", without a trailing slash or "." / ".." segments, e.g. /run/secrets`,
      );
    }
  });

  test('fails when reloadOnChange names an unknown process', () => {
    expect(() => secretFiles({ ...base, reloadOnChange: ['web'] })).toThrow(
      'SecretFiles: reloadOnChange lists "web", which is not a process of this service (known: backend, frontend, migrate, retention, worker)',
    );
  });
});
