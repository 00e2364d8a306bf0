/**
 * The resolved service: one service in one environment, with every default applied and every
 * derived fact worked out once, from the merged, validated spec and the environment's settings.
 * spec/load.ts builds it once per unit; validation (spec/semantics.ts), the charts, `berth
 * explain` and the alerts read it. A new kind of process is a new {@link ProcessKind} here and
 * its construct in the chart, nowhere else.
 */
import { defaultSecretFile } from '../constructs/secrets/secret-item';
import { workloadLabels } from '../constructs/workloads/labels';
import { namespaceOf, serviceObjectName } from '../util/names';
import { dependencyUsers, internetCallers, secretsOf } from '../spec/egress';
import { allProcesses } from '../spec/processes';
import { ContainerSecurity, Dependency, Environment, ExtraVolume, InitContainer, Resources, SecretSource, Secrets, ServiceSpec, Sidecar, SidecarProbe, Volume } from '../spec/schema';
import { EnvValue, plainEnv } from '../spec/pod-settings';
import { EdgeModel, EdgeProfile, edgeProfile, ingressControllerPods, PodsRef, resolveEdge } from './edge';
import { PodSettingsInput, PodSettingsModel, podEnvOf, resolvePodSettings, resolveServiceAccount, ServiceAccountModel } from './pod-settings';

/** The kinds of process berth runs. */
export type ProcessKind = 'web' | 'worker' | 'singleton' | 'migration' | 'cronjob';

/** The kinds of CronJob: berth's two built-in jobs, and the spec's own. */
export type CronKind = 'tmp-cleanup' | 'retention' | 'generic';

/** When and how a CronJob runs: the fields every kind of CronJob takes from its spec section. */
export interface ScheduleModel {
  readonly schedule: string;
  readonly timeZone: string;
  readonly startingDeadlineSeconds: number;
  readonly activeDeadlineSeconds: number;
  readonly backoffLimit: number;
  readonly restartPolicy: 'OnFailure' | 'Never';
  readonly successfulJobsHistoryLimit: number;
  readonly failedJobsHistoryLimit: number;
}

/** The schedule fields of a CronJob's spec section. */
function scheduleOf(j: ScheduleModel): ScheduleModel {
  return {
    schedule: j.schedule,
    timeZone: j.timeZone,
    startingDeadlineSeconds: j.startingDeadlineSeconds,
    activeDeadlineSeconds: j.activeDeadlineSeconds,
    backoffLimit: j.backoffLimit,
    restartPolicy: j.restartPolicy,
    successfulJobsHistoryLimit: j.successfulJobsHistoryLimit,
    failedJobsHistoryLimit: j.failedJobsHistoryLimit,
  };
}

/** One process or job of the service, as its pods run it. */
export interface ProcessModel {
  readonly kind: ProcessKind;
  /** For `cronjob`: which one. @default - not a CronJob */
  readonly cron?: CronKind;
  /** For `cronjob`: when it runs. @default - not a CronJob */
  readonly schedule?: ScheduleModel;
  /** The name its pods carry as `app.kubernetes.io/component`, and `consumers`/`usedBy` list. */
  readonly name: string;
  /** The spec field that declares it, e.g. `web.api`, `migration`, `cron.retention`. */
  readonly field: string;
  /** `<service>-<name>`: its Deployment, Service, Job or CronJob. */
  readonly objectName: string;
  /** Labels on its objects and pods. */
  readonly labels: Readonly<Record<string, string>>;
  /** Runs on every node of the service for as long as it is deployed (web, workers, singletons). */
  readonly longRunning: boolean;
  /** Its image. @default - berth's own image (the built-in retention and tmp cleanup scripts) */
  readonly image?: string;
  /** @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - the image's CMD */
  readonly args?: readonly string[];
  /** Its own working directory, else the service's when it runs the service image. @default - the image's WORKDIR */
  readonly workingDir?: string;
  /** Its own env (a singleton's includes its `like` process's). */
  readonly env: Readonly<Record<string, string>>;
  /** @default - the built-in jobs' own resources */
  readonly resources?: Resources;
  /** The volumes (keys of `volumes`) it mounts. */
  readonly mounts: readonly string[];
  /** The secret items it is given. */
  readonly secretItems: readonly string[];
  /** The dependencies it may connect to. */
  readonly dependencies: readonly string[];
  /** May it call the `externalHttps` APIs? */
  readonly internet: boolean;
  /** The sibling web processes it calls (their URL env vars, and its egress to them). */
  readonly calls: readonly string[];
  /** For web processes: the processes that may connect to its port. */
  readonly callers: readonly string[];
  // --- More containers (issue 21 item 5) ---
  /** Its init containers, in order: the service's merged with its own by name. None for berth's built-in scripts. */
  readonly initContainers: readonly ExtraContainerModel[];
  /** Its native sidecars, in order, merged like {@link initContainers}. None for berth's built-in scripts. */
  readonly sidecars: readonly ExtraContainerModel[];
  // --- end of more containers ---
  /** Pod settings (issue 21): pull secrets, metadata, scheduling, env read from the pod; merged over the service's. */
  readonly pod: PodSettingsModel;
}

// --- More containers and volumes (issue 21 items 5 and 6) -------------------------------------

/** An init container or a sidecar of a process, resolved. */
export interface ExtraContainerModel {
  /** Its container name in the pod. */
  readonly name: string;
  /** Init container, or native sidecar (`restartPolicy: Always`). */
  readonly role: 'init' | 'sidecar';
  /** The spec field that declares it, e.g. `sidecars.otel-collector` or `web.api.initContainers.wait-for-db`. */
  readonly field: string;
  readonly image: string;
  /** @default - the image's ENTRYPOINT */
  readonly command?: readonly string[];
  /** @default - the image's CMD */
  readonly args?: readonly string[];
  /** @default - the image's WORKDIR */
  readonly workingDir?: string;
  /** Its own plain env. */
  readonly env: Readonly<Record<string, string>>;
  /** The secret items (keys of `secrets.items`) it gets, as the process gets them. */
  readonly secrets: readonly string[];
  /** The volumes (keys of `volumes` or `extraVolumes`) it mounts. */
  readonly mounts: readonly string[];
  readonly resources: Resources;
  /** @default - the service's security settings */
  readonly securityContext?: ContainerSecurity;
  /** Named ports (sidecars only); reachable from inside the pod only. */
  readonly ports: ReadonlyArray<{ readonly name: string; readonly port: number }>;
  /** @default - no probes (init containers never have any) */
  readonly probes?: { readonly liveness?: SidecarProbe; readonly readiness?: SidecarProbe; readonly startup?: SidecarProbe };
}

/** An extra volume with its defaults applied and the processes whose pods mount it. */
export interface ExtraVolumeModel extends Omit<ExtraVolume, 'readOnly'> {
  /** Its name in the pod (the key of `extraVolumes`). */
  readonly name: string;
  /** Written as the spec says, else true for configMap, secret and projected, false for emptyDir. */
  readonly readOnly: boolean;
  /** Processes whose app container or extra containers mount it, in process order. */
  readonly users: readonly string[];
}

/** Every volume a process's pod mounts: its app container's and its extra containers'. */
export function podMounts(p: Pick<ProcessModel, 'mounts' | 'initContainers' | 'sidecars'>): string[] {
  return [...new Set([...p.mounts, ...p.initContainers.flatMap((c) => c.mounts), ...p.sidecars.flatMap((c) => c.mounts)])];
}

/**
 * The service's containers of one role merged with a process's: a process entry replaces the
 * service's of the same name in place, `false` drops it, a new name comes after the service's.
 */
function mergeContainers<C extends InitContainer | Sidecar>(
  role: 'init' | 'sidecar',
  service: Readonly<Record<string, C>>,
  own: Readonly<Record<string, C | false>>,
  field: string,
  group: 'initContainers' | 'sidecars',
): ExtraContainerModel[] {
  const merged = new Map<string, [C, string]>(Object.entries(service).map(([n, c]) => [n, [c, `${group}.${n}`]]));
  for (const [n, c] of Object.entries(own)) {
    if (c === false) merged.delete(n);
    else merged.set(n, [c, `${field}.${group}.${n}`]);
  }
  return [...merged].map(([name, [c, at]]): ExtraContainerModel => ({
    name,
    role,
    field: at,
    image: c.image,
    ...(c.command !== undefined && { command: c.command }),
    ...(c.args !== undefined && { args: c.args }),
    ...(c.workingDir !== undefined && { workingDir: c.workingDir }),
    env: c.env,
    secrets: c.secrets,
    mounts: c.mounts,
    resources: c.resources,
    ...(c.securityContext !== undefined && { securityContext: c.securityContext }),
    ports: 'ports' in c ? Object.entries(c.ports).map(([pn, port]) => ({ name: pn, port })) : [],
    ...('probes' in c && c.probes !== undefined && { probes: c.probes }),
  }));
}

/** The init containers and sidecars of a process that runs app code, from the service's and its own. */
function extraContainersOf(spec: ServiceSpec, field: string, own?: { readonly initContainers: Readonly<Record<string, InitContainer | false>>; readonly sidecars: Readonly<Record<string, Sidecar | false>> }) {
  return {
    initContainers: mergeContainers('init', spec.initContainers, own?.initContainers ?? {}, field, 'initContainers'),
    sidecars: mergeContainers('sidecar', spec.sidecars, own?.sidecars ?? {}, field, 'sidecars'),
  };
}

// --- end of more containers and volumes -------------------------------------------------------

/** A secret item with its defaults applied. */
export interface SecretItemModel {
  /** The env name the app knows it by. */
  readonly name: string;
  readonly file: string;
  readonly key: string;
  /** The processes given it: its `consumers`, else every process and job. */
  readonly consumers: readonly string[];
  /** Were consumers left to their default (every process)? */
  readonly everyone: boolean;
  readonly remoteKey?: string;
  readonly property?: string;
  readonly encrypted?: string;
}

/** The service's secrets, resolved. */
export interface SecretsModel {
  /** The Secret the values are read from: the existing one, or `<service>-secrets`. */
  readonly secretName: string;
  readonly source: SecretSource;
  readonly delivery: Secrets['delivery'];
  readonly mountPath: string;
  /** @default - no .env (delivery is not `dotenv`) */
  readonly dotenvPath?: string;
  readonly items: readonly SecretItemModel[];
  /** Registry credentials from the source, as the `kubernetes.io/dockerconfigjson` Secret `<service>-registry` (issue 21). @default - none */
  readonly registry?: { readonly secretName: string; readonly remoteKey?: string; readonly property?: string; readonly encrypted?: string };
}

/** A volume and the claim that backs it. */
export interface VolumeModel extends Volume {
  readonly name: string;
  readonly claimName: string;
  /** The processes and generic CronJobs whose pods mount it (app or extra container), in process order. */
  readonly users: readonly string[];
}

/** A dependency and who may connect to it. */
export interface DependencyModel extends Omit<Dependency, 'secrets' | 'usedBy'> {
  readonly name: string;
  /** The processes that connect to it: its `usedBy` as written, else every process and job. */
  readonly users: readonly string[];
  /** The secret items that hold its address or credentials (spec/egress.ts `secretsOf`), sorted. */
  readonly secrets: readonly string[];
}

/** One service in one environment, resolved. */
export interface ServiceModel {
  readonly service: string;
  readonly envName: string;
  readonly namespace: string;
  /** The name of {@link ServiceModel.serviceAccount}, which every pod runs as. */
  readonly serviceAccountName: string;
  /** The service's one ServiceAccount: workload identity, the API token (issue 21). */
  readonly serviceAccount: ServiceAccountModel;
  /** Labels and annotations on every object of the service, beside berth's own (issue 21). */
  readonly metadata: { readonly labels: Readonly<Record<string, string>>; readonly annotations: Readonly<Record<string, string>> };
  /** Every process and job: web, workers, singletons, the migration, then the CronJobs. */
  readonly processes: readonly ProcessModel[];
  /** @default - no secrets */
  readonly secrets?: SecretsModel;
  /** The controller profile the service uses here: its own, else the environment's. */
  readonly edgeProfile: EdgeProfile;
  /** The pods of that profile's ingress controller. @default - no known controller */
  readonly ingressController?: PodsRef;
  /** @default - no edge */
  readonly edge?: EdgeModel;
  readonly volumes: readonly VolumeModel[];
  /** The `extraVolumes` (issue 21 item 6), in spec order. */
  readonly extraVolumes: readonly ExtraVolumeModel[];
  readonly dependencies: readonly DependencyModel[];
  /** The processes that may call the `externalHttps` APIs (none when it lists none). */
  readonly internetCallers: readonly string[];
}

/**
 * The Secret a service's secrets are read from: the existing one it names, or `<service>-secrets`,
 * which its ExternalSecret or SealedSecret creates.
 */
export function secretNameOf(service: string, source: SecretSource): string {
  return 'existingSecret' in source ? source.existingSecret : serviceObjectName(service, 'secrets');
}

/**
 * The working directory of a container that runs app code: its own, else the service's when it
 * runs the service image. A WORKDIR is a fact about an image: a process with an image of its own
 * (a static frontend) keeps that image's.
 */
export function workingDirOf(spec: ServiceSpec, p: { readonly image?: string; readonly workingDir?: string }): string | undefined {
  return p.workingDir ?? (p.image === undefined ? spec.workingDir : undefined);
}

/** Processes that may call a web process: its `allowFrom`, and workers and singletons whose `calls` name it. */
export function callersOf(spec: ServiceSpec, web: string): string[] {
  const declared = [...Object.entries(spec.workers), ...Object.entries(spec.singletons)].filter(([, p]) => p.calls.includes(web)).map(([n]) => n);
  return [...new Set([...spec.web[web].allowFrom, ...declared])].filter((n) => n !== web).sort();
}

/** The web processes a process calls: the inverse of {@link callersOf}. */
function callsOf(spec: ServiceSpec, process: string): string[] {
  return Object.keys(spec.web).filter((w) => w !== process && callersOf(spec, w).includes(process)).sort();
}

/** The items with their file, key and consumer defaults applied. */
function resolveSecretItems(spec: ServiceSpec): SecretItemModel[] {
  const everyone = allProcesses(spec);
  return Object.entries(spec.secrets?.items ?? {}).map(([name, i]) => {
    const file = i.file ?? defaultSecretFile(name);
    return {
      name,
      file,
      key: i.key ?? file,
      consumers: i.consumers ?? everyone,
      everyone: i.consumers === undefined,
      ...(i.remoteKey !== undefined && { remoteKey: i.remoteKey }),
      ...(i.property !== undefined && { property: i.property }),
      ...(i.encrypted !== undefined && { encrypted: i.encrypted }),
    };
  });
}

/**
 * berth's built-in scripts (retention prune, the built-in tmp cleanup) get no init containers
 * or sidecars: they run berth's own image and a few lines of SQL or find(1), need nothing
 * beside them, and a wait-for-database init or a collector would only add failure modes and
 * egress to a job that has neither app code nor telemetry.
 */
const NO_EXTRA_CONTAINERS = { initContainers: [], sidecars: [] } as const;

/** Builds the model of a validated spec in one environment. Total: it never throws on a schema-valid spec. */
export function resolveService(spec: ServiceSpec, env: Environment, envName: string): ServiceModel {
  const service = spec.name;
  const items = resolveSecretItems(spec);
  const internet = spec.externalHttps.length ? internetCallers(spec) : [];
  const dependencies = Object.entries(spec.dependencies).map(([name, dep]): DependencyModel => {
    const { usedBy: _usedBy, secrets: _declared, ...rest } = dep;
    return { ...rest, name, users: dependencyUsers(spec, dep), secrets: [...secretsOf(spec, name, dep)].sort() };
  });
  const retention = spec.cron.retention;

  const account = resolveServiceAccount(spec);
  // An existing Secret source has no object to write credentials with (semantics.ts refuses it).
  const pullSecret = spec.secrets?.imagePullSecret;
  const registry = pullSecret && !('existingSecret' in spec.secrets!.source) ? { secretName: serviceObjectName(service, 'registry'), ...pullSecret } : undefined;
  type Own = Omit<ProcessModel, 'objectName' | 'labels' | 'secretItems' | 'dependencies' | 'internet' | 'calls' | 'callers' | 'longRunning' | 'pod'>;
  // The pod settings of a process: its spec section's over the service's; env read from the pod
  // only where the app's env goes (the built-in cleanup and retention scripts get none).
  const podOf = (own: PodSettingsInput, ...envBlocks: Array<Readonly<Record<string, EnvValue>> | undefined>) =>
    resolvePodSettings(spec, env, own, envBlocks.length ? podEnvOf(spec.env, ...envBlocks) : [], account, registry?.secretName);
  const complete = (p: Own, pod: PodSettingsModel): ProcessModel => {
    const longRunning = p.kind === 'web' || p.kind === 'worker' || p.kind === 'singleton';
    const secretItems = p.cron === 'retention' ? [retention!.databaseUrlSecret] : p.cron === 'tmp-cleanup' && !p.command ? [] : items.filter((i) => i.consumers.includes(p.name)).map((i) => i.name);
    return {
      ...p,
      objectName: serviceObjectName(service, p.name),
      labels: workloadLabels({ service, component: p.name }),
      longRunning,
      secretItems,
      dependencies: dependencies.filter((d) => d.users.includes(p.name)).map((d) => d.name),
      internet: internet.includes(p.name),
      calls: longRunning ? callsOf(spec, p.name) : [],
      callers: p.kind === 'web' ? callersOf(spec, p.name) : [],
      pod,
    };
  };
  const own: Array<[Own, PodSettingsModel]> = [
    ...Object.entries(spec.web).map(([name, p]): [Own, PodSettingsModel] => [{ kind: 'web', name, field: `web.${name}`, image: p.image ?? spec.image, command: p.command, args: p.args, workingDir: workingDirOf(spec, p), env: plainEnv(p.env), resources: p.resources, mounts: p.mounts, ...extraContainersOf(spec, `web.${name}`, p) }, podOf(p, p.env)]),
    ...Object.entries(spec.workers).map(([name, p]): [Own, PodSettingsModel] => [{ kind: 'worker', name, field: `workers.${name}`, image: p.image ?? spec.image, command: p.command, args: p.args, workingDir: workingDirOf(spec, p), env: plainEnv(p.env), resources: p.resources, mounts: p.mounts, ...extraContainersOf(spec, `workers.${name}`, p) }, podOf(p, p.env)]),
    ...Object.entries(spec.singletons).map(([name, s]): [Own, PodSettingsModel] => {
      const like = s.like !== undefined && Object.hasOwn(spec.web, s.like) ? spec.web[s.like] : undefined;
      return [{
        kind: 'singleton',
        name,
        field: `singletons.${name}`,
        image: s.image ?? like?.image ?? spec.image,
        command: s.command ?? like?.command,
        args: s.args ?? (s.command ? undefined : like?.args),
        workingDir: s.workingDir ?? like?.workingDir ?? workingDirOf(spec, { image: s.image ?? like?.image }),
        env: plainEnv({ ...like?.env, ...s.env }),
        resources: s.resources,
        mounts: s.mounts,
        ...extraContainersOf(spec, `singletons.${name}`, s),
      }, podOf(s, like?.env, s.env)];
    }),
    ...(spec.migration ? [[{ kind: 'migration', name: 'migrate', field: 'migration', image: spec.migration.image ?? spec.image, command: spec.migration.command, workingDir: workingDirOf(spec, spec.migration), env: plainEnv(spec.migration.env), resources: spec.migration.resources, mounts: [], ...extraContainersOf(spec, 'migration', spec.migration) } satisfies Own, podOf(spec.migration, spec.migration.env)] as [Own, PodSettingsModel]] : []),
    ...(spec.cron.tmpCleanup ? [[{ kind: 'cronjob', cron: 'tmp-cleanup', schedule: scheduleOf(spec.cron.tmpCleanup), name: 'tmp-cleanup', field: 'cron.tmpCleanup', ...(spec.cron.tmpCleanup.command && { image: spec.image, command: spec.cron.tmpCleanup.command, workingDir: workingDirOf(spec, spec.cron.tmpCleanup) }), env: {}, resources: spec.cron.tmpCleanup.resources, mounts: [spec.cron.tmpCleanup.volume], ...(spec.cron.tmpCleanup.command ? extraContainersOf(spec, 'cron.tmpCleanup') : NO_EXTRA_CONTAINERS) } satisfies Own, spec.cron.tmpCleanup.command ? podOf(spec.cron.tmpCleanup, {}) : podOf(spec.cron.tmpCleanup)] as [Own, PodSettingsModel]] : []),
    ...(retention ? [[{ kind: 'cronjob', cron: 'retention', schedule: scheduleOf(retention), name: 'retention', field: 'cron.retention', env: {}, resources: retention.resources, mounts: [], ...NO_EXTRA_CONTAINERS } satisfies Own, podOf(retention)] as [Own, PodSettingsModel]] : []),
    ...Object.entries(spec.cron.jobs).map(([name, j]): [Own, PodSettingsModel] => [{ kind: 'cronjob', cron: 'generic', schedule: scheduleOf(j), name, field: `cron.jobs.${name}`, image: j.image ?? spec.image, command: j.command, workingDir: workingDirOf(spec, j), env: plainEnv(j.env), resources: j.resources, mounts: j.mounts, ...extraContainersOf(spec, `cron.jobs.${name}`, j) }, podOf(spec.cron.jobs[name], j.env)]),
  ];
  const processes = own.map(([p, pod]) => complete(p, pod));

  const volumes = Object.entries(spec.volumes).map(([name, v]): VolumeModel => ({
    ...v,
    name,
    claimName: serviceObjectName(service, name),
    // The tmp cleanup job mounts its volume itself (it may run elsewhere); the others through their pods.
    users: processes.filter((p) => p.cron !== 'tmp-cleanup' && podMounts(p).includes(name)).map((p) => p.name),
  }));
  const extraVolumes = Object.entries(spec.extraVolumes).map(([name, v]): ExtraVolumeModel => ({
    ...v,
    name,
    readOnly: v.readOnly ?? v.emptyDir === undefined,
    users: processes.filter((p) => podMounts(p).includes(name)).map((p) => p.name),
  }));

  const secrets = spec.secrets && {
    secretName: secretNameOf(service, spec.secrets.source),
    source: spec.secrets.source,
    delivery: spec.secrets.delivery,
    mountPath: spec.secrets.mountPath,
    ...(spec.secrets.dotenvPath !== undefined && { dotenvPath: spec.secrets.dotenvPath }),
    items,
    ...(registry && { registry }),
  };
  const controller = ingressControllerPods(env, spec.edge);
  const edge = resolveEdge(spec, env);
  return {
    service,
    envName,
    namespace: namespaceOf(spec),
    serviceAccountName: account.name,
    serviceAccount: account,
    metadata: { labels: { ...spec.labels }, annotations: { ...spec.annotations } },
    processes,
    ...(secrets && { secrets }),
    edgeProfile: edgeProfile(spec.edge, env),
    ...(controller && { ingressController: controller }),
    ...(edge && { edge }),
    volumes,
    extraVolumes,
    dependencies,
    internetCallers: internet,
  };
}
