/**
 * Spec → workload constructs: web processes, workers, singletons and the migration Job, with the
 * leader flag, claims and RWO strategy rules applied.
 */
import * as k8s from '../constructs/k8s';
import { kube } from '../constructs/resource';
import { EnvVar, ResourceProps } from '../constructs/workloads/pod';
import { MigrationJob } from '../constructs/workloads/migration-job';
import { FOLLOWER, Singleton } from '../constructs/workloads/singleton';
import { WebService } from '../constructs/workloads/web-service';
import { Worker } from '../constructs/workloads/worker';
import { Resources, ServiceSpec, WebProcess } from '../spec/schema';
import { KEEP_IN_CLUSTER, syncOptionsAnnotation } from '../util/sync-options';
import { ServiceContext } from './context';
import { edgeProfile } from './edge';

/** The Deployments and Services built for a service, by process name. */
export interface BuiltWorkloads {
  readonly web: ReadonlyMap<string, WebService>;
  readonly workers: ReadonlyMap<string, Worker>;
  readonly singletons: ReadonlyMap<string, Singleton>;
  readonly migration?: MigrationJob;
}

export function toEnvVars(env: Readonly<Record<string, string>>): EnvVar[] {
  return Object.entries(env).map(([name, value]) => ({ name, value }));
}

export function toResources(r: Resources): ResourceProps {
  return { cpu: r.cpu, memory: r.memory, memoryLimit: r.memoryLimit, cpuLimit: r.cpuLimit };
}

/** Env every process except the leader gets: each singleton's flag set to "0". */
function followerFlags(spec: ServiceSpec, except?: string): EnvVar[] {
  return Object.entries(spec.singletons)
    .filter(([n]) => n !== except)
    .map(([, s]) => ({ name: s.flag, value: FOLLOWER }));
}

/** Env var pointing a caller at a web process it calls, e.g. AUTH_SERVER_URL. */
function callerUrls(ctx: ServiceContext, calls: readonly string[]): EnvVar[] {
  return calls.flatMap((c) => {
    const target = ctx.spec.web[c];
    return target?.urlEnv ? [{ name: target.urlEnv, value: `http://${ctx.spec.name}-${c}.${ctx.namespace}.svc.cluster.local:${target.port}` }] : [];
  });
}

/** Processes that call a web process: those listed in its allowFrom. */
function callsOf(spec: ServiceSpec, process: string, declared: readonly string[] = []): string[] {
  const implied = Object.entries(spec.web).filter(([, w]) => w.allowFrom.includes(process)).map(([n]) => n);
  return [...new Set([...declared, ...implied])].sort();
}

/**
 * The working directory of a container that runs app code: its own, else the service's when it
 * runs the service image. A WORKDIR is a fact about an image: a process with an image of its own
 * (a static frontend) keeps that image's.
 */
export function workingDirOf(spec: ServiceSpec, p: { readonly image?: string; readonly workingDir?: string }): string | undefined {
  return p.workingDir ?? (p.image === undefined ? spec.workingDir : undefined);
}

/**
 * Does a Gateway route WebSockets to this web process? Then its Service port says so
 * (`kubernetes.io/ws`, GEP-1911): Contour and NGINX Gateway Fabric upgrade a connection only
 * after that opt-in. ingress-nginx and Traefik upgrade every connection and ignore appProtocol.
 */
function webSocketBackend(ctx: ServiceContext, p: WebProcess): boolean {
  const edge = ctx.spec.edge;
  return Boolean(edge?.websockets && p.public && edgeProfile(edge, ctx.env) === 'gateway');
}

/** Does this process mount a ReadWriteOnce claim (so it must never run two pods on two nodes)? */
function ownsRwoClaim(spec: ServiceSpec, mounts: readonly string[]): boolean {
  return mounts.some((m) => spec.volumes[m] && spec.volumes[m].accessMode !== 'ReadWriteMany');
}

/** The container every long-running process gets from its spec: image, command, env, resources. */
function processContainer(ctx: ServiceContext, name: string, p: { image?: string; command?: string[]; args?: string[]; workingDir?: string; env: Record<string, string>; resources: Resources }, calls: readonly string[] = []) {
  return {
    image: p.image ?? ctx.spec.image,
    command: p.command,
    args: p.args,
    workingDir: workingDirOf(ctx.spec, p),
    env: [...followerFlags(ctx.spec), ...callerUrls(ctx, callsOf(ctx.spec, name, calls)), ...toEnvVars(p.env)],
    resources: toResources(p.resources),
  };
}

export function buildWorkloads(ctx: ServiceContext): BuiltWorkloads {
  const { spec, scope } = ctx;
  const base = { serviceAccountName: ctx.serviceAccountName, security: ctx.security };
  const web = new Map<string, WebService>();
  const workers = new Map<string, Worker>();
  const singletons = new Map<string, Singleton>();

  for (const [name, p] of Object.entries(spec.web)) {
    web.set(
      name,
      new WebService(scope, `web-${name}`, {
        ...base,
        identity: { service: spec.name, component: name },
        container: processContainer(ctx, name, p),
        port: p.port,
        metricsPort: p.metrics?.port,
        appProtocol: webSocketBackend(ctx, p) ? 'kubernetes.io/ws' : undefined,
        probes: p.health,
        replicas: p.replicas,
        autoscaling: p.autoscaling,
        gracefulTimeoutSeconds: p.gracefulTimeoutSeconds,
        spreadAcrossZones: ctx.env.production && (p.autoscaling ? p.autoscaling.minReplicas : p.replicas) > 1,
        recreate: ownsRwoClaim(spec, p.mounts),
        scratch: { gunicornTmp: p.server === 'gunicorn', prometheusMultiproc: p.metrics?.multiprocess ?? false },
        contributions: ctx.contributions.for(name),
      }),
    );
  }

  for (const [name, p] of Object.entries(spec.workers)) {
    workers.set(
      name,
      new Worker(scope, `worker-${name}`, {
        ...base,
        identity: { service: spec.name, component: name },
        container: processContainer(ctx, name, p, p.calls),
        replicas: p.replicas,
        probe: p.probe,
        terminationGracePeriodSeconds: p.terminationGracePeriodSeconds,
        recreate: ownsRwoClaim(spec, p.mounts),
        contributions: ctx.contributions.for(name),
      }),
    );
  }

  for (const [name, s] of Object.entries(spec.singletons)) {
    const like = s.like ? spec.web[s.like] : undefined;
    singletons.set(
      name,
      new Singleton(scope, `singleton-${name}`, {
        ...base,
        identity: { service: spec.name, component: name },
        flag: s.flag,
        container: {
          image: s.image ?? like?.image ?? spec.image,
          command: s.command ?? like?.command,
          args: s.args ?? (s.command ? undefined : like?.args),
          workingDir: s.workingDir ?? like?.workingDir ?? workingDirOf(spec, { image: s.image ?? like?.image }),
          env: [...followerFlags(spec, name), ...callerUrls(ctx, callsOf(spec, name, s.calls)), ...toEnvVars({ ...like?.env, ...s.env })],
          resources: toResources(s.resources),
        },
        scratch: { gunicornTmp: like?.server === 'gunicorn' },
        contributions: ctx.contributions.for(name),
      }),
    );
  }

  let migration: MigrationJob | undefined;
  if (spec.migration) {
    const m = spec.migration;
    migration = new MigrationJob(scope, 'migrate', {
      ...base,
      identity: { service: spec.name, component: 'migrate' },
      container: { image: m.image ?? spec.image, command: m.command, workingDir: workingDirOf(spec, m), env: [...followerFlags(spec), ...toEnvVars(m.env)], resources: toResources(m.resources) },
      backoffLimit: m.backoffLimit,
      activeDeadlineSeconds: m.activeDeadlineSeconds,
      contributions: ctx.contributions.for('migrate'),
    });
  }
  return { web, workers, singletons, migration };
}

/** PersistentVolumeClaims for the spec's volumes, and their mounts for the processes that list them. */
export function buildVolumes(ctx: ServiceContext): void {
  const { spec } = ctx;
  for (const [name, v] of Object.entries(spec.volumes)) {
    const claimName = `${spec.name}-${name}`;
    kube(ctx.scope, `claim-${name}`, k8s.KubePersistentVolumeClaim, {
      metadata: {
        name: claimName,
        labels: { 'app.kubernetes.io/name': spec.name, 'app.kubernetes.io/part-of': spec.name, 'app.kubernetes.io/managed-by': 'berth' },
        // Never let Argo CD delete data: a claim removed from the spec stays (no prune), and so
        // does a claim whose Application is deleted (no delete); see KEEP_IN_CLUSTER.
        annotations: syncOptionsAnnotation(KEEP_IN_CLUSTER),
      },
      spec: {
        accessModes: [v.accessMode],
        storageClassName: v.storageClassName,
        resources: { requests: { storage: k8s.Quantity.fromString(v.size) } },
      },
    });
    const users = [
      ...Object.entries(spec.web),
      ...Object.entries(spec.workers),
      ...Object.entries(spec.singletons),
      ...Object.entries(spec.cron.jobs),
    ]
      .filter(([, p]) => p.mounts.includes(name))
      .map(([n]) => n);
    if (users.length) {
      ctx.contributions.add(
        {
          volumes: [{ name: `data-${name}`, persistentVolumeClaim: { claimName, readOnly: v.readOnly || undefined } }],
          mounts: [{ name: `data-${name}`, mountPath: v.mountPath, readOnly: v.readOnly || undefined }],
        },
        users,
      );
    }
  }
}
