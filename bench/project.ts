/**
 * A synthetic berth project of N services with every feature on (web with metrics, worker,
 * migration Job, tmp-cleanup and retention CronJobs, secret files from an ExternalSecret, a shared
 * claim, dependencies, internet egress, a TLS ingress with an internal path, ServiceMonitor) in two
 * environments (staging on Traefik, prod on ingress-nginx with guardrails). The benchmark measures
 * it; bin/build.js runs synth, check, diff and explain on it once to write their V8 code caches.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** The name of the project's i-th service (svc-0000, svc-0001, …). */
export function serviceName(i: number): string {
  return `svc-${String(i).padStart(4, '0')}`;
}

/** A service spec with every feature on. */
function serviceYaml(i: number): string {
  const name = serviceName(i);
  return `name: ${name}
image: registry.example.com/${name}:1.0.${i}
env: { APP_ENV: production, LOG_LEVEL: info, INDEX: "${i}" }
secrets:
  source: { externalSecret: { store: vault } }
  delivery: files
  items:
    DATABASE_URL: { remoteKey: ${name}/db, property: url }
    JWT_SECRET: { remoteKey: ${name}/app, property: jwt, consumers: [web, worker] }
volumes:
  uploads: { size: 5Gi, accessMode: ReadWriteMany, mountPath: /var/uploads }
web:
  web:
    command: [gunicorn, app:app, --workers, "2", --bind, 0.0.0.0:8000]
    port: 8000
    replicas: 2
    paths: [/]
    health: { liveness: /health, readiness: /ready }
    metrics: { path: /metrics, multiprocess: true }
    resources: { cpu: 250m, memory: 512Mi }
    mounts: [uploads]
workers:
  worker: { command: [arq, app.worker.Settings], mounts: [uploads], resources: { cpu: 250m, memory: 512Mi } }
migration: { command: [alembic, upgrade, head] }
cron:
  tmpCleanup: { volume: uploads, maxAgeHours: 24 }
  retention: { tables: [events, audit_log], days: 30, databaseUrlSecret: DATABASE_URL }
edge:
  hosts: [${name}.example.com]
  maxBodyMiB: 10
  internalPaths: [/metrics]
dependencies:
  postgres: { port: 5432, namespace: databases, podLabels: { cnpg.io/cluster: ${name} } }
externalHttps: [api.example.net]
`;
}

const PROJECT = `repoURL: https://github.com/example/gitops.git
environments:
  staging: { edgeProfile: traefik, ingressClassName: traefik }
  prod: { edgeProfile: nginx, ingressClassName: nginx, production: true }
`;

/** Writes a project of N services (berth.yaml and charts/) into a new temp folder and returns it. */
export function makeProject(n: number, prefix = `berth-bench-${n}-`): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dir, 'berth.yaml'), PROJECT);
  for (let i = 0; i < n; i++) {
    const d = path.join(dir, 'charts', serviceName(i));
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'service.yaml'), serviceYaml(i));
  }
  return dir;
}
