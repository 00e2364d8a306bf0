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
import { SCRATCH_PATHS } from '../../util/scratch-paths';
import * as k8s from '../k8s';

/** An env var: a literal, or a reference to a Secret or ConfigMap key. */
export type EnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly secretKeyRef: { readonly name: string; readonly key: string } }
  | { readonly name: string; readonly configMapKeyRef: { readonly name: string; readonly key: string } };

/** A pod volume. Exactly one source is set. */
export interface VolumeSource {
  readonly name: string;
  readonly emptyDir?: { readonly medium?: 'Memory'; readonly sizeLimit?: string };
  readonly secret?: { readonly secretName: string; readonly defaultMode: number; readonly items?: ReadonlyArray<{ key: string; path: string }> };
  readonly persistentVolumeClaim?: { readonly claimName: string; readonly readOnly?: boolean };
  readonly configMap?: { readonly name: string };
}

/** Where a volume appears in a container. */
export interface Mount {
  readonly name: string;
  readonly mountPath: string;
  readonly readOnly?: boolean;
  /** Only for files that must sit in a directory the app owns (a `.env`); subPath mounts never see updates. */
  readonly subPath?: string;
}

/** Something a construct adds to the pods of the processes that use it. */
export interface PodContribution {
  readonly volumes?: readonly VolumeSource[];
  readonly mounts?: readonly Mount[];
  readonly env?: readonly EnvVar[];
  readonly envFromConfigMaps?: readonly string[];
  /** Pod template annotations, e.g. a checksum that rolls the pods when content changes. */
  readonly annotations?: Readonly<Record<string, string>>;
}

/** Requests and limits, always explicit. */
export interface ResourceProps {
  readonly cpu: string;
  readonly memory: string;
  /** @default - the memory request */
  readonly memoryLimit?: string;
  /** @default - no CPU limit */
  readonly cpuLimit?: string;
}

/** The identity and hardening every pod gets. */
export interface PodSecurityProps {
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly fsGroup: number;
  /** @default true */
  readonly readOnlyRootFilesystem?: boolean;
  /** Why a default was loosened; recorded as the `berth.dev/security-exception` annotation. */
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

/** One container of a pod. */
export interface ContainerProps {
  readonly name: string;
  readonly image: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly workingDir?: string;
  readonly env?: readonly EnvVar[];
  readonly ports?: ReadonlyArray<{ readonly name: string; readonly containerPort: number }>;
  readonly resources: ResourceProps;
  readonly livenessProbe?: k8s.Probe;
  readonly readinessProbe?: k8s.Probe;
  readonly startupProbe?: k8s.Probe;
}

/** Everything needed to render a pod template. */
export interface PodProps {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly serviceAccountName: string;
  readonly security: PodSecurityProps;
  readonly scratch?: ScratchProps;
  readonly container: ContainerProps;
  readonly contributions?: readonly PodContribution[];
  readonly restartPolicy?: 'Always' | 'OnFailure' | 'Never';
  /** @default 30 */
  readonly terminationGracePeriodSeconds?: number;
  readonly topologySpreadConstraints?: k8s.TopologySpreadConstraint[];
}

/** Annotation recording why a security default was loosened. */
export { SECURITY_EXCEPTION_ANNOTATION };

/** berth's scratch directories (their home is util/scratch-paths.ts), part of this module's API. */
export { SCRATCH_PATHS };

function toEnv(e: EnvVar): k8s.EnvVar {
  if ('value' in e) return { name: e.name, value: e.value };
  if ('secretKeyRef' in e) return { name: e.name, valueFrom: { secretKeyRef: { name: e.secretKeyRef.name, key: e.secretKeyRef.key } } };
  return { name: e.name, valueFrom: { configMapKeyRef: { name: e.configMapKeyRef.name, key: e.configMapKeyRef.key } } };
}

function toVolume(v: VolumeSource): k8s.Volume {
  return {
    name: v.name,
    ...(v.emptyDir && { emptyDir: { medium: v.emptyDir.medium, sizeLimit: v.emptyDir.sizeLimit ? k8s.Quantity.fromString(v.emptyDir.sizeLimit) : undefined } }),
    ...(v.secret && { secret: { secretName: v.secret.secretName, defaultMode: v.secret.defaultMode, items: v.secret.items?.map((i) => ({ ...i })) } }),
    ...(v.persistentVolumeClaim && { persistentVolumeClaim: { ...v.persistentVolumeClaim } }),
    ...(v.configMap && { configMap: { name: v.configMap.name } }),
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
    volumes.push({ name: 'tmp', emptyDir: { sizeLimit: '1Gi' } });
    mounts.push({ name: 'tmp', mountPath: SCRATCH_PATHS.tmp });
  }
  if (props.gunicornTmp) {
    volumes.push({ name: 'gunicorn-tmp', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } });
    mounts.push({ name: 'gunicorn-tmp', mountPath: SCRATCH_PATHS.gunicornTmp });
    env.push({ name: 'GUNICORN_CMD_ARGS', value: `--worker-tmp-dir ${SCRATCH_PATHS.gunicornTmp}` });
  }
  if (props.prometheusMultiproc) {
    volumes.push({ name: 'prometheus-multiproc', emptyDir: { medium: 'Memory', sizeLimit: '256Mi' } });
    mounts.push({ name: 'prometheus-multiproc', mountPath: SCRATCH_PATHS.prometheusMultiproc });
    env.push({ name: 'PROMETHEUS_MULTIPROC_DIR', value: SCRATCH_PATHS.prometheusMultiproc });
  }
  return { volumes, mounts, env };
}

/** Renders a hardened pod template from berth's props. */
export function renderPodTemplate(props: PodProps): k8s.PodTemplateSpec {
  const parts = [scratch(props.scratch ?? {}), ...(props.contributions ?? [])];
  const c = props.container;
  const volumes = new Map<string, VolumeSource>();
  const mounts: Mount[] = [];
  const env: EnvVar[] = [];
  const envFrom: string[] = [];
  const annotations: Record<string, string> = { ...props.annotations };
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

  const container: k8s.Container = {
    name: c.name,
    image: c.image,
    imagePullPolicy: 'IfNotPresent',
    command: c.command ? [...c.command] : undefined,
    args: c.args ? [...c.args] : undefined,
    workingDir: c.workingDir,
    ports: c.ports?.map((p) => ({ name: p.name, containerPort: p.containerPort, protocol: 'TCP' })),
    envFrom: envFrom.length ? envFrom.map((name) => ({ configMapRef: { name } })) : undefined,
    env: envByName.size ? [...envByName.values()].map(toEnv) : undefined,
    resources: toResources(c.resources),
    livenessProbe: c.livenessProbe,
    readinessProbe: c.readinessProbe,
    startupProbe: c.startupProbe,
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: readOnlyRoot,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: mounts.length ? mounts.map((m) => ({ name: m.name, mountPath: m.mountPath, readOnly: m.readOnly, subPath: m.subPath })) : undefined,
    terminationMessagePolicy: 'FallbackToLogsOnError',
  };

  return {
    metadata: { labels: { ...props.labels }, annotations: Object.keys(annotations).length ? sortKeys(annotations) : undefined },
    spec: {
      serviceAccountName: props.serviceAccountName,
      automountServiceAccountToken: false,
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
      topologySpreadConstraints: props.topologySpreadConstraints,
      containers: [container],
      volumes: volumes.size ? [...volumes.values()].map(toVolume) : undefined,
    },
  };
}

function sortKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** An HTTP GET probe on a named port. */
export function httpProbe(path: string, port: string, opts: { periodSeconds?: number; failureThreshold?: number; timeoutSeconds?: number } = {}): k8s.Probe {
  return {
    httpGet: { path, port: k8s.IntOrString.fromString(port) },
    periodSeconds: opts.periodSeconds ?? 10,
    timeoutSeconds: opts.timeoutSeconds ?? 3,
    failureThreshold: opts.failureThreshold ?? 3,
  };
}
