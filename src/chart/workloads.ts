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
import { serviceLabels } from '../constructs/workloads/labels';
import { podMounts, ProcessKind, ProcessModel } from '../model/service-model';
import { serviceObjectName } from '../util/names';
import { claimVolumeName } from '../util/pod-volumes';
import { Resources, ServiceSpec, WebProcess } from '../spec/schema';
import { KEEP_IN_CLUSTER, syncOptionsAnnotation } from '../util/sync-options';
import { ServiceContext } from './context';
import { extraContainersOf } from './extra-containers';
import { podEnvVars, podSettingsProps } from './pod-settings';

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

/** Env var pointing a caller at each web process it calls, e.g. AUTH_SERVER_URL. */
function callerUrls(ctx: ServiceContext, p: ProcessModel): EnvVar[] {
  return p.calls.flatMap((c) => {
    const target = ctx.spec.web[c];
    return target.urlEnv ? [{ name: target.urlEnv, value: `http://${serviceObjectName(ctx.model.service, c)}.${ctx.model.namespace}.svc.cluster.local:${target.port}` }] : [];
  });
}

/**
 * Does a Gateway route WebSockets to this web process? Then its Service port says so
 * (`kubernetes.io/ws`, GEP-1911): Contour and NGINX Gateway Fabric upgrade a connection only
 * after that opt-in. ingress-nginx and Traefik upgrade every connection and ignore appProtocol.
 */
function webSocketBackend(ctx: ServiceContext, p: WebProcess): boolean {
  const edge = ctx.model.edge;
  return Boolean(edge?.websockets && p.public && edge.profile === 'gateway');
}

/** Does this process mount a ReadWriteOnce claim (so it must never run two pods on two nodes)? */
function ownsRwoClaim(ctx: ServiceContext, p: ProcessModel): boolean {
  return ctx.model.volumes.some((v) => podMounts(p).includes(v.name) && v.accessMode !== 'ReadWriteMany');
}

/** The container of a process, as the model resolved it: image, command, working directory, env, resources. */
export function processContainer(p: ProcessModel, env: readonly EnvVar[]) {
  return {
    image: p.image!,
    command: p.command && [...p.command],
    args: p.args && [...p.args],
    workingDir: p.workingDir,
    env: [...env, ...podEnvVars(p), ...toEnvVars(p.env)],
    resources: toResources(p.resources!),
  };
}

export function buildWorkloads(ctx: ServiceContext): BuiltWorkloads {
  const { spec, scope, model } = ctx;
  const base = { serviceAccountName: ctx.serviceAccountName, security: ctx.security };
  const web = new Map<string, WebService>();
  const workers = new Map<string, Worker>();
  const singletons = new Map<string, Singleton>();
  const identity = (p: ProcessModel) => ({ service: model.service, component: p.name });
  let migration: MigrationJob | undefined;

  // One construct per kind of long-running process and the migration; CronJobs are chart/jobs.ts's.
  const build: Record<Exclude<ProcessKind, 'cronjob'>, (p: ProcessModel) => void> = {
    web: (p) => {
      const w = spec.web[p.name];
      web.set(p.name, new WebService(scope, `web-${p.name}`, {
        ...base,
        identity: identity(p),
        settings: podSettingsProps(model, p),
        container: processContainer(p, [...followerFlags(spec), ...callerUrls(ctx, p)]),
        port: w.port,
        metricsPort: w.metrics?.port,
        appProtocol: webSocketBackend(ctx, w) ? 'kubernetes.io/ws' : undefined,
        probes: w.health,
        replicas: w.replicas,
        autoscaling: w.autoscaling,
        gracefulTimeoutSeconds: w.gracefulTimeoutSeconds,
        spreadAcrossZones: ctx.env.production && (w.autoscaling ? w.autoscaling.minReplicas : w.replicas) > 1,
        recreate: ownsRwoClaim(ctx, p),
        scratch: { gunicornTmp: w.server === 'gunicorn', prometheusMultiproc: w.metrics?.multiprocess === true },
        contributions: ctx.contributions.for(p.name),
        extraContainers: extraContainersOf(ctx, p),
      }));
    },
    worker: (p) => {
      const w = spec.workers[p.name];
      workers.set(p.name, new Worker(scope, `worker-${p.name}`, {
        ...base,
        identity: identity(p),
        settings: podSettingsProps(model, p),
        container: processContainer(p, [...followerFlags(spec), ...callerUrls(ctx, p)]),
        replicas: w.replicas,
        probe: w.probe,
        terminationGracePeriodSeconds: w.terminationGracePeriodSeconds,
        recreate: ownsRwoClaim(ctx, p),
        contributions: ctx.contributions.for(p.name),
        extraContainers: extraContainersOf(ctx, p),
      }));
    },
    singleton: (p) => {
      const s = spec.singletons[p.name];
      const like = s.like ? spec.web[s.like] : undefined;
      singletons.set(p.name, new Singleton(scope, `singleton-${p.name}`, {
        ...base,
        identity: identity(p),
        settings: podSettingsProps(model, p),
        flag: s.flag,
        container: processContainer(p, [...followerFlags(spec, p.name), ...callerUrls(ctx, p)]),
        scratch: { gunicornTmp: like?.server === 'gunicorn' },
        contributions: ctx.contributions.for(p.name),
        extraContainers: extraContainersOf(ctx, p),
      }));
    },
    migration: (p) => {
      const m = spec.migration!;
      migration = new MigrationJob(scope, 'migrate', {
        ...base,
        identity: identity(p),
        settings: podSettingsProps(model, p),
        container: processContainer(p, followerFlags(spec)),
        backoffLimit: m.backoffLimit,
        activeDeadlineSeconds: m.activeDeadlineSeconds,
        contributions: ctx.contributions.for(p.name),
        extraContainers: extraContainersOf(ctx, p),
      });
    },
  };
  for (const p of model.processes) if (p.kind !== 'cronjob') build[p.kind](p);
  return { web, workers, singletons, migration };
}

/** PersistentVolumeClaims for the spec's volumes, and their mounts for the processes that list them. */
export function buildVolumes(ctx: ServiceContext): void {
  for (const v of ctx.model.volumes) {
    const { name, claimName, users } = v;
    kube(ctx.scope, `claim-${name}`, k8s.KubePersistentVolumeClaim, {
      metadata: {
        name: claimName,
        labels: serviceLabels(ctx.model.service),
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
    if (users.length) {
      const mount = { name: claimVolumeName(name), mountPath: v.mountPath, readOnly: v.readOnly || undefined };
      ctx.contributions.add({ volumes: [{ name: claimVolumeName(name), persistentVolumeClaim: { claimName, readOnly: v.readOnly || undefined } }] }, users);
      const processes = ctx.model.processes.filter((p) => users.includes(p.name));
      ctx.contributions.add({ mounts: [mount] }, processes.filter((p) => p.mounts.includes(name)).map((p) => p.name));
      // Init containers and sidecars that name the claim (issue 21 item 5).
      for (const p of processes) for (const c of [...p.sidecars, ...p.initContainers]) if (c.mounts.includes(name)) ctx.contributions.addToContainer({ mounts: [mount] }, p.name, c.name);
    }
  }
}
