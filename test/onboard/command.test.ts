import * as yaml from 'js-yaml';
import { buildOutput, unitChecker } from '../../src/app';
import { validateSchema } from '../../src/check/schema';
import { newCommand } from '../../src/onboard/command';
import { findSecretLiterals, loadProject } from '../../src/spec/load';
import { ServiceSpec } from '../../src/spec/schema';
import { berthYaml, chartFiles, fixture, memoryIo, MemoryIo } from './memory-io';

/** Every secret value in the fixtures: none may appear in anything berth new writes or prints. */
const SECRET_VALUES = [
  // fluxion/.env
  '9f8e7d6c5b4a39281706f5e4d3c2b1a098f7e6d5',
  'ollama-7Hq2Lx9Vb4Nm8Kc3Zr6Tw1Yp5Sd0Gf',
  'sk-proj-Xa91Lm2Qz7Rt4Vb8Nc3Kd6Hf0Jg5Ws1Ey',
  'Wq8Zt3Lp9Rm2',
  // reporting/reporting-api.env
  'c2f1e0d9b8a7f6e5d4c3b2a1908f7e6d5c4b3a29',
  'Hy6Tn2Vq8Lz4',
  // rag/backend.env
  'AIzaSyD4fake9Kq2Lm7Np3Rs8Tv1Wx6Yz0Ab5Cd3E',
];

/** Runs berth new, then synthesizes and checks what it wrote; returns everything to scan. */
async function runAndSynth(argv: string[], io: MemoryIo = memoryIo()) {
  const result = await newCommand(argv, io);
  expect(result).toMatchObject({ code: 0, stderr: '' });
  const project = loadProject(berthYaml(), chartFiles(io));
  // Exactly what `npm run synth` does: every check (schema, Pod Security, guardrails in prod, leaks).
  const output = buildOutput(project, { check: unitChecker(validateSchema) });
  expect(output.findings).toEqual([]);
  return { result, io, project, output };
}

/** {@link runAndSynth} once, on first use, for a group of tests that only read what it wrote, printed and read. */
function once<T>(run: () => Promise<T>): () => Promise<T> {
  let result: Promise<T> | undefined;
  return () => (result ??= run());
}

function expectNoSecretValues(texts: readonly string[]): void {
  for (const text of texts) for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
}

function writtenSpec(io: MemoryIo, service: string): any {
  return yaml.load(io.written().get(`charts/${service}/service.yaml`)!);
}

describe('berth new', () => {
  test('the fixtures hold every secret value the leak tests look for', () => {
    const all = ['fluxion/.env', 'reporting/reporting-api.env', 'rag/backend.env'].map(fixture).join('\n');
    for (const secret of SECRET_VALUES) expect(all).toContain(secret);
  });

  test('from scratch, flags only: a valid spec with a pinned placeholder image and next steps', async () => {
    const prompt = jest.fn();
    const io = memoryIo();
    Object.assign(io, { prompt });
    const { result, project, output } = await runAndSynth(['demo'], io);
    expect(prompt).not.toHaveBeenCalled();
    expect([...io.written().keys()]).toEqual(['charts/demo/prod.yaml', 'charts/demo/service.yaml', 'charts/demo/staging.yaml']);
    const text = io.written().get('charts/demo/service.yaml')!;
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/service.schema.json');
    expect(io.written().get('charts/demo/staging.yaml')!.split('\n')[0]).toBe('# yaml-language-server: $schema=../../schema/service-overlay.schema.json');
    expect(text).toContain('image: registry.example.com/demo:0.1.0  # TODO: a placeholder, set your registry, image and version');
    const spec = ServiceSpec.parse(writtenSpec(io, 'demo'));
    expect(spec.web).toEqual({ api: expect.objectContaining({ port: 8000, health: expect.objectContaining({ liveness: '/health' }) }) });
    expect(spec.security.readOnlyRootFilesystem).toBe(true);
    expect(project.units.map((u) => `${u.env}/${u.name}`)).toEqual(['prod/demo', 'staging/demo']);
    expect(project.units.find((u) => u.env === 'staging')!.spec.web.api.replicas).toBe(1);
    expect(output.manifests.filter((m) => m.object.kind === 'Deployment').map((m) => m.object.metadata.name)).toEqual(['demo-api', 'demo-api']);
    expect(result.stdout).toContain('Next steps:\n  1. Set the image in charts/demo/service.yaml: registry.example.com/demo:0.1.0 is a placeholder.\n  2. npm run synth\n  3. node bin/berth.js check dist\n  4. Commit charts/demo/ and dist/ together.\n');
  });

  test('every flag lands in the spec', async () => {
    const { io } = await runAndSynth([
      'shop', '--image', 'registry.example.com/shop:2.0.1', '--command', `gunicorn 'shop.app:create_app()' --bind "0.0.0.0:9000" -w 4`,
      '--health=/healthz', '--host', 'shop.example.com',
    ]);
    const spec = writtenSpec(io, 'shop');
    expect(spec.image).toBe('registry.example.com/shop:2.0.1');
    expect(spec.web.api).toEqual({ server: 'gunicorn', command: ['gunicorn', 'shop.app:create_app()', '--bind', '0.0.0.0:9000', '-w', '4'], port: 9000, health: { liveness: '/healthz' } });
    expect(spec.edge).toEqual({ hosts: ['shop.example.com'] });
    expect(yaml.load(io.written().get('charts/shop/staging.yaml')!)).toEqual({ web: { api: { replicas: 1 } }, edge: { hosts: ['shop.staging.example.com'] } });
    expect(yaml.load(io.written().get('charts/shop/prod.yaml')!)).toEqual({ web: { api: { replicas: 2 } } });
  });

  test('a command that needs a shell runs under sh -c', async () => {
    const { io, result } = await runAndSynth(['shop', '--command', 'alembic upgrade head && gunicorn app:app']);
    expect(writtenSpec(io, 'shop').web.api.command).toEqual(['sh', '-c', 'alembic upgrade head && gunicorn app:app']);
    expect(result.stdout).toContain('--command uses shell syntax (pipes, &&, $VAR): it runs under sh -c');
  });

  test('a credential on a command line is replaced, never written', async () => {
    const key = 'sk-proj-Zz81Yy72Xx63Ww54Vv45Uu36';
    const { io, result } = await runAndSynth(['shop', '--command', `uvicorn app:app --api-key ${key}`]);
    expect(writtenSpec(io, 'shop').web.api.command).toEqual(['uvicorn', 'app:app', '--api-key', 'REDACTED-move-to-a-secret']);
    expect(result.stdout).toContain('web.api.command[3] looks like an OpenAI/Anthropic-style API key (sk-…); it was replaced by REDACTED-move-to-a-secret.');
    for (const text of [...io.written().values(), result.stdout]) expect(text).not.toContain(key);
  });

  describe('from PM2 and a .env (fluxion, seed 000)', () => {
    const argv = ['fluxion', '--from-pm2', 'in/fluxion/ecosystem.config.js', '--from-env', 'in/fluxion/.env'];
    const fluxion = once(() => runAndSynth(argv));

    test('maps the app, keeps config, turns secrets into references delivered as a .env', async () => {
      const { io, output } = await fluxion();
      const spec = writtenSpec(io, 'fluxion');
      expect(spec.web).toEqual({
        api: { server: 'other', command: ['python', 'run.py'], workingDir: '/app', port: 8005, replicas: 1, health: { liveness: '/health' }, resources: { memory: '768Mi' } },
      });
      expect(spec.secrets).toEqual({
        source: { existingSecret: 'fluxion-secrets' },
        delivery: 'dotenv',
        dotenvPath: '/app/.env',
        items: { JWT_SECRET: {}, KEY_OLLAMA: {}, KEY_OPENAI: {}, NEWS_DB_URL: {} },
      });
      expect(spec.env).toEqual({
        PORT: '8005', HOST: '0.0.0.0', RELOAD: 'false', NAME_APP: 'Fluxion00API', PATH_TO_DATABASE: '/home/nick/databases/NewsNexus10/', NAME_DB: 'newsnexus10.db',
        PATH_TO_PYTHON_VENV: '/home/nick/environments/fluxion', PATH_TO_DOCUMENTS: '/home/nick/project_resources/Fluxion00API/docs_for_agent',
        URL_BASE_OLLAMA: 'https://fell-st-ollama.dashanddata.com', URL_BASE_OPENAI: 'https://api.openai.com/v1',
      });
      expect(findSecretLiterals('charts/fluxion/service.yaml', spec)).toEqual([]);
      expect(output.manifests.some((m) => m.object.kind === 'Deployment' && m.object.metadata.name === 'fluxion-api')).toBe(true);
    });

    test('never writes or prints a secret value', async () => {
      const { io, result, output } = await fluxion();
      expectNoSecretValues([...io.written().values(), result.stdout, result.stderr, ...output.files.values()]);
    });

    test('reports what it cannot evaluate, line by line', async () => {
      const { result } = await fluxion();
      expect(result.stdout).toContain('  in/fluxion/ecosystem.config.js:24: unsupported expression at apps[0].env.LOG_DIR: a function call (path.join(…)) (not evaluated, so not imported: set it by hand)\n');
      expect(result.stdout).toContain('  in/fluxion/ecosystem.config.js:25: unsupported expression at apps[0].env.GIT_SHA: a template literal with ${…} expressions (not evaluated, so not imported: set it by hand)\n');
      expect(result.stdout).toContain('  in/fluxion/ecosystem.config.js:27: unsupported expression at apps[0]: a spread (...logDefaults) inside the object (not evaluated, so not imported: set it by hand)\n');
      expect(result.stdout).toContain('  in/fluxion/.env:13: line is not a KEY=value assignment; skipped (its text is not shown: it may hold a secret)\n');
      expect(result.stdout).toContain('  in/fluxion/.env:3: env: PATH_TO_DATABASE=/home/nick/databases/NewsNexus10/ is a path on the old host; it does not exist in the container. Mount a volume');
      expect(result.stdout).toContain('  in/fluxion/ecosystem.config.js:16: app Fluxion00API: cwd /home/nick/applications/Fluxion00API/ is on the old host; workingDir is /app');
      expect(result.stdout).toContain('secrets are delivered as dotenv: PM2 does not load .env files, so the app loads in/fluxion/.env itself');
      expect(result.stdout).toContain('2. Create the Secret fluxion-secrets in namespace fluxion with the keys jwt_secret, key_ollama, key_openai, news_db_url');
    });

    test('--secrets-delivery overrides the inference', async () => {
      const { io } = await runAndSynth([...argv, '--secrets-delivery', 'env']);
      const spec = writtenSpec(io, 'fluxion');
      expect(spec.secrets.delivery).toBe('env');
      expect(spec.secrets.dotenvPath).toBeUndefined();
    });
  });

  describe('from a systemd EnvironmentFile (reporting, seed 002)', () => {
    test('secrets by name and by value become references; delivery defaults to files, with a note', async () => {
      const { io, result, output } = await runAndSynth([
        'reporting', '--from-env', 'in/reporting/reporting-api.env', '--image', 'registry.example.com/reporting-api:2.3.0', '--command', './run_prod_gunicorn.sh', '--health', '/api/healthz',
      ]);
      const spec = writtenSpec(io, 'reporting');
      expect(spec.secrets.items).toEqual({ SECRET_KEY: {}, POSTGRES_DSN: {} });
      expect(spec.secrets.delivery).toBe('files');
      expect(spec.env).toMatchObject({ APP_ENV: 'prod', RUN_SCHEDULER: '0', PORT: '8000' });
      expect(result.stdout).toContain('in/reporting/reporting-api.env:8: env: RUN_SCHEDULER looks like a leader flag');
      expect(result.stdout).toContain('The app must read NAME_FILE; if it only reads env vars, use --secrets-delivery env');
      expectNoSecretValues([...io.written().values(), result.stdout, result.stderr, ...output.files.values()]);
    });
  });

  describe('from docker-compose (rag, seed 001)', () => {
    const argv = ['rag', '--from-compose', 'in/rag/docker-compose.yml', '--host', 'rag.example.com'];
    // Every file berth new reads is recorded, for the test that no secret file is read.
    const rag = once(() => {
      const io = memoryIo();
      const read = jest.spyOn(io, 'readFile');
      return runAndSynth(argv, io).then((r) => ({ ...r, read }));
    });

    test('maps services to processes, jobs, secrets, volumes and dependencies', async () => {
      const { io, output } = await rag();
      const spec = writtenSpec(io, 'rag');
      expect(spec.image).toBe('registry.example.com/rag-backend:1.4.2');
      expect(Object.keys(spec.web)).toEqual(['backend', 'frontend']);
      expect(spec.web.backend).toEqual({
        server: 'gunicorn',
        command: ['gunicorn', 'app.main:app', '--worker-class', 'uvicorn.workers.UvicornWorker', '--workers', '4', '--bind', '0.0.0.0:8000', '--graceful-timeout', '30', '--timeout', '120'],
        workingDir: '/app/backend',
        port: 8000,
        replicas: 2,
        health: { liveness: '/health' },
        resources: { cpu: '500m', memory: '1Gi' },
        allowFrom: ['frontend'],
        mounts: ['uploads'],
      });
      expect(spec.web.frontend).toEqual({ server: 'other', image: 'registry.example.com/rag-frontend:0.1.0', port: 8080, health: { liveness: '/health' }, paths: ['/frontend'] });
      expect(spec.workers).toEqual({
        worker: {
          command: ['arq', 'app.worker.WorkerSettings'], workingDir: '/app/backend', probe: { exec: ['sh', '-c', 'arq --check app.worker.WorkerSettings'] }, terminationGracePeriodSeconds: 330, mounts: ['uploads'],
        },
      });
      expect(spec.migration).toEqual({ command: ['alembic', 'upgrade', 'head'], workingDir: '/app/backend' });
      expect(spec.cron).toEqual({ jobs: { cleanup: { schedule: '0 3 * * *', command: ['python', '-m', 'scripts.cleanup_tmp'], workingDir: '/app/backend', mounts: ['uploads'] } } });
      expect(spec.secrets).toEqual({
        source: { existingSecret: 'rag-secrets' },
        delivery: 'files',
        items: {
          GEMINI_API_KEY: { consumers: ['backend', 'cleanup', 'migrate', 'worker'] },
          JWT_SECRET: { consumers: ['backend', 'cleanup', 'migrate', 'worker'] },
          DATABASE_URL: { consumers: ['backend', 'cleanup', 'migrate', 'worker'] },
        },
      });
      expect(spec.volumes).toEqual({ uploads: { size: '10Gi', accessMode: 'ReadWriteMany', mountPath: '/tmp/rag_uploads' } });
      expect(spec.dependencies.postgres).toEqual({
        host: 'rag-postgres.databases.svc.cluster.local', port: 5432, namespace: 'databases',
        podLabels: { 'app.kubernetes.io/name': 'postgres', 'app.kubernetes.io/instance': 'rag-postgres' },
      });
      expect(spec.dependencies.redis).toMatchObject({ port: 6379, namespace: 'databases' });
      expect(spec.env).toMatchObject({ ENVIRONMENT: 'production', MAX_UPLOAD_MB: '25', REDIS_URL: 'redis://redis:6379/0' });
      const kinds = output.manifests.filter((m) => m.file.startsWith('dist/prod/')).map((m) => `${m.object.kind}/${m.object.metadata.name}`);
      expect(kinds).toEqual(expect.arrayContaining(['Deployment/rag-backend', 'Deployment/rag-frontend', 'Deployment/rag-worker', 'Job/rag-migrate', 'CronJob/rag-cleanup', 'PersistentVolumeClaim/rag-uploads']));
    });

    test('never writes or prints a secret value, and never reads secret files', async () => {
      const { io, read, result, output } = await rag();
      expectNoSecretValues([...io.written().values(), result.stdout, result.stderr, ...output.files.values()]);
      expect(read.mock.calls.map(([p]) => p).filter((p) => p.includes('/secrets/'))).toEqual([]);
    });

    test('reports what it does not map, line by line', async () => {
      const { result } = await rag();
      const notes = result.stdout.split('\n').filter((l) => l.startsWith('  in/rag/'));
      expect(notes).toEqual(expect.arrayContaining([
        '  in/rag/docker-compose.yml:2: top-level "version" is not imported (it is obsolete in the Compose specification)',
        '  in/rag/docker-compose.yml:5: services backend, worker, migrate, cleanup: build is not imported: CI builds and pushes the image, and the spec names it by tag',
        "  in/rag/docker-compose.yml:30: service backend: healthcheck.interval is not imported (probe timings use berth's defaults; health.startupTimeoutSeconds covers slow starts)",
        '  in/rag/docker-compose.yml:36: service backend: deploy.resources.limits.cpus is not imported (CPU limits throttle latency; set resources.cpuLimit if you need one)',
        '  in/rag/docker-compose.yml:39: service backend: label com.example.team is not imported (pods get the app.kubernetes.io labels)',
        '  in/rag/docker-compose.yml:50: service frontend: image registry.example.com/rag-frontend:latest is "latest"; it became registry.example.com/rag-frontend:0.1.0, a placeholder tag: pin the version you run',
        '  in/rag/docker-compose.yml:59: service migrate: profiles is not imported (every imported process is deployed; one-off services become the migration Job or cron jobs)',
        '  in/rag/docker-compose.yml:82: service proxy is a reverse proxy: the Ingress (edge: in the spec, with TLS) replaces it; not imported. Carry its limits over by hand (edge.maxBodyMiB, edge.timeoutSeconds, edge.internalPaths)',
        "  in/rag/docker-compose.yml:92: secret postgres_password is used by no imported process (a dependency's own secret is managed with the dependency); not imported",
        '  in/rag/docker-compose.yml:12: services backend, worker, migrate, cleanup: REDIS_URL points at the Compose host "redis"; change it to the dependency\'s host',
        '  in/rag/backend.env:7: env: GEMINI_API_KEY is a secret (its value is a long high-entropy string (a key or token?)): it became a secret reference; its value was not copied',
      ]));
      expect(result.stdout).toMatch(/in\/rag\/docker-compose.yml:15: volume uploads is shared by backend, worker, cleanup .*ReadWriteMany/);
    });
  });

  describe('--force', () => {
    test('fails when the files exist, and writes nothing', async () => {
      const io = memoryIo();
      io.files.set('/repo/charts/demo/service.yaml', 'name: demo # hand-edited\n');
      const result = await newCommand(['demo'], io);
      expect(result).toEqual({
        code: 1,
        stdout: '',
        stderr: 'berth new: charts/demo/service.yaml already exists; nothing was written. Re-run with --force to overwrite it.\n',
      });
      expect(io.written().size).toBe(0);
      expect(io.files.get('/repo/charts/demo/service.yaml')).toBe('name: demo # hand-edited\n');
    });

    test('overwrites them when given', async () => {
      const io = memoryIo();
      await newCommand(['demo'], io);
      const again = await newCommand(['demo', '--port', '9000'], io);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('charts/demo/service.yaml, charts/demo/staging.yaml, charts/demo/prod.yaml already exist');
      const forced = await newCommand(['demo', '--port', '9000', '--force'], io);
      expect(forced.code).toBe(0);
      expect(forced.stdout).toMatch(/^berth new: wrote \(overwriting existing files\) charts\/demo\/service.yaml/);
      expect(writtenSpec(io, 'demo').web.api.port).toBe(9000);
    });
  });

  describe('questions on a terminal', () => {
    test('asks for what no flag set, with defaults, and uses the answers', async () => {
      const io = memoryIo({ isTTY: true, answers: ['registry.example.com/shop:1.2.3', '', 'uvicorn shop:app --port 8080', 'shop.example.com'] });
      const result = await newCommand(['shop', '--health', '/ready'], io);
      expect(result.code).toBe(0);
      expect(io.asked).toEqual([
        'Image (a registry path with a pinned tag)',
        'Port the web process listens on',
        'Command of the web process (empty: the image CMD)',
        'Public host name (empty: not published)',
      ]);
      const spec = writtenSpec(io, 'shop');
      expect(spec.image).toBe('registry.example.com/shop:1.2.3');
      expect(spec.web.api).toEqual({ server: 'uvicorn', command: ['uvicorn', 'shop:app', '--port', '8080'], port: 8080, health: { liveness: '/ready' } });
      expect(spec.edge).toEqual({ hosts: ['shop.example.com'] });
    });

    test('asks again after a bad answer', async () => {
      const io = memoryIo({ isTTY: true, answers: ['nginx:latest', 'registry.example.com/shop:1.0.0'] });
      expect((await newCommand(['shop'], io)).code).toBe(0);
      expect(io.asked[1]).toBe('--image "nginx:latest" must not use the "latest" tag: pin a version so a sync is reproducible. Image (a registry path with a pinned tag)');
      expect(writtenSpec(io, 'shop').image).toBe('registry.example.com/shop:1.0.0');
    });

    test('--yes asks nothing', async () => {
      const io = memoryIo({ isTTY: true });
      expect((await newCommand(['shop', '--yes'], io)).code).toBe(0);
      expect(io.asked).toEqual([]);
    });
  });

  describe('fails', () => {
    const cases: Array<[string, string[], number, string]> = [
      ['when the name is not a DNS label', ['Rag_API'], 1, 'berth new: "Rag_API" is not a valid service name: it must be a DNS label: lower-case letters, digits and "-", starting with a letter. Try "rag-api"\n'],
      ['when the image is not pinned', ['shop', '--image', 'shop:latest'], 1, 'berth new: --image "shop:latest" must not use the "latest" tag: pin a version so a sync is reproducible\n'],
      ['when the port is out of range', ['shop', '--port', '70000'], 1, 'berth new: --port "70000" must be a port number between 1 and 65535\n'],
      ['when the health path is relative', ['shop', '--health', 'health'], 1, 'berth new: --health "health" must be an HTTP path starting with "/"\n'],
      ['when the host is not a host name', ['shop', '--host', 'https://shop.example.com'], 1, 'berth new: --host "https://shop.example.com" must be a lower-case DNS host name such as api.example.com\n'],
      ['when the delivery is unknown', ['shop', '--secrets-delivery', 'vault'], 1, 'berth new: --secrets-delivery "vault" must be one of files, dotenv, env\n'],
      ['when a quote is not closed', ['shop', '--command', 'gunicorn "app:app'], 1, 'berth new: --command cannot be split into words: unterminated double quote in the command\n'],
      ['when an input file is missing', ['shop', '--from-compose', 'nope.yml'], 1, 'berth new: cannot read --from-compose nope.yml: no such file\n'],
    ];
    test.each(cases)('%s', async (_name, argv, code, stderr) => {
      const io = memoryIo();
      expect(await newCommand(argv, io)).toEqual({ code, stdout: '', stderr });
      expect(io.written().size).toBe(0);
    });

    test('with usage when an option is unknown or the service is missing', async () => {
      const unknown = await newCommand(['shop', '--replicas', '3'], memoryIo());
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/^berth new: unknown option --replicas\n\nUsage: berth new <service>/);
      const missing = await newCommand([], memoryIo());
      expect(missing.code).toBe(2);
      expect(missing.stderr).toMatch(/^berth new: name the service, e.g. berth new rag\n\nUsage:/);
    });
  });

  test('--help prints the usage', async () => {
    const r = await newCommand(['--help'], memoryIo());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: berth new <service> \[options\]/);
    for (const flag of ['--image', '--port', '--command', '--health', '--host', '--force', '--secrets-delivery', '--from-env', '--from-pm2', '--from-compose']) expect(r.stdout).toContain(flag);
  });

  test('without berth.yaml it writes staging and prod overlays, with a note', async () => {
    const io = memoryIo({ withBerthYaml: false });
    const r = await newCommand(['demo'], io);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no berth.yaml here: wrote overlays for staging and prod. Run berth new from the repository root');
    expect([...io.written().keys()]).toEqual(['charts/demo/prod.yaml', 'charts/demo/service.yaml', 'charts/demo/staging.yaml']);
  });
});
