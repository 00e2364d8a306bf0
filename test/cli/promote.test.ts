/**
 * `berth promote` and `berth set-image` (the CLI's `run`, in this process; test/bad-inputs runs
 * a refused promote through the real CLI): they edit only the image keys of
 * the specs (comments and formatting kept), print the diff a synth would make, write nothing
 * when nothing changes, and refuse what the schema refuses with every file left as it was.
 */
import * as fs from 'fs';
import * as path from 'path';
import { berthInProcess, hashTree, tempRepo } from '../helpers';

const read = (repo: string, rel: string) => fs.readFileSync(path.join(repo, rel), 'utf8');

/** A second promote of a service from staging to prod says so, and changes nothing in the repository. */
async function expectPromotedAlready(repo: string, service: string): Promise<void> {
  const before = hashTree(repo);
  const again = await berthInProcess(repo, 'promote', service, '--from', 'staging', '--to', 'prod');
  expect(again).toEqual({ code: 0, stdout: `berth promote: prod already runs the images staging runs for ${service}; nothing changed.\n`, stderr: '' });
  expect(hashTree(repo)).toEqual(before);
}

describe('berth promote', () => {
  test("copies staging's images into the prod overlay, keeps its comments, and prints berth diff --env prod", async () => {
    const repo = tempRepo();
    const staging = read(repo, 'charts/rag/staging.yaml');
    fs.writeFileSync(path.join(repo, 'charts/rag/staging.yaml'), `${staging}image: registry.example.com/rag-backend:1.5.0\nworkers:\n  worker: { image: registry.example.com/rag-worker:1.5.1 }\n`);
    const prod = read(repo, 'charts/rag/prod.yaml');
    const r = await berthInProcess(repo, 'promote', 'rag', '--from', 'staging', '--to', 'prod');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.split('\n').slice(0, 4)).toEqual([
      'charts/rag/prod.yaml: image: registry.example.com/rag-backend:1.4.2 → registry.example.com/rag-backend:1.5.0',
      'charts/rag/prod.yaml: workers.worker.image: registry.example.com/rag-backend:1.4.2 → registry.example.com/rag-worker:1.5.1',
      '',
      '$ berth diff --env prod',
    ]);
    expect(r.stdout).toContain('#### prod · rag: 0 added, 4 changed, 0 removed');
    expect(r.stdout).toContain('`spec.template.spec.containers[worker].image`: `registry.example.com/rag-backend:1.4.2` → `registry.example.com/rag-worker:1.5.1`');
    expect(read(repo, 'charts/rag/prod.yaml')).toBe(
      prod
        .replace('  worker: { replicas: 2 }', '  worker: { replicas: 2, image: registry.example.com/rag-worker:1.5.1 }')
        .concat('image: registry.example.com/rag-backend:1.5.0\n'),
    );
    // Only the overlay changed; dist/ is the synth's job.
    await expectPromotedAlready(repo, 'rag');
  });

  test('creates the overlay when the target environment has none', async () => {
    const repo = tempRepo();
    fs.rmSync(path.join(repo, 'charts/fluxion/prod.yaml'));
    fs.appendFileSync(path.join(repo, 'charts/fluxion/staging.yaml'), 'image: registry.example.com/fluxion00api:1.9.0\n');
    expect((await berthInProcess(repo, 'promote', 'fluxion', '--from', 'staging', '--to', 'prod')).code).toBe(0);
    expect(read(repo, 'charts/fluxion/prod.yaml')).toBe('# yaml-language-server: $schema=../../schema/service-overlay.schema.json\nimage: registry.example.com/fluxion00api:1.9.0\n');
  });
});

describe('berth promote: sidecars and init containers', () => {
  const COLLECTOR = 'otel/opentelemetry-collector-contrib';

  test("copies staging's sidecar and init-container images into prod, the service's and a process's own, and prints each", async () => {
    const repo = tempRepo();
    // ledger's staging overlay already runs the collector 0.117.0 (prod: the service's 0.116.1).
    expect(read(repo, 'charts/ledger/staging.yaml')).toContain(`otel-collector: { image: ${COLLECTOR}:0.117.0 }`);
    fs.appendFileSync(path.join(repo, 'charts/ledger/staging.yaml'), 'initContainers:\n  wait-for-db: { image: postgres:17.3-alpine }\n');
    // prod's worker declares a collector of its own (an older one): its own key is the one to move.
    const ownCollector = `workers:\n  worker:\n    sidecars:\n      # pinned while the spot pool is tested\n      otel-collector: { image: ${COLLECTOR}:0.115.0, args: [--config=/etc/otelcol-contrib/config.yaml], mounts: [otel-collector-config] }\n`;
    fs.appendFileSync(path.join(repo, 'charts/ledger/prod.yaml'), ownCollector);
    const prod = read(repo, 'charts/ledger/prod.yaml');
    const r = await berthInProcess(repo, 'promote', 'ledger', '--from', 'staging', '--to', 'prod');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.split('\n').slice(0, 5)).toEqual([
      'charts/ledger/prod.yaml: initContainers.wait-for-db.image: postgres:17.2-alpine → postgres:17.3-alpine',
      `charts/ledger/prod.yaml: sidecars.otel-collector.image: ${COLLECTOR}:0.116.1 → ${COLLECTOR}:0.117.0`,
      `charts/ledger/prod.yaml: workers.worker.sidecars.otel-collector.image: ${COLLECTOR}:0.115.0 → ${COLLECTOR}:0.117.0`,
      '',
      '$ berth diff --env prod',
    ]);
    // berth diff compares with dist/, where both processes still run the service's 0.116.1.
    expect(r.stdout).toContain(`\`spec.template.spec.initContainers[otel-collector].image\`: \`${COLLECTOR}:0.116.1\` → \`${COLLECTOR}:0.117.0\``);
    expect(r.stdout).toContain('`spec.template.spec.initContainers[wait-for-db].image`: `postgres:17.2-alpine` → `postgres:17.3-alpine`');
    expect(read(repo, 'charts/ledger/prod.yaml')).toBe(
      `${prod.replace(`${COLLECTOR}:0.115.0`, `${COLLECTOR}:0.117.0`)}initContainers:\n  wait-for-db:\n    image: postgres:17.3-alpine\nsidecars:\n  otel-collector:\n    image: ${COLLECTOR}:0.117.0\n`,
    );
    await expectPromotedAlready(repo, 'ledger');
  });

  test("says what to copy by hand when the source process declares its own container and the target's takes the service's", async () => {
    const repo = tempRepo();
    fs.appendFileSync(
      path.join(repo, 'charts/ledger/staging.yaml'),
      `workers:\n  worker:\n    sidecars:\n      otel-collector: { image: ${COLLECTOR}:0.118.0, args: [--config=/etc/otelcol-contrib/config.yaml], mounts: [otel-collector-config] }\n`,
    );
    // prod already runs staging's service-level collector: the worker's own is all that differs.
    fs.appendFileSync(path.join(repo, 'charts/ledger/prod.yaml'), `sidecars:\n  otel-collector: { image: ${COLLECTOR}:0.117.0 }\n`);
    const before = hashTree(repo);
    const r = await berthInProcess(repo, 'promote', 'ledger', '--from', 'staging', '--to', 'prod');
    expect(r).toEqual({
      code: 0,
      stdout:
        "berth promote: nothing staging runs for ledger can be copied into prod's overlay image by image; nothing changed.\n" +
        `note: prod workers.worker runs otel-collector ${COLLECTOR}:0.117.0 (from sidecars.otel-collector), staging ${COLLECTOR}:0.118.0 (from workers.worker.sidecars.otel-collector): copy workers.worker.sidecars.otel-collector into charts/ledger/prod.yaml by hand to promote it\n`,
      stderr: '',
    });
    expect(hashTree(repo)).toEqual(before);
  });
});

describe('berth set-image', () => {
  /**
   * One copy of the repository for the runs that must change nothing (each test proves it did
   * not), and its hashes taken once.
   */
  let unchanged: string;
  let pristine: Record<string, string>;
  beforeAll(() => {
    unchanged = tempRepo();
    pristine = hashTree(unchanged);
  });

  test('sets one process image in the base spec, in place, and prints berth diff', async () => {
    const repo = tempRepo();
    const spec = read(repo, 'charts/rag/service.yaml');
    const r = await berthInProcess(repo, 'set-image', 'rag', 'registry.example.com/rag-frontend:1.4.3', '--process', 'frontend');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.split('\n').slice(0, 3)).toEqual(['charts/rag/service.yaml: web.frontend.image: registry.example.com/rag-frontend:1.4.2 → registry.example.com/rag-frontend:1.4.3', '', '$ berth diff']);
    expect(r.stdout).toContain('#### prod · rag: 0 added, 1 changed, 0 removed');
    expect(r.stdout).toContain('#### staging · rag: 0 added, 1 changed, 0 removed');
    expect(read(repo, 'charts/rag/service.yaml')).toBe(spec.replace('image: registry.example.com/rag-frontend:1.4.2', 'image: registry.example.com/rag-frontend:1.4.3'));
  });

  test("says so when an overlay's own image still wins over the base spec's", async () => {
    const repo = tempRepo();
    fs.appendFileSync(path.join(repo, 'charts/rag/prod.yaml'), 'image: registry.example.com/rag-backend:1.4.3\n');
    const r = await berthInProcess(repo, 'set-image', 'rag', 'registry.example.com/rag-backend:1.5.0');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      'charts/rag/service.yaml: image: registry.example.com/rag-backend:1.4.2 → registry.example.com/rag-backend:1.5.0',
      'note: prod still runs registry.example.com/rag-backend:1.4.3: charts/rag/prod.yaml sets it (add --env prod to change it there)',
    ]);
    expect(r.stdout).toContain('#### staging · rag: 0 added, 4 changed, 0 removed');
  });

  test('writes nothing when the environment already runs the image', async () => {
    const repo = unchanged;
    const before = pristine;
    const r = await berthInProcess(repo, 'set-image', 'rag', 'registry.example.com/rag-backend:1.4.2', '--env', 'prod');
    expect(r).toEqual({ code: 0, stdout: 'berth set-image: rag already runs registry.example.com/rag-backend:1.4.2 in prod; nothing changed.\n', stderr: '' });
    expect(hashTree(repo)).toEqual(before);
  });

  test.each([
    [['registry.example.com/rag-backend:latest'], 'charts/rag/service.yaml', 'image', '"registry.example.com/rag-backend:latest" must not use the "latest" tag: pin a version so a sync is reproducible'],
    [['registry.example.com/rag-backend', '--env', 'prod'], 'charts/rag/prod.yaml', 'image', '"registry.example.com/rag-backend" must be an image reference with a tag or digest, such as registry.example.com/app:1.4.2'],
  ])('fails when the image is %j, naming the file and field and changing nothing', async (args, file, field, message) => {
    const repo = unchanged;
    const before = pristine;
    const r = await berthInProcess(repo, 'set-image', 'rag', ...args);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual(expect.arrayContaining([file, `  ✖ ${message}`, `    → at ${field}`]));
    expect(hashTree(repo)).toEqual(before);
  });

  test('--container sets a sidecar of the service in the base spec, and with --process a process\'s own in an overlay', async () => {
    const repo = tempRepo();
    const spec = read(repo, 'charts/ledger/service.yaml');
    const r = await berthInProcess(repo, 'set-image', 'ledger', 'otel/opentelemetry-collector-contrib:0.117.0', '--container', 'otel-collector');
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'charts/ledger/service.yaml: sidecars.otel-collector.image: otel/opentelemetry-collector-contrib:0.116.1 → otel/opentelemetry-collector-contrib:0.117.0',
      '',
      '$ berth diff',
    ]);
    expect(read(repo, 'charts/ledger/service.yaml')).toBe(spec.replace('image: otel/opentelemetry-collector-contrib:0.116.1', 'image: otel/opentelemetry-collector-contrib:0.117.0'));
    // The migration leaves the collector out (`false`): it is no process's own there.
    fs.appendFileSync(path.join(repo, 'charts/ledger/prod.yaml'), 'workers:\n  worker:\n    initContainers:\n      wait-for-db: { image: postgres:17.2-alpine, command: [pg_isready] }\n');
    const own = await berthInProcess(repo, 'set-image', 'ledger', 'postgres:17.3-alpine', '--container', 'wait-for-db', '--process', 'worker', '--env', 'prod');
    expect({ code: own.code, stderr: own.stderr }).toEqual({ code: 0, stderr: '' });
    expect(own.stdout.split('\n')[0]).toBe('charts/ledger/prod.yaml: workers.worker.initContainers.wait-for-db.image: postgres:17.2-alpine → postgres:17.3-alpine');
    expect(read(repo, 'charts/ledger/prod.yaml')).toContain('      wait-for-db: { image: postgres:17.3-alpine, command: [pg_isready] }\n');
  });

  test.each([
    [['--container', 'otel'], '', 'Service "ledger" has no init container or sidecar "otel"', '--container takes one of: wait-for-db (initContainers.wait-for-db), otel-collector (sidecars.otel-collector); add --process P for a process\'s own'],
    [['--container', 'otel-collector', '--process', 'api'], 'web.api', 'Service "ledger" has no init container or sidecar "otel-collector" of process "api"', "otel-collector is the service's (sidecars.otel-collector), not api's own: leave out --process to set it for every process that runs it"],
  ])('refuses a container that is not there (%j) with the names that are, changing nothing', async (args, at, message, fix) => {
    const repo = unchanged;
    const before = pristine;
    const r = await berthInProcess(repo, 'set-image', 'ledger', 'otel/opentelemetry-collector-contrib:0.117.0', ...args);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual(expect.arrayContaining(['charts/ledger/service.yaml', `  ✖ ${message}`, ...(at ? [`    → at ${at}`] : []), `    → fix: ${fix}`]));
    expect(hashTree(repo)).toEqual(before);
  });

  test('--container refuses an unpinned image with the schema\'s rule, at the container\'s key', async () => {
    const repo = unchanged;
    const before = pristine;
    const r = await berthInProcess(repo, 'set-image', 'ledger', 'postgres:latest', '--container', 'wait-for-db', '--env', 'prod');
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')).toEqual(expect.arrayContaining(['charts/ledger/prod.yaml', '  ✖ "postgres:latest" must not use the "latest" tag: pin a version so a sync is reproducible', '    → at initContainers.wait-for-db.image']));
    expect(hashTree(repo)).toEqual(before);
  });
});
