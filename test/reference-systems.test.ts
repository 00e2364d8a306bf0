/**
 * The five reference systems: what each deployment document (../shared/seeds/) asks for in
 * production, asserted on the synthesized objects. docs/reference-systems.md maps each
 * requirement to the spec field and these objects.
 */
import { synthRepo } from '../src/main';
import { REPO } from './helpers';

const output = synthRepo({ root: REPO });
const objectsOf = (env: string, service: string) => output.manifests.filter((m) => m.file === `dist/${env}/${service}/manifests.yaml`).map((m) => m.object);
const get = (objs: any[], kind: string, name: string) => {
  const o = objs.find((x) => x.kind === kind && x.metadata.name === name);
  if (!o) throw new Error(`no ${kind} ${name} in ${objs.map((x) => `${x.kind}/${x.metadata.name}`).join(', ')}`);
  return o;
};
const container = (o: any) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template).spec.containers[0];
const pod = (o: any) => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template : o.spec.template).spec;
const envOf = (o: any) => Object.fromEntries((container(o).env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
const config = (objs: any[], service: string) => objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name === `${service}-config`)?.data ?? {};
const ingressAnnotations = (objs: any[], name: string) => get(objs, 'Ingress', name).metadata.annotations;

describe.each(['staging', 'prod'])('fluxion (%s)', (env) => {
  const objs = objectsOf(env, 'fluxion');
  const api = get(objs, 'Deployment', 'fluxion-api');

  test('runs `python run.py` (which loads .env, then starts uvicorn) on port 8005, never with reload', () => {
    expect(container(api).command).toEqual(['python', 'run.py']);
    expect(container(api).workingDir).toBe('/app');
    expect(container(api).ports).toEqual([{ name: 'http', containerPort: 8005, protocol: 'TCP' }]);
    expect(config(objs, 'fluxion')).toMatchObject({ PORT: '8005', HOST: '0.0.0.0', RELOAD: 'false' });
  });

  test('its secrets arrive as a .env in the working directory, rendered from the store, never in Git', () => {
    const mount = container(api).volumeMounts.find((m: any) => m.mountPath === '/app/.env');
    expect(mount).toMatchObject({ subPath: '.env', readOnly: true });
    const es = get(objs, 'ExternalSecret', 'fluxion-secrets');
    expect(es.spec.target.template.data['.env']).toContain('JWT_SECRET=');
    expect(es.spec.data.map((d: any) => d.remoteRef.property).sort()).toEqual(['jwt_secret', 'key_ollama', 'key_openai']);
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(config(objs, 'fluxion')).not.toHaveProperty('JWT_SECRET');
  });

  test('the SQLite database and the documents folder live on claims, with one writer', () => {
    expect(api.spec.replicas).toBe(1);
    expect(api.spec.strategy).toEqual({ type: 'Recreate' });
    const mounts = container(api).volumeMounts.map((m: any) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/var/lib/fluxion/database', '/var/lib/fluxion/docs_for_agent']));
    expect(config(objs, 'fluxion').PATH_TO_DATABASE).toBe('/var/lib/fluxion/database/');
  });

  test('the edge keeps WebSockets open', () => {
    const ingress = get(objs, 'Ingress', 'fluxion');
    expect(ingress.spec.rules[0].host).toBe(env === 'prod' ? 'fluxion.example.com' : 'fluxion.staging.example.com');
    if (env === 'prod') expect(ingressAnnotations(objs, 'fluxion')['nginx.ingress.kubernetes.io/proxy-read-timeout']).toBe('3600');
  });
});

describe.each(['staging', 'prod'])('rag (%s)', (env) => {
  const objs = objectsOf(env, 'rag');
  const backend = get(objs, 'Deployment', 'rag-backend');
  const worker = get(objs, 'Deployment', 'rag-worker');

  test('gunicorn backend on 8000, ARQ worker, static frontend', () => {
    expect(container(backend).command.slice(0, 2)).toEqual(['gunicorn', 'app.main:app']);
    expect(container(backend).ports[0].containerPort).toBe(8000);
    expect(container(worker).command).toEqual(['arq', 'app.worker.WorkerSettings']);
    expect(container(get(objs, 'Deployment', 'rag-frontend')).image).toBe('registry.example.com/rag-frontend:1.4.2');
  });

  test('the replicated ARQ worker keeps consuming through a node drain: one pod evicted at a time', () => {
    const budgets = objs.filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'rag-worker');
    expect(worker.spec.replicas).toBe(env === 'prod' ? 2 : 1);
    expect(budgets.map((b) => b.spec.maxUnavailable)).toEqual(env === 'prod' ? [1] : []);
  });

  test('production flags; mock mode only where the document allows it', () => {
    const c = config(objs, 'rag');
    expect(c).toMatchObject({ ENVIRONMENT: 'production', ALLOW_DEV_LOGIN: 'false', STRICT_MODE: 'true', REQUIRE_CSRF_HEADER: 'true' });
    if (env === 'prod') {
      expect(c.GEMINI_MOCK_MODE).toBe('false');
      expect(c).not.toHaveProperty('ALLOW_MOCK_IN_PROD');
    } else {
      expect(c).toMatchObject({ GEMINI_MOCK_MODE: 'true', ALLOW_MOCK_IN_PROD: 'true' });
    }
  });

  test('every secret the document lists is a file under /run/secrets with {NAME}_FILE', () => {
    expect(envOf(backend)).toMatchObject({
      JWT_SECRET_FILE: '/run/secrets/jwt_secret',
      GEMINI_API_KEY_FILE: '/run/secrets/gemini_api_key',
      DATABASE_URL_FILE: '/run/secrets/database_url',
      REDIS_URL_FILE: '/run/secrets/redis_url',
    });
    expect(envOf(get(objs, 'Job', 'rag-migrate'))).toEqual(expect.objectContaining({ DATABASE_URL_FILE: '/run/secrets/database_url' }));
    expect(envOf(get(objs, 'Job', 'rag-migrate'))).not.toHaveProperty('JWT_SECRET_FILE');
  });

  test('alembic runs before the rollout, as an Argo CD Sync hook', () => {
    const job = get(objs, 'Job', 'rag-migrate');
    expect(container(job).command).toEqual(['alembic', 'upgrade', 'head']);
    expect(container(job).workingDir).toBe('/app/backend');
    expect(job.metadata.annotations['argocd.argoproj.io/hook']).toBe('Sync');
    expect(Number(job.metadata.annotations['argocd.argoproj.io/sync-wave'])).toBeLessThan(0);
  });

  test('the uploads volume is shared by backend, worker and the cleanup job at the same path', () => {
    const claim = get(objs, 'PersistentVolumeClaim', 'rag-uploads');
    expect(claim.spec.accessModes).toEqual(['ReadWriteMany']);
    const cleanup = get(objs, 'CronJob', 'rag-tmp-cleanup');
    for (const o of [backend, worker, cleanup]) {
      const claimVolume = pod(o).volumes.find((v: any) => v.persistentVolumeClaim?.claimName === 'rag-uploads');
      expect(container(o).volumeMounts.find((m: any) => m.name === claimVolume.name).mountPath).toBe('/tmp/rag_uploads');
    }
    expect(container(cleanup).command).toEqual(['python', '-m', 'scripts.cleanup_tmp']);
    // Run as a module, it must start where the backend's code is, as every rag-backend process does.
    for (const o of [backend, worker, get(objs, 'Job', 'rag-migrate'), cleanup]) expect(container(o).workingDir).toBe('/app/backend');
    expect(envOf(cleanup)).toMatchObject({ TMP_DIR: '/tmp/rag_uploads', TMP_MAX_AGE_HOURS: '24' });
    expect(cleanup.spec.schedule).toBe('0 3 * * *');
  });

  test('chat_history and query_logs are pruned nightly after 90 days, reading the URL from its file', () => {
    const prune = get(objs, 'CronJob', 'rag-retention');
    const e = envOf(prune);
    expect(e).toMatchObject({ PRUNE_TABLES: 'chat_history query_logs', PRUNE_COLUMN: 'created_at', PRUNE_DAYS: '90', DATABASE_URL_FILE: '/run/secrets/database_url' });
    expect(prune.spec.concurrencyPolicy).toBe('Forbid');
  });

  test('/metrics never answers the internet; 25 MB uploads; SSE unbuffered', () => {
    const profile = env === 'prod' ? 'nginx' : 'traefik';
    const internal = get(objs, 'Ingress', 'rag-internal');
    expect(internal.spec.rules[0].http.paths.map((p: any) => p.path)).toContain('/metrics');
    if (profile === 'nginx') {
      const a = ingressAnnotations(objs, 'rag');
      expect(a['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('25m');
      expect(a['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
    }
    expect(get(objs, 'ServiceMonitor', 'rag-backend').spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
  });
});

describe.each(['staging', 'prod'])('reporting (%s)', (env) => {
  const objs = objectsOf(env, 'reporting');
  const api = get(objs, 'Deployment', 'reporting-api');
  const scheduler = get(objs, 'Deployment', 'reporting-scheduler');

  test('gunicorn + uvicorn through run_prod_gunicorn.sh with its knobs', () => {
    expect(container(api).command).toEqual(['./run_prod_gunicorn.sh']);
    expect(config(objs, 'reporting')).toMatchObject({ WEB_CONCURRENCY: '4', TIMEOUT: '120', GRACEFUL_TIMEOUT: '30', KEEP_ALIVE: '5', MAX_REQUESTS: '1000', MAX_REQUESTS_JITTER: '100' });
    expect(pod(api).terminationGracePeriodSeconds).toBeGreaterThan(30);
  });

  test('exactly one scheduler leader: RUN_SCHEDULER=1 on one Recreate replica, 0 everywhere else', () => {
    expect(scheduler.spec.replicas).toBe(1);
    expect(scheduler.spec.strategy).toEqual({ type: 'Recreate' });
    expect(envOf(scheduler).RUN_SCHEDULER).toBe('1');
    expect(envOf(api).RUN_SCHEDULER).toBe('0');
    const leaders = objs.filter((o) => o.kind === 'Deployment' && envOf(o).RUN_SCHEDULER === '1');
    expect(leaders.map((o) => o.metadata.name)).toEqual(['reporting-scheduler']);
  });

  test('/api/healthz probes; /api/metrics kept internal', () => {
    expect(container(api).readinessProbe.httpGet.path).toBe('/api/healthz');
    expect(get(objs, 'Ingress', 'reporting-internal').spec.rules[0].http.paths.map((p: any) => p.path)).toContain('/api/metrics');
  });

  test('DuckDB and SQLite files on a volume owned by the service user', () => {
    expect(config(objs, 'reporting')).toMatchObject({ DUCKDB_PATH: '/var/lib/reporting/local.duckdb', METADATA_DB_PATH: '/var/lib/reporting/meta.sqlite' });
    expect(pod(api).securityContext.fsGroup).toBe(10001);
    for (const o of [api, scheduler]) expect(container(o).volumeMounts.map((m: any) => m.mountPath)).toContain('/var/lib/reporting');
  });

  test('its secrets come from the environment by reference', () => {
    expect(envOf(api).SECRET_KEY).toEqual({ secretKeyRef: { name: 'reporting-secrets', key: 'secret_key' } });
  });
});

describe.each(['staging', 'prod'])('vector-chat (%s)', (env) => {
  const objs = objectsOf(env, 'vector-chat');
  const app = get(objs, 'Deployment', 'vector-chat-app');

  test('uvicorn on 8000 without --reload, /health probes, Milvus configured', () => {
    expect(container(app).command).not.toContain('--reload');
    expect(container(app).command[0]).toBe('uvicorn');
    expect(container(app).livenessProbe.httpGet.path).toBe('/health');
    expect(config(objs, 'vector-chat')).toMatchObject({ MILVUS_HOST: 'milvus.milvus.svc.cluster.local', MILVUS_PORT: '19530' });
  });

  test('/__debug/* is never public; 5 MB uploads; WebSockets and SSE', () => {
    expect(get(objs, 'Ingress', 'vector-chat-internal').spec.rules[0].http.paths.map((p: any) => p.path)).toContain('/__debug');
    if (env === 'prod') {
      const a = ingressAnnotations(objs, 'vector-chat');
      expect(a['nginx.ingress.kubernetes.io/proxy-body-size']).toBe('5m');
      expect(a['nginx.ingress.kubernetes.io/proxy-buffering']).toBe('off');
      expect(Number(a['nginx.ingress.kubernetes.io/proxy-read-timeout'])).toBeGreaterThanOrEqual(3600);
    }
  });
});

describe.each(['staging', 'prod'])('george (%s)', (env) => {
  const objs = objectsOf(env, 'george');
  const internal = { auth: 6001, filesystem: 6002, chroma: 6003, billing: 6004, git: 6005, 'external-data': 6006 };

  test('gunicorn with 4 workers everywhere, FLASK_ENV=production, nothing that starts debug mode', () => {
    for (const d of objs.filter((o) => o.kind === 'Deployment' && o.metadata.name !== 'george-frontend')) {
      expect(container(d).command.slice(0, 3)).toEqual(['gunicorn', '-w', '4']);
      expect(container(d).command.join(' ')).not.toMatch(/flask run|--reload|app\.run/);
    }
    expect(config(objs, 'george').FLASK_ENV).toBe('production');
  });

  test('six internal services on 6001-6006 with no route from the edge', () => {
    const routed = objs.filter((o) => o.kind === 'Ingress').flatMap((i) => i.spec.rules.flatMap((r: any) => r.http.paths.map((p: any) => p.backend.service.name)));
    for (const [name, port] of Object.entries(internal)) {
      expect(get(objs, 'Service', `george-${name}`).spec.ports[0].port).toBe(port);
      expect(routed).not.toContain(`george-${name}`);
    }
  });

  test('*_SERVER_URL point at in-cluster Services; INTERNAL_SERVICE_TOKEN by reference; /health and /ready', () => {
    const api = get(objs, 'Deployment', 'george-api');
    expect(envOf(api)).toMatchObject({
      AUTH_SERVER_URL: 'http://george-auth.george.svc.cluster.local:6001',
      EXTERNAL_DATA_SERVER_URL: 'http://george-external-data.george.svc.cluster.local:6006',
    });
    expect(envOf(api).INTERNAL_SERVICE_TOKEN).toEqual({ secretKeyRef: { name: 'george-internal', key: 'internal_service_token' } });
    expect(container(api).livenessProbe.httpGet.path).toBe('/health');
    expect(container(api).readinessProbe.httpGet.path).toBe('/ready');
  });
});

describe.each(['staging', 'prod'])('least privilege out (%s)', (env) => {
  test("rag's static frontend never reaches the internet; its backend and worker reach Gemini", () => {
    const policy = get(objectsOf(env, 'rag'), 'NetworkPolicy', 'rag-to-internet-https');
    const callers = policy.spec.podSelector.matchExpressions[0].values;
    expect(callers).toEqual(['backend', 'worker']);
  });
});
