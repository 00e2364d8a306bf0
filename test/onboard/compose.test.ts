import { importCompose, toCron } from '../../src/onboard/compose';
import { formatNote } from '../../src/onboard/notes';

const load = (text: string, files: Record<string, string> = {}) =>
  importCompose('docker-compose.yml', text, { service: 'app', readFile: (p) => files[p] });
const notesOf = (text: string, files: Record<string, string> = {}) => load(text, files).notes.map(formatNote);

describe('importCompose', () => {
  test('a service with ports is a web process; without, a worker', () => {
    const d = load(`services:
  web:
    image: registry.example.com/app:1.0.0
    command: ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000"]
    ports: ["127.0.0.1:8000:8000/tcp"]
    healthcheck:
      test: ["CMD-SHELL", "wget -qO- http://127.0.0.1:8000/api/healthz || exit 1"]
  consumer:
    image: registry.example.com/app:1.0.0
    command: celery -A app.tasks worker --loglevel=info
`);
    expect(d.image).toBe('registry.example.com/app:1.0.0');
    expect(d.web).toEqual({ web: { server: 'uvicorn', command: ['uvicorn', 'app.main:app', '--host', '0.0.0.0', '--port', '8000'], port: 8000, health: { liveness: '/api/healthz' } } });
    expect(d.workers).toEqual({ consumer: { command: ['celery', '-A', 'app.tasks', 'worker', '--loglevel=info'] } });
  });

  test('entrypoint is the command and command its args; shell syntax runs under sh -c', () => {
    const d = load(`services:
  api:
    image: registry.example.com/app:1.0.0
    entrypoint: ["/docker-entrypoint.sh"]
    command: gunicorn app:app
    expose: [5000]
  worker:
    image: registry.example.com/app:1.0.0
    command: sh -c "python manage.py wait_for_db && python -m worker"
`);
    expect(d.web.api).toMatchObject({ command: ['/docker-entrypoint.sh'], args: ['gunicorn', 'app:app'], port: 5000 });
    expect(d.workers.worker.command).toEqual(['sh', '-c', 'python manage.py wait_for_db && python -m worker']);
  });

  test('environment as a list, interpolation defaults and $$ escapes', () => {
    const d = load(`services:
  api:
    image: registry.example.com/app:1.0.0
    ports: ["8000"]
    environment:
      - LOG_LEVEL=\${LOG_LEVEL:-info}
      - PRICE=$$5
      - FROM_SHELL
      - API_TOKEN=\${API_TOKEN}
`);
    expect(d.env).toEqual({ LOG_LEVEL: 'info', PRICE: '$5' });
    expect(d.secrets).toEqual({ API_TOKEN: { consumers: ['api'] } });
    expect(d.notes.map(formatNote)).toEqual(expect.arrayContaining([
      'docker-compose.yml:6: service api environment: LOG_LEVEL uses Compose interpolation ${LOG_LEVEL:-…}; took its default "info", check it',
      'docker-compose.yml:8: service api environment: FROM_SHELL has no value here (it is taken from the shell that starts the app); set it under env, or as a secret',
    ]));
  });

  test('a ReadWriteOnce volume keeps a web process at one replica; bind mounts and tmpfs are reported', () => {
    const d = load(`services:
  api:
    image: registry.example.com/app:1.0.0
    ports: ["8000:8000"]
    volumes:
      - data:/var/lib/app
      - ./config:/app/config:ro
      - type: tmpfs
        target: /cache
volumes:
  data:
    driver: local
`);
    expect(d.volumes).toEqual({ data: { size: '10Gi', accessMode: 'ReadWriteOnce', mountPath: '/var/lib/app' } });
    expect(d.web.api).toMatchObject({ replicas: 1, mounts: ['data'] });
    expect(d.notes.map(formatNote)).toEqual(expect.arrayContaining([
      'docker-compose.yml:7: service api: bind mount of ./config at /app/config is a folder on the Docker host; not imported. Bake the files into the image, or use a named volume',
      'docker-compose.yml:8: service api: tmpfs at /cache is not imported; berth mounts a writable emptyDir at /tmp (ask for another if the app needs /cache)',
      'docker-compose.yml:6: service api mounts the ReadWriteOnce volume data: it runs as one replica (a claim mounts on one node); use ReadWriteMany to scale it',
      'docker-compose.yml:12: volumes.data.driver is not imported (the claim uses the cluster\'s storage classes)',
    ]));
  });

  test('ofelia job-exec labels become cron jobs that run in the service image, env and volumes', () => {
    const d = load(`services:
  api:
    image: registry.example.com/app:1.0.0
    ports: ["8000:8000"]
    environment: { API_KEY: abc }
    volumes: [uploads:/tmp/uploads]
    labels:
      ofelia.enabled: "true"
      ofelia.job-exec.purge-tmp.schedule: "0 30 2 * * *"
      ofelia.job-exec.purge-tmp.command: python -m scripts.cleanup_tmp
      ofelia.job-exec.every5.schedule: "@every 5m"
      ofelia.job-exec.every5.command: python -m scripts.tick
      ofelia.job-exec.odd.schedule: "@every 7m"
      ofelia.job-exec.odd.command: python -m scripts.odd
  ofelia:
    image: mcuadros/ofelia:0.3.13
volumes: { uploads: {} }
`);
    expect(d.jobs).toEqual({
      'purge-tmp': { schedule: '30 2 * * *', command: ['python', '-m', 'scripts.cleanup_tmp'], mounts: ['uploads'] },
      every5: { schedule: '*/5 * * * *', command: ['python', '-m', 'scripts.tick'], mounts: ['uploads'] },
    });
    expect(d.volumes.uploads.accessMode).toBe('ReadWriteMany');
    expect(d.secrets.API_KEY.consumers).toEqual(['api', 'every5', 'purge-tmp']);
    expect(d.notes.map(formatNote)).toEqual(expect.arrayContaining([
      'docker-compose.yml:13: service api: ofelia job odd schedule "@every 7m" is an interval that a cron schedule cannot express; not imported',
      'docker-compose.yml:15: service ofelia is the ofelia scheduler: its jobs become CronJobs (from ofelia labels on the services they run in); not imported',
    ]));
  });

  test('one-off services: migrations become the migration Job; others are reported', () => {
    const d = load(`services:
  api: { image: "registry.example.com/app:1.0.0", ports: ["8000"] }
  migrate: { image: "registry.example.com/app:1.0.0", command: "flask db upgrade", restart: "no" }
  seed: { image: "registry.example.com/app:1.0.0", command: "python seed.py", restart: "no" }
`);
    expect(d.migration).toEqual({ command: ['flask', 'db', 'upgrade'] });
    expect(d.notes.map(formatNote)).toContain('docker-compose.yml:4: service seed runs once (restart: "no") and has no schedule label: not imported. Add a berth.schedule label to make it a cron job, or run it by hand');
  });

  test('database images become dependencies open to every process and job: depends_on orders start-up, it does not say who connects', () => {
    const d = load(`services:
  api:
    image: registry.example.com/app:1.0.0
    ports: ["8000"]
    depends_on: [graph, cache, missing]
    environment: { NEO4J_URI: "bolt://graph:7687" }
  graph: { image: "neo4j:5.20" }
  cache: { image: "docker.io/library/redis:7" }
  vectors: { image: "milvusdb/milvus:v2.4.0" }
`);
    expect(d.dependencies).toEqual({
      neo4j: { host: 'app-neo4j.databases.svc.cluster.local', port: 7687, namespace: 'databases', podLabels: { 'app.kubernetes.io/name': 'neo4j', 'app.kubernetes.io/instance': 'app-neo4j' } },
      redis: { host: 'app-redis.databases.svc.cluster.local', port: 6379, namespace: 'databases', podLabels: { 'app.kubernetes.io/name': 'redis', 'app.kubernetes.io/instance': 'app-redis' } },
      milvus: { host: 'app-milvus.databases.svc.cluster.local', port: 19530, namespace: 'databases', podLabels: { 'app.kubernetes.io/name': 'milvus', 'app.kubernetes.io/instance': 'app-milvus' } },
    });
    expect(d.notes.map(formatNote)).toEqual(expect.arrayContaining([
      'docker-compose.yml:5: api depends_on missing, which is not a service in this file',
      'docker-compose.yml:6: service api: NEO4J_URI points at the Compose host "graph"; change it to the dependency\'s host',
    ]));
  });

  test('a secret whose value points at a dependency\'s Compose host becomes one of its secrets', () => {
    const d = load(`services:
  api:
    image: registry.example.com/app:1.0.0
    ports: ["8000"]
    environment:
      DATABASE_URL: "postgresql://app:Xk29vLq7Tz4pWm8R@db:5432/app"
      CACHE_URL: "redis://cache:6379/0"
  db: { image: "postgres:16" }
  cache: { image: "redis:7" }
`);
    expect(d.dependencies.postgres).toMatchObject({ secrets: ['DATABASE_URL'] });
    expect(d.dependencies.postgres.usedBy).toBeUndefined();
    // A plain env value names the host itself: the spec check reads it there, no link needed.
    expect(d.dependencies.redis.secrets).toBeUndefined();
    expect(Object.keys(d.secrets)).toEqual(['DATABASE_URL']);
  });

  test('images: latest and untagged get a placeholder tag, build-only services a placeholder image', () => {
    const d = load(`services:
  api: { build: ., ports: ["8000"] }
  worker: { build: ., command: "arq w.Settings" }
  docs: { image: "nginx", ports: ["80"] }
  admin: { build: ./admin, ports: ["9000"] }
`);
    expect(d.image).toBe('registry.example.com/app:0.1.0');
    expect(d.imagePlaceholder).toBe(true);
    expect(d.workers.worker.image).toBeUndefined();
    expect(d.web.docs.image).toBe('nginx:0.1.0');
    expect(d.web.admin.image).toBe('registry.example.com/app-admin:0.1.0');
    expect(d.notes.map(formatNote)).toContain('docker-compose.yml:4: service docs: image nginx is untagged; it became nginx:0.1.0, a placeholder tag: pin the version you run');
  });

  test('healthchecks: non-HTTP checks on a web process are reported; on a worker they become an exec probe', () => {
    const d = load(`services:
  api:
    image: registry.example.com/app:1.0.0
    ports: ["8000"]
    healthcheck: { test: ["CMD", "python", "-c", "import sys; sys.exit(0)"] }
  worker:
    image: registry.example.com/app:1.0.0
    command: arq w.Settings
    healthcheck: { test: "arq --check w.Settings" }
  quiet:
    image: registry.example.com/app:1.0.0
    ports: ["8001"]
    healthcheck: { disable: true }
`);
    expect(d.web.api.health).toEqual({ liveness: '/health' });
    expect(d.workers.worker.probe).toEqual({ exec: ['sh', '-c', 'arq --check w.Settings'] });
    expect(d.notes.map(formatNote)).toEqual(expect.arrayContaining([
      'docker-compose.yml:5: service api: the healthcheck is not an HTTP check (a command; workers keep it as an exec probe); probes use /health, make sure the app answers there (or change web.api.health)',
      'docker-compose.yml:13: service quiet: the healthcheck is disabled; probes use /health, make sure the app answers there (or change web.quiet.health)',
    ]));
  });

  test('env_file is read beside the compose file; a missing one is reported', () => {
    const d = load(`services:
  api:
    image: registry.example.com/app:1.0.0
    ports: ["8000"]
    env_file: [app.env, { path: optional.env, required: false }]
`, { 'app.env': 'MODE=prod\nSECRET_KEY=abcdefabcdefabcdefabcdef0123456789\n' });
    expect(d.env).toEqual({ MODE: 'prod' });
    expect(d.secrets).toEqual({ SECRET_KEY: { consumers: ['api'] } });
    // No Compose secrets: berth does not claim the app reads NAME_FILE (the command notes the choice).
    expect(d.delivery).toBeUndefined();
    expect(JSON.stringify(d)).not.toContain('abcdefabcdef');
    expect(d.notes.map(formatNote)).toContain('docker-compose.yml:5: service api: env_file optional.env could not be read (it is optional); its variables are not imported. Import it with --from-env optional.env');
  });

  test('reports unknown and unsupported keys with their lines, following merge keys to the anchor', () => {
    expect(notesOf(`x-common: &common
  logging: { driver: json-file }
  frobnicate: yes
services:
  api:
    <<: *common
    image: registry.example.com/app:1.0.0
    ports: ["8000"]
    container_name: app-api
    cap_add: [NET_ADMIN]
networks: { default: {} }
`)).toEqual([
      'docker-compose.yml:1: top-level "x-common" is not imported (an extension field; what it shares through anchors was read where it is merged)',
      'docker-compose.yml:11: top-level "networks" is not imported (NetworkPolicies are generated from the spec)',
      'docker-compose.yml:2: service api: logging is not imported (containers log to stdout; the cluster collects it)',
      'docker-compose.yml:3: service api: unsupported key "frobnicate"; not imported',
      'docker-compose.yml:9: service api: container_name is not imported (object names come from the spec)',
      'docker-compose.yml:10: service api: cap_add is not imported (pods run under Pod Security "restricted": no added capabilities)',
      'docker-compose.yml:5: service api: no healthcheck; probes use /health, make sure the app answers there (or change web.api.health)',
      'docker-compose.yml:5: service api has no command (the image CMD runs), so berth cannot tell its server; server is "other". Set server: gunicorn, uvicorn or waitress if it is one of them',
    ]);
  });

  test('a YAML error is reported by line and reason, never with the source text', () => {
    const n = notesOf('services:\n  api:\n    environment:\n      JWT_SECRET: "9f8e7d6c5b4a39281706f5e4d3c2b1a0\n    ports: [\n');
    expect(n).toHaveLength(1);
    expect(n[0]).toMatch(/^docker-compose.yml:\d+: not valid YAML: /);
    expect(n[0]).not.toContain('9f8e7d6c5b4a');
  });
});

describe('toCron', () => {
  test.each<[string, string]>([
    ['0 3 * * *', '0 3 * * *'],
    ['0 30 2 * * *', '30 2 * * *'],
    ['@daily', '0 0 * * *'],
    ['@hourly', '0 * * * *'],
    ['@every 15m', '*/15 * * * *'],
    ['@every 6h', '0 */6 * * *'],
  ])('%s → %s', (input, schedule) => {
    expect(toCron(input)).toEqual({ schedule });
  });

  test.each<[string, string]>([
    ['@every 7m', 'is an interval that a cron schedule cannot express'],
    ['15 0 3 * * *', 'runs at a non-zero second, which a Kubernetes CronJob cannot express'],
    ['nightly', 'is not a cron schedule with five fields'],
  ])('fails for %s', (input, error) => {
    expect(toCron(input)).toEqual({ error });
  });
});
