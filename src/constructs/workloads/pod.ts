/**
 * What every pod berth writes has in common: the restricted Pod Security profile, a read-only
 * root filesystem with the writable directories Python servers need, no service-account token,
 * explicit resources, and the volumes, mounts and env that other constructs (config, secret
 * files, claims) contribute.
 *
 * Props here are berth's own small types, not the generated `k8s.*` ones, so the public API does
 * not change with the Kubernetes schema version.
 */
import { SECURITY_EXCEPTION_ANNOTATION } from '../../util/annotations';
import { SCRATCH_VOLUMES } from '../../util/pod-volumes';
import { SCRATCH_PATHS } from '../../util/scratch-paths';
import { dnsLabelProblem, imageRefProblem, refuseProp } from '../../util/validate';
import { Construct } from 'constructs';
import * as k8s from '../k8s';
import { selectorLabels, workloadLabels, WorkloadIdentity } from './labels';
import { mergeAffinity, PodSettingsProps, podSettingsSpec, spreadConstraints } from './pod-settings';

/** An env var: a literal, a reference to a Secret or ConfigMap key, or a field or resource of the pod. */
export type EnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly secretKeyRef: { readonly name: string; readonly key: string } }
  | { readonly name: string; readonly configMapKeyRef: { readonly name: string; readonly key: string } }
  | { readonly name: string; readonly fieldRef: { readonly fieldPath: string } }
  | { readonly name: string; readonly resourceFieldRef: { readonly resource: string; readonly divisor?: string } };

/** A pod volume. Exactly one source is set. */
export interface VolumeSource {
  /** The volume's name in the pod. */
  readonly name: string;
  /** A scratch directory. @default - not an emptyDir */
  readonly emptyDir?: { readonly medium?: 'Memory'; readonly sizeLimit?: string };
  /** Keys of a Secret as files. @default - not a Secret volume */
  readonly secret?: { readonly secretName: string; readonly defaultMode: number; readonly items?: readonly KeyToPath[] };
  /** A claim. @default - not a claim */
  readonly persistentVolumeClaim?: { readonly claimName: string; readonly readOnly?: boolean };
  /** Keys of a ConfigMap as files. @default - not a ConfigMap volume */
  readonly configMap?: { readonly name: string; readonly items?: readonly KeyToPath[]; readonly defaultMode?: number };
  /** ConfigMaps, Secrets and pod fields projected into one directory (issue 21 item 6). @default - not a projected volume */
  readonly projected?: { readonly sources: readonly ProjectedSource[]; readonly defaultMode?: number };
}

/** A key of a ConfigMap or Secret as a file of a volume. */
export interface KeyToPath {
  /** The key in the ConfigMap or Secret. */
  readonly key: string;
  /** Relative path of the file in the volume. */
  readonly path: string;
  /** @default - the volume's defaultMode */
  readonly mode?: number;
}

/** One source of a projected volume. Exactly one is set. */
export interface ProjectedSource {
  /** @default - not a ConfigMap */
  readonly configMap?: { readonly name: string; readonly items?: readonly KeyToPath[] };
  /** @default - not a Secret */
  readonly secret?: { readonly name: string; readonly items?: readonly KeyToPath[] };
  /** Fields of the pod's own metadata as files. @default - none */
  readonly downwardAPI?: { readonly items: ReadonlyArray<{ readonly path: string; readonly fieldPath: string }> };
  /** A service-account token with an audience, as the file `path` (issue 21 item 2). @default - none */
  readonly serviceAccountToken?: { readonly audience: string; readonly expirationSeconds: number; readonly path: string };
}

/** Where a volume appears in a container. */
export interface Mount {
  /** The volume mounted. */
  readonly name: string;
  /** The directory (or file, with subPath) in the container. */
  readonly mountPath: string;
  /** @default false */
  readonly readOnly?: boolean;
  /** Only for files that must sit in a directory the app owns (a `.env`); subPath mounts never see updates. @default - the whole volume */
  readonly subPath?: string;
}

/** Something a construct adds to the pods of the processes that use it. */
export interface PodContribution {
  /** @default - none */
  readonly volumes?: readonly VolumeSource[];
  /** @default - none */
  readonly mounts?: readonly Mount[];
  /** @default - none */
  readonly env?: readonly EnvVar[];
  /** ConfigMaps whose keys become env vars (`envFrom`). @default - none */
  readonly envFromConfigMaps?: readonly string[];
  /** Pod template annotations, e.g. a checksum that rolls the pods when content changes. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Requests and limits, always explicit. */
export interface ResourceProps {
  /** CPU request, e.g. `100m`. */
  readonly cpu: string;
  /** Memory request, e.g. `256Mi`. */
  readonly memory: string;
  /** @default - the memory request */
  readonly memoryLimit?: string;
  /** @default - no CPU limit */
  readonly cpuLimit?: string;
}

/** The identity and hardening every pod gets. */
export interface PodSecurityProps {
  /** The non-root uid the containers run as. */
  readonly runAsUser: number;
  /** Their primary gid. */
  readonly runAsGroup: number;
  /** The gid that owns mounted volumes. */
  readonly fsGroup: number;
  /** @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /** Why a default was loosened; recorded as the `berth.dev/security-exception` annotation. @default - none */
  readonly reason?: string;
}

/** The writable directories a hardened Python server needs. */
export interface ScratchProps {
  /** An emptyDir at /tmp. @default true */
  readonly tmp?: boolean;
  /** A memory emptyDir for gunicorn's worker heartbeat files (`GUNICORN_CMD_ARGS=--worker-tmp-dir`). @default false */
  readonly gunicornTmp?: boolean;
  /** A memory emptyDir for prometheus_client multi-process files (`PROMETHEUS_MULTIPROC_DIR`). @default false */
  readonly prometheusMultiproc?: boolean;
}

/** A container probe: an HTTP GET on a named port, or a command. Set exactly one of `httpGet` and `exec`. */
export interface ProbeProps {
  /** GET `path` on the container port named `port` (or on a port number). @default - not an HTTP probe */
  readonly httpGet?: { readonly path: string; readonly port: string | number };
  /** A command run in the container; exit 0 is healthy. @default - not a command probe */
  readonly exec?: readonly string[];
  /** How often to probe. */
  readonly periodSeconds: number;
  /** How long one probe may take. */
  readonly timeoutSeconds: number;
  /** Failures in a row before the probe fails. */
  readonly failureThreshold: number;
}

/** What runs in a container: its name, image and command. */
export interface ContainerImageProps {
  /** Its name in the pod; unique among the pod's containers (berth names the app container after the process). */
  readonly name: string;
  /** The image reference, with a tag or digest. */
  readonly image: string;
  /** The entrypoint. @default - the image's ENTRYPOINT */
  readonly command?: readonly string[];
  /** Arguments to the entrypoint. @default - the image's CMD */
  readonly args?: readonly string[];
  /** @default - the image's WORKDIR */
  readonly workingDir?: string;
}

/** One container of a pod. */
export interface ContainerProps extends ContainerImageProps {
  /** Env vars, before the contributions' (a later one of the same name wins). @default - none */
  readonly env?: readonly EnvVar[];
  /** Named TCP ports the container listens on. @default - none */
  readonly ports?: ReadonlyArray<{ readonly name: string; readonly containerPort: number }>;
  /** Requests and limits, always explicit. */
  readonly resources: ResourceProps;
  /** @default - no liveness probe */
  readonly livenessProbe?: ProbeProps;
  /** @default - no readiness probe */
  readonly readinessProbe?: ProbeProps;
  /** @default - no startup probe */
  readonly startupProbe?: ProbeProps;
}

// --- More containers (issue 21 item 5) --------------------------------------------------------

/**
 * A container that runs before the app (an init container) or beside it (a native sidecar). It
 * gets the app container's hardening (non-root, read-only root filesystem, no privilege
 * escalation, all capabilities dropped, RuntimeDefault seccomp) and the pod's /tmp scratch
 * volume; a uid or gid of its own is the only thing it may change, and never to root.
 */
export interface InitContainerProps extends ContainerImageProps {
  /** Env vars; a later one of the same name wins. @default - none */
  readonly env?: readonly EnvVar[];
  /** Mounts of the pod's volumes (the volumes themselves come with the pod's contributions). @default - only /tmp */
  readonly mounts?: readonly Mount[];
  /** Requests and limits, always explicit. */
  readonly resources: ResourceProps;
  /** A non-root uid of its own. @default - the pod's runAsUser */
  readonly runAsUser?: number;
  /** A non-root gid of its own. @default - the pod's runAsGroup */
  readonly runAsGroup?: number;
  /** Written out as `privileged: false` when a spec says so explicitly; a container is never privileged. @default - not written (false) */
  readonly privileged?: false;
}

/** A native sidecar: an init container with `restartPolicy: Always` (Kubernetes 1.29+). */
export interface SidecarProps extends InitContainerProps {
  /** Named TCP ports it listens on, for its probes and for the pod's other containers. @default - none */
  readonly ports?: ReadonlyArray<{ readonly name: string; readonly containerPort: number }>;
  /** @default - no liveness probe */
  readonly livenessProbe?: ProbeProps;
  /** @default - no readiness probe */
  readonly readinessProbe?: ProbeProps;
  /** @default - no startup probe */
  readonly startupProbe?: ProbeProps;
}

/** The containers a pod runs besides the app's. */
export interface ExtraContainersProps {
  /** Run to completion, in order, before the app starts (and after the sidecars have started). @default - none */
  readonly initContainers?: readonly InitContainerProps[];
  /**
   * Start first, in order, and run beside the app for the pod's life; a Job completes when its
   * app container exits, whatever they do. @default - none
   */
  readonly sidecars?: readonly SidecarProps[];
}

// --- end of more containers ---------------------------------------------------------------------

/** Everything needed to render a pod template. */
export interface PodProps {
  /** Labels of the pods (the selector's and more). */
  readonly labels: Readonly<Record<string, string>>;
  /** Pod template annotations, beside the contributions'. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** The service account the pods run as. */
  readonly serviceAccountName: string;
  /** Identity and hardening. */
  readonly security: PodSecurityProps;
  /** berth's writable scratch directories. @default - /tmp only */
  readonly scratch?: ScratchProps;
  /** The app container. */
  readonly container: ContainerProps;
  /** Init containers and native sidecars beside the app container (issue 21 item 5). @default - none */
  readonly extraContainers?: ExtraContainersProps;
  /** Volumes, mounts, env and annotations other constructs add. @default - none */
  readonly contributions?: readonly PodContribution[];
  /** @default - Kubernetes' default for the workload (Always for a Deployment) */
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Spread the pods across zones and nodes (best effort: ScheduleAnyway), counting the pods
   * these labels select. @default - no spread constraints
   */
  readonly spreadSelector?: Readonly<Record<string, string>>;
  /**
   * Run on a node where a pod with these labels runs (a required pod-affinity term on the
   * hostname), beside the settings' own affinity terms. @default - any node
   */
  readonly colocateWith?: Readonly<Record<string, string>>;
  /** The labels that select these pods, which a spread constraint without a labelSelector counts. @default - the pod labels */
  readonly selector?: Readonly<Record<string, string>>;
  /** Pull secrets, the service-account token, extra metadata and scheduling (issue 21). @default - none */
  readonly settings?: PodSettingsProps;
}


/** The container of a process: everything but what its construct sets itself (name, ports, probes). */
export type ProcessContainerProps = Omit<ContainerProps, 'name' | 'ports' | 'livenessProbe' | 'readinessProbe' | 'startupProbe'>;

/** What the pods of every process take: who they are, how they run, and what other constructs add. */
export interface ProcessPodProps {
  /** Names the workload `<service>-<component>` and labels its pods. */
  readonly identity: WorkloadIdentity;
  /** The service's ServiceAccount; its token is not mounted. */
  readonly serviceAccountName: string;
  /** Identity and hardening of the pods. */
  readonly security: PodSecurityProps;
  /** Image, command, env and resources; the container is named after the component. */
  readonly container: ProcessContainerProps;
  /** Secret files, claims and config from other constructs. @default - none */
  readonly contributions?: readonly PodContribution[];
  /** Pod template annotations. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Pull secrets, the service-account token, extra metadata and scheduling (issue 21). @default - none */
  readonly settings?: PodSettingsProps;
  /** Init containers and native sidecars beside the app container (issue 21 item 5). @default - none */
  readonly extraContainers?: ExtraContainersProps;
}


/**
 * Refuses, at construction, the identity names and the image of a process's props that the
 * spec schema would refuse (the rules are shared in util/validate.ts): a TypeScript user learns
 * which construct and which prop is wrong where the construct is created, not at synth.
 * @param image @default - no image is checked (the construct picks its own)
 */
export function checkProcessProps(scope: Construct, props: Pick<ProcessPodProps, 'identity'>, image?: { readonly prop: string; readonly value: string }): void {
  const at = scope.node.path;
  refuseProp(at, 'identity.service', props.identity.service, dnsLabelProblem(props.identity.service));
  refuseProp(at, 'identity.component', props.identity.component, dnsLabelProblem(props.identity.component));
  // A tag beside the digest is only refused in a spec (for Renovate); a construct runs the digest.
  if (image) refuseProp(at, image.prop, image.value, imageRefProblem(image.value, { allowTagAndDigest: true }));
}

function toEnv(e: EnvVar): k8s.EnvVar {
  if ('value' in e) return { name: e.name, value: e.value };
  if ('secretKeyRef' in e) return { name: e.name, valueFrom: { secretKeyRef: { name: e.secretKeyRef.name, key: e.secretKeyRef.key } } };
  if ('fieldRef' in e) return { name: e.name, valueFrom: { fieldRef: { fieldPath: e.fieldRef.fieldPath } } };
  if ('resourceFieldRef' in e) {
    const { resource, divisor } = e.resourceFieldRef;
    return { name: e.name, valueFrom: { resourceFieldRef: { resource, divisor: divisor === undefined ? undefined : k8s.Quantity.fromString(divisor) } } };
  }
  return { name: e.name, valueFrom: { configMapKeyRef: { name: e.configMapKeyRef.name, key: e.configMapKeyRef.key } } };
}

function toVolume(v: VolumeSource): k8s.Volume {
  return {
    name: v.name,
    ...(v.emptyDir && { emptyDir: { medium: v.emptyDir.medium, sizeLimit: v.emptyDir.sizeLimit ? k8s.Quantity.fromString(v.emptyDir.sizeLimit) : undefined } }),
    ...(v.secret && { secret: { secretName: v.secret.secretName, defaultMode: v.secret.defaultMode, items: v.secret.items?.map((i) => ({ ...i })) } }),
    ...(v.persistentVolumeClaim && { persistentVolumeClaim: { ...v.persistentVolumeClaim } }),
    ...(v.configMap && { configMap: { name: v.configMap.name, items: v.configMap.items?.map((i) => ({ ...i })), defaultMode: v.configMap.defaultMode } }),
    ...(v.projected && {
      projected: {
        defaultMode: v.projected.defaultMode,
        sources: v.projected.sources.map((src) => ({
          ...(src.configMap && { configMap: { name: src.configMap.name, items: src.configMap.items?.map((i) => ({ ...i })) } }),
          ...(src.secret && { secret: { name: src.secret.name, items: src.secret.items?.map((i) => ({ ...i })) } }),
          ...(src.downwardAPI && { downwardAPI: { items: src.downwardAPI.items.map((i) => ({ path: i.path, fieldRef: { fieldPath: i.fieldPath } })) } }),
          ...(src.serviceAccountToken && { serviceAccountToken: { ...src.serviceAccountToken } }),
        })),
      },
    }),
  };
}

function toResources(r: ResourceProps): k8s.ResourceRequirements {
  return {
    requests: { cpu: k8s.Quantity.fromString(r.cpu), memory: k8s.Quantity.fromString(r.memory) },
    limits: {
      memory: k8s.Quantity.fromString(r.memoryLimit ?? r.memory),
      ...(r.cpuLimit && { cpu: k8s.Quantity.fromString(r.cpuLimit) }),
    },
  };
}

/** Scratch volumes and the env that points the app at them. */
function scratch(props: ScratchProps): PodContribution {
  const volumes: VolumeSource[] = [];
  const mounts: Mount[] = [];
  const env: EnvVar[] = [];
  if (props.tmp ?? true) {
    volumes.push({ name: SCRATCH_VOLUMES.tmp, emptyDir: { sizeLimit: '1Gi' } });
    mounts.push({ name: SCRATCH_VOLUMES.tmp, mountPath: SCRATCH_PATHS.tmp });
  }
  if (props.gunicornTmp) {
    volumes.push({ name: SCRATCH_VOLUMES.gunicornTmp, emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } });
    mounts.push({ name: SCRATCH_VOLUMES.gunicornTmp, mountPath: SCRATCH_PATHS.gunicornTmp });
    env.push({ name: 'GUNICORN_CMD_ARGS', value: `--worker-tmp-dir ${SCRATCH_PATHS.gunicornTmp}` });
  }
  if (props.prometheusMultiproc) {
    volumes.push({ name: SCRATCH_VOLUMES.prometheusMultiproc, emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } });
    mounts.push({ name: SCRATCH_VOLUMES.prometheusMultiproc, mountPath: SCRATCH_PATHS.prometheusMultiproc });
    env.push({ name: 'PROMETHEUS_MULTIPROC_DIR', value: SCRATCH_PATHS.prometheusMultiproc });
  }
  return { volumes, mounts, env };
}

/** Renders a hardened pod template from berth's props. */
export function renderPodTemplate(props: PodProps): k8s.PodTemplateSpec {
  const settings = props.settings ?? {};
  const extra = podSettingsSpec(settings);
  const parts = [scratch(props.scratch ?? {}), ...(props.contributions ?? []), { volumes: extra.volumes, mounts: extra.mounts }];
  const c = props.container;
  const volumes = new Map<string, VolumeSource>();
  const mounts: Mount[] = [];
  const env: EnvVar[] = [];
  const envFrom: string[] = [];
  // The spec's pod annotations first: berth's own (checksums, exceptions) are written over them.
  const annotations: Record<string, string> = { ...settings.annotations, ...props.annotations, ...extra.annotations };
  for (const p of parts) {
    for (const v of p.volumes ?? []) volumes.set(v.name, v);
    mounts.push(...(p.mounts ?? []));
    env.push(...(p.env ?? []));
    envFrom.push(...(p.envFromConfigMaps ?? []));
    Object.assign(annotations, p.annotations);
  }
  // Later entries win, as in a shell: process env overrides service-wide env.
  const envByName = new Map<string, EnvVar>();
  for (const e of [...env, ...(c.env ?? [])]) envByName.set(e.name, e);

  const readOnlyRoot = props.security.readOnlyRootFilesystem ?? true;
  if (props.security.reason) annotations[SECURITY_EXCEPTION_ANNOTATION] = props.security.reason;
  const hardened = containerSecurity(readOnlyRoot);

  const container = toContainer(c, { ports: c.ports, probes: c, envFrom, env: [...envByName.values()], securityContext: hardened, mounts });
  const initContainers = renderExtraContainers(c.name, props.extraContainers ?? {}, hardened, scratchMounts(props.scratch ?? {}), new Set(volumes.keys()));

  return {
    metadata: { labels: { ...settings.labels, ...props.labels }, annotations: Object.keys(annotations).length ? sortKeys(annotations) : undefined },
    spec: {
      serviceAccountName: props.serviceAccountName,
      ...extra.spec,
      enableServiceLinks: false,
      restartPolicy: props.restartPolicy,
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 30,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: props.security.runAsUser,
        runAsGroup: props.security.runAsGroup,
        fsGroup: props.security.fsGroup,
        fsGroupChangePolicy: 'OnRootMismatch',
        seccompProfile: { type: 'RuntimeDefault' },
      },
      affinity: mergeAffinity(
        settings.affinity,
        props.colocateWith && { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...props.colocateWith } } }] } },
      ),
      topologySpreadConstraints: spreadConstraints(
        props.spreadSelector
          ? (['topology.kubernetes.io/zone', 'kubernetes.io/hostname'] as const).map((topologyKey) => ({
              maxSkew: 1,
              topologyKey,
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: { ...props.spreadSelector } },
            }))
          : [],
        settings,
        props.selector ?? props.labels,
      ),
      initContainers: initContainers.length ? initContainers : undefined,
      containers: [container],
      volumes: volumes.size ? [...volumes.values()].map(toVolume) : undefined,
    },
  };
}

/** What a process's construct adds to its {@link ProcessPodProps} to render the pods. */
export interface ProcessPodOptions extends Pick<PodProps, 'restartPolicy' | 'terminationGracePeriodSeconds' | 'spreadSelector' | 'colocateWith'> {
  /** berth's writable scratch directories. @default - an emptyDir at /tmp */
  readonly scratch?: ScratchProps;
  /** Container fields the construct sets itself. @default - none */
  readonly container?: Pick<ContainerProps, 'ports' | 'livenessProbe' | 'readinessProbe' | 'startupProbe'>;
}

/** The pod template of a process: labelled by its identity, its container named after its component. */
export function renderProcessPod(props: ProcessPodProps, options: ProcessPodOptions = {}): k8s.PodTemplateSpec {
  return renderPodTemplate({
    labels: workloadLabels(props.identity),
    annotations: props.annotations,
    serviceAccountName: props.serviceAccountName,
    security: props.security,
    scratch: options.scratch,
    contributions: props.contributions,
    restartPolicy: options.restartPolicy,
    terminationGracePeriodSeconds: options.terminationGracePeriodSeconds,
    spreadSelector: options.spreadSelector,
    colocateWith: options.colocateWith,
    selector: selectorLabels(props.identity),
    settings: props.settings,
    container: { ...props.container, name: props.identity.component, ...options.container },
    extraContainers: props.extraContainers,
  });
}

/** The app container's hardening, which every container of the pod gets. */
function containerSecurity(readOnlyRoot: boolean): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: readOnlyRoot,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

function toMount(m: Mount): k8s.VolumeMount {
  return { name: m.name, mountPath: m.mountPath, readOnly: m.readOnly, subPath: m.subPath };
}

/** The scratch mounts an extra container gets: /tmp only (gunicorn's and the metrics directories are the app's). */
function scratchMounts(props: ScratchProps): Mount[] {
  return [...(scratch({ tmp: props.tmp }).mounts ?? [])];
}

/**
 * The pod's `initContainers`: the sidecars first (with `restartPolicy: Always`), so the init
 * containers after them (and the app) can use them, then the init containers, in order.
 */
function renderExtraContainers(app: string, props: ExtraContainersProps, hardened: k8s.SecurityContext, tmp: readonly Mount[], volumes: ReadonlySet<string>): k8s.Container[] {
  const all: Array<[InitContainerProps | SidecarProps, boolean]> = [...(props.sidecars ?? []).map((s): [SidecarProps, boolean] => [s, true]), ...(props.initContainers ?? []).map((i): [InitContainerProps, boolean] => [i, false])];
  const names = new Set([app]);
  return all.map(([c, sidecar]) => {
    if (names.has(c.name)) throw new Error(`pod: container name "${c.name}" is used twice in one pod (the app container is "${app}"); give the init container or sidecar another name`);
    names.add(c.name);
    for (const id of [c.runAsUser, c.runAsGroup]) {
      if (id !== undefined && (!Number.isInteger(id) || id < 1)) throw new Error(`pod: container "${c.name}" runAsUser/runAsGroup ${id} must be a non-root id (at least 1); Pod Security "restricted" refuses root`);
    }
    const mounts = [...tmp, ...(c.mounts ?? [])];
    const missing = mounts.find((m) => !volumes.has(m.name));
    if (missing) throw new Error(`pod: container "${c.name}" mounts volume "${missing.name}", which the pod does not have; add it to the pod's contributions`);
    const env = new Map<string, EnvVar>();
    for (const e of c.env ?? []) env.set(e.name, e);
    // Only a sidecar listens and is probed: an init container runs to completion.
    const s: SidecarProps | undefined = sidecar ? c : undefined;
    return toContainer(c, {
      ports: s?.ports,
      probes: s ?? {},
      env: [...env.values()],
      restartPolicy: sidecar ? 'Always' : undefined,
      securityContext: {
        ...hardened,
        ...(c.runAsUser !== undefined && { runAsUser: c.runAsUser }),
        ...(c.runAsGroup !== undefined && { runAsGroup: c.runAsGroup }),
        ...(c.privileged === false && { privileged: false }),
      },
      mounts,
    });
  });
}

/** What differs between the app's container and an init container or sidecar. */
interface ContainerParts {
  readonly ports?: ContainerProps['ports'];
  readonly probes: Pick<ContainerProps, 'livenessProbe' | 'readinessProbe' | 'startupProbe'>;
  readonly envFrom?: readonly string[];
  readonly env: readonly EnvVar[];
  readonly restartPolicy?: 'Always';
  readonly securityContext: k8s.SecurityContext;
  readonly mounts: readonly Mount[];
}

/**
 * A container as berth writes every one, the app's and the others alike: the image pulled only when
 * absent (tags are pinned), explicit resources, the log's tail as the termination message. One
 * literal with every field, so each container has the same shape.
 */
function toContainer(c: ContainerImageProps & { readonly resources: ResourceProps }, parts: ContainerParts): k8s.Container {
  const { probes } = parts;
  return {
    name: c.name,
    image: c.image,
    imagePullPolicy: 'IfNotPresent',
    command: c.command ? [...c.command] : undefined,
    args: c.args ? [...c.args] : undefined,
    workingDir: c.workingDir,
    ports: parts.ports?.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })),
    envFrom: parts.envFrom?.length ? parts.envFrom.map((name) => ({ configMapRef: { name } })) : undefined,
    env: parts.env.length ? parts.env.map(toEnv) : undefined,
    resources: toResources(c.resources),
    restartPolicy: parts.restartPolicy,
    livenessProbe: probes.livenessProbe && toProbe(probes.livenessProbe),
    readinessProbe: probes.readinessProbe && toProbe(probes.readinessProbe),
    startupProbe: probes.startupProbe && toProbe(probes.startupProbe),
    securityContext: parts.securityContext,
    volumeMounts: parts.mounts.length ? parts.mounts.map(toMount) : undefined,
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The Kubernetes probe of berth's. */
function toProbe(p: ProbeProps): k8s.Probe {
  return {
    ...(p.exec && { exec: { command: [...p.exec] } }),
    ...(p.httpGet && { httpGet: { path: p.httpGet.path, port: typeof p.httpGet.port === 'number' ? k8s.IntOrString.fromNumber(p.httpGet.port) : k8s.IntOrString.fromString(p.httpGet.port) } }),
    periodSeconds: p.periodSeconds,
    timeoutSeconds: p.timeoutSeconds,
    failureThreshold: p.failureThreshold,
  };
}

/**
 * An HTTP GET probe on a named port.
 * @param opts @default - every 10 s, 3 s to answer, failing after 3 failures
 */
export function httpProbe(path: string, port: string, opts: { periodSeconds?: number; failureThreshold?: number; timeoutSeconds?: number } = {}): ProbeProps {
  return {
    httpGet: { path, port },
    periodSeconds: opts.periodSeconds ?? 10,
    timeoutSeconds: opts.timeoutSeconds ?? 3,
    failureThreshold: opts.failureThreshold ?? 3,
  };
}
