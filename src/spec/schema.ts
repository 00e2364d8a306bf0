/**
 * The berth service spec: one YAML file per service (`charts/<service>/service.yaml`), deep-merged
 * with a per-environment overlay (`charts/<service>/<env>.yaml`), then validated here.
 *
 * Every default is declared once, in this file. Objects are strict: an unknown key is an error
 * (with a "did you mean" hint, see errors.ts). The same schema is published as JSON Schema
 * (`schema/service.schema.json`) for editors.
 */
import { DEFAULT_HSTS_MAX_AGE_SECONDS } from '../util/hsts';
import { z } from 'zod';
import { ALERT_NAMES, alertWatches } from '../alerts/kinds';
import { CRON_MACRO_LIST, isCronMacro, parseCron } from '../util/cron';
import { IPV4_ADDRESS, IPV4_CIDR } from '../util/ipv4';
import { DNS_SUBDOMAIN, EnvValue, PodSettingsFields, PullSecretName, RegistryCredentialsItem, ServicePodSettingsFields } from './pod-settings';
import {
  DNS_LABEL_LENGTH_MESSAGE,
  DNS_LABEL_MAX_LENGTH,
  DNS_LABEL_MESSAGE,
  DNS_LABEL_PATTERN,
  IMAGE_LATEST_MESSAGE,
  IMAGE_LATEST_PATTERN,
  IMAGE_REF_MESSAGE,
  IMAGE_REF_PATTERN,
  IMAGE_TAG_AND_DIGEST_MESSAGE,
  IMAGE_TAG_AND_DIGEST_PATTERN,
  PORT_MAX,
  PORT_MESSAGE,
  PORT_MIN,
} from '../util/validate';

// ---------------------------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------------------------

/** A DNS-1123 label that also starts with a letter: usable as a Service, namespace or object name (rules in util/validate.ts, shared with the constructs). */
export const DnsLabel = z.string().max(DNS_LABEL_MAX_LENGTH, DNS_LABEL_LENGTH_MESSAGE).regex(DNS_LABEL_PATTERN, DNS_LABEL_MESSAGE);

const HOSTNAME = /^(\*\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A fully qualified DNS host name, lower case (a leading `*.` wildcard is allowed). */
export const Hostname = z.string().max(253).regex(HOSTNAME, 'must be a lower-case DNS host name such as api.example.com');

/** An image reference with an explicit tag or digest (never `latest`, never untagged). */
export const ImageRef = z
  .string()
  // Checked first (and alone): the reference pattern below would call it merely malformed.
  .refine((s) => !IMAGE_TAG_AND_DIGEST_PATTERN.test(s), { message: IMAGE_TAG_AND_DIGEST_MESSAGE, abort: true })
  .regex(IMAGE_REF_PATTERN, IMAGE_REF_MESSAGE)
  .refine((s) => !IMAGE_LATEST_PATTERN.test(s), IMAGE_LATEST_MESSAGE);

/** The name of a cluster-scoped object such as an IngressClass or a StorageClass (a DNS-1123 subdomain). */
const ClassName = (what: string) =>
  z
    .string()
    .max(253, `must be at most 253 characters (the name of ${what})`)
    .regex(DNS_SUBDOMAIN, `must be the name of ${what} (lower-case letters, digits, "-" and ".")`);

/** The largest value of a Kubernetes int32 field. */
const INT32_MAX = 2147483647;

/** A container's working directory: an absolute path in its image. */
const WorkingDir = z.string().regex(/^\//, 'must be an absolute path');

/** A TCP port number. */
export const Port = z.number().int().min(PORT_MIN, PORT_MESSAGE).max(PORT_MAX, PORT_MESSAGE);

/** An HTTP path starting with `/`. */
export const HttpPath = z.string().regex(/^\/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$/, 'must be an HTTP path starting with "/"');

/** A Kubernetes quantity such as `250m`, `1`, `512Mi`, `10Gi`. */
export const Quantity = z.string().regex(/^[0-9]+(\.[0-9]+)?(m|k|Ki|M|Mi|G|Gi|T|Ti)?$/, 'must be a Kubernetes quantity such as 250m, 512Mi or 10Gi');

/** A cron schedule with five fields, read as the CronJob controller reads it, or one of the macros Kubernetes accepts (`@daily`). */
export const CronSchedule = z.string().superRefine((s, ctx) => {
  if (isCronMacro(s)) return;
  const fields = s.trim().split(/\s+/);
  if (fields.length !== 5 || s.startsWith('@')) {
    ctx.addIssue({ code: 'custom', message: `must be a cron expression with five fields (minute hour day month weekday) or one of ${CRON_MACRO_LIST}, got "${s}"` });
    return;
  }
  try {
    parseCron(s);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: `is not a valid cron expression ("${s}"): ${(e as Error).message}` });
  }
});

/** An IANA time zone name, checked against the runtime's tz database. */
export const TimeZone = z.string().refine((tz) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(tz);
  } catch {
    return false;
  }
}, 'must be an IANA time zone such as Etc/UTC or Europe/Berlin');

/** An environment variable name. */
export const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name (letters, digits, "_")');

/** A safe SQL identifier, optionally schema-qualified: no quoting, no injection through the spec. */
export const SqlIdentifier = z
  .string()
  .max(63)
  .regex(/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/, 'must be a plain SQL identifier (lower-case letters, digits, "_", optionally schema.table)');

/** A Gateway listener name (a section of a Gateway). */
const SectionName = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, 'must be a Gateway listener name such as https');

/** An IPv4 CIDR block with real octets and prefix. */
const Cidr = z.string().regex(IPV4_CIDR, 'must be an IPv4 CIDR such as 10.0.0.5/32');

/** An IPv4 address. */
const Ipv4Address = z.string().regex(IPV4_ADDRESS, 'must be an IPv4 address such as 169.254.20.10');

/** A replica count: the API field is an int32. */
const Replicas = (min: number, message: string) => z.number().int().min(min, message).max(INT32_MAX, `must be at most ${INT32_MAX}`);

const Labels = z.record(z.string().regex(/^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, 'must be a label key'), z.string().max(63));

// ---------------------------------------------------------------------------------------------
// Processes
// ---------------------------------------------------------------------------------------------

/** Requests and limits. Memory limit defaults to the request (Guaranteed memory, no OOM surprise). */
export const Resources = z.strictObject({
  cpu: Quantity.default('100m').describe('CPU request'),
  memory: Quantity.default('256Mi').describe('memory request'),
  memoryLimit: Quantity.optional().describe('memory limit; defaults to the request'),
  cpuLimit: Quantity.optional().describe('CPU limit; none by default (throttling hurts latency)'),
}).describe('CPU and memory requests and limits of the container; the memory limit defaults to the request');
export type Resources = z.infer<typeof Resources>;

// ---------------------------------------------------------------------------------------------
// More containers and volumes (issue 21 items 5 and 6): initContainers, sidecars, extraVolumes
// ---------------------------------------------------------------------------------------------

/** A container port name (IANA_SVC_NAME): at most 15 characters, with at least one letter. */
const PortName = z
  .string()
  .max(15, 'must be at most 15 characters (a container port name)')
  .regex(/^(?=.*[a-z])[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a port name: lower-case letters, digits and "-", with at least one letter, such as otlp-grpc');

/**
 * The only container security settings a spec may change. Every other field of the container's
 * securityContext is berth's (the app container's hardening); the two that would give a
 * container root or the host are accepted here only to be refused with the reason.
 */
export const ContainerSecurity = z.strictObject({
  runAsUser: z
    .number()
    .int()
    .min(1, 'must be a non-root uid: every berth container runs as non-root (Pod Security "restricted"); use the non-root uid the image is built for, or omit it for the service\'s security.runAsUser')
    .max(INT32_MAX)
    .optional()
    .describe("uid this container runs as when its image needs its own (never 0); defaults to the service's security.runAsUser"),
  runAsGroup: z.number().int().min(1, 'must be a non-root gid').max(INT32_MAX).optional().describe("gid this container runs as; defaults to the service's security.runAsGroup"),
  privileged: z
    .literal(false, { error: 'must be false or omitted: berth never runs a privileged container (Pod Security "restricted"); a container that needs the host belongs in a DaemonSet the platform team runs, not in a service' })
    .optional()
    .describe('always false: a privileged container is refused'),
});
export type ContainerSecurity = z.infer<typeof ContainerSecurity>;

/** How often a sidecar probe runs and how long it waits: the same defaults as berth's HTTP probes. */
const ProbeTiming = {
  periodSeconds: z.number().int().min(1).max(3600).default(10).describe('how often to probe'),
  timeoutSeconds: z.number().int().min(1).max(600).default(3).describe('how long one probe may take'),
  failureThreshold: z.number().int().min(1).max(100).default(3).describe('failures in a row before the probe fails'),
};

/** A probe of a sidecar: an HTTP GET on one of its ports, or a command. */
export const SidecarProbe = z.union([
  z.strictObject({
    httpGet: z
      .strictObject({
        path: HttpPath.describe('the path to GET, e.g. /healthz'),
        port: z.union([PortName, Port]).describe("one of the sidecar's own ports by name, or a port number"),
      })
      .describe('GET this path on this port'),
    ...ProbeTiming,
  }),
  z.strictObject({ exec: z.array(z.string()).min(1).describe('run this command in the container; exit 0 is healthy'), ...ProbeTiming }),
]).describe('an HTTP GET on one of its ports (httpGet), or a command (exec)');
export type SidecarProbe = z.infer<typeof SidecarProbe>;

/** What an init container and a sidecar both take. */
const ExtraContainerFields = {
  image: ImageRef.describe('the image, pinned to a tag or digest (never latest)'),
  command: z.array(z.string()).min(1).optional().describe("entrypoint; defaults to the image's ENTRYPOINT"),
  args: z.array(z.string()).optional().describe("arguments; default the image's CMD"),
  workingDir: WorkingDir.optional().describe("defaults to the image's WORKDIR"),
  env: z.record(EnvName, z.string()).default({}).describe('plain, non-secret env of this container (the service env is the app\'s, not given to it)'),
  secrets: z
    .array(EnvName)
    .default([])
    .describe("keys of secrets.items this container gets, delivered as the app gets them (NAME_FILE files, env, or the .env); the process must consume each"),
  mounts: z.array(DnsLabel).default([]).describe('volumes (keys of `volumes` or `extraVolumes`) mounted at their mountPath'),
  resources: Resources.default(() => Resources.parse({})).describe('requests and limits, as for a process'),
  securityContext: ContainerSecurity.optional().describe('a non-root uid or gid of its own; everything else is the app container\'s hardening'),
};

/** A container that runs to completion before the app starts (waits for a database, renders config). */
export const InitContainer = z.strictObject(ExtraContainerFields);
export type InitContainer = z.infer<typeof InitContainer>;

/**
 * A container that runs beside the app for the pod's whole life (an OpenTelemetry collector, a
 * proxy): a native sidecar, an init container with `restartPolicy: Always` (Kubernetes 1.29+),
 * so it starts before the app and a Job still completes when the app exits.
 */
export const Sidecar = z.strictObject({
  ...ExtraContainerFields,
  ports: z
    .record(PortName, Port)
    .default({})
    .describe('ports it listens on, by name; reachable from the pod\'s own containers (localhost) only: no NetworkPolicy opens them'),
  probes: z
    .strictObject({
      liveness: SidecarProbe.optional().describe('the kubelet restarts the sidecar when this fails'),
      readiness: SidecarProbe.optional().describe('the pod is not ready (no Service traffic) while this fails'),
      startup: SidecarProbe.optional().describe('the next containers and the app start only once this succeeds'),
    })
    .optional()
    .describe('probes; none by default (a startup probe holds the app back until the sidecar is up)'),
});
export type Sidecar = z.infer<typeof Sidecar>;

/** A process's own init containers: a new one, one replacing the service's of that name, or `false` to leave the service's out. */
const ProcessInitContainers = z
  .record(DnsLabel, z.union([InitContainer, z.literal(false)]))
  .default({})
  .describe("init containers of this process, merged over the service's by name: a container replaces the service's of that name, false leaves it out");
/** A process's own sidecars, merged over the service's as {@link ProcessInitContainers}. */
const ProcessSidecars = z
  .record(DnsLabel, z.union([Sidecar, z.literal(false)]))
  .default({})
  .describe("sidecars of this process, merged over the service's by name: a sidecar replaces the service's of that name, false leaves it out");

/** The per-process container fields of the processes that run app code. */
const ProcessContainerFields = { initContainers: ProcessInitContainers, sidecars: ProcessSidecars };

const RelativePath = z
  .string()
  .regex(/^(?!\/)(?!.*(^|\/)\.\.?(\/|$))[^\0]+$/, 'must be a relative path without "." or ".." segments, such as config.yaml');
/** A key of a ConfigMap or Secret projected to a file. */
const FileMode = z.number().int().min(0, 'must be a file mode between 0 and 0777 (511)').max(0o777, 'must be a file mode between 0 and 0777 (511)');
const KeyToPath = z.strictObject({
  key: z.string().regex(/^[-._a-zA-Z0-9]+$/, 'must be a key: letters, digits, ".", "_" and "-"').describe('the key of the ConfigMap or Secret'),
  path: RelativePath.describe('file name (relative path) in the volume'),
  mode: FileMode.optional().describe('file mode (decimal in JSON, e.g. 292 for 0444)'),
});
const ObjectName = (what: string) => z.string().max(253).regex(DNS_SUBDOMAIN, `must be the name of ${what} (lower-case letters, digits, "-" and ".")`);
/**
 * The fields that name a ConfigMap or Secret and pick its keys, in a projected source and in an
 * extra volume (a Secret's name is `name` in one and `secretName` in the other, as in Kubernetes).
 * Made anew for each use, so the JSON Schema shows them in place.
 */
const configMapName = () => ObjectName('a ConfigMap').describe("a ConfigMap of the service's extra objects, or one that exists in the namespace");
const configMapItems = () => z.array(KeyToPath).min(1).optional().describe('only these keys, at these paths; default every key as a file of its name');
const secretName = () => ObjectName('a Secret').describe('an existing Secret (a reference, never a value)');
const secretItems = () => z.array(KeyToPath).min(1).optional().describe('only these keys, at these paths; default every key');

/** One source of a projected volume. */
export const ProjectedSource = z.union([
  z.strictObject({
    configMap: z
      .strictObject({
        name: configMapName(),
        items: configMapItems(),
      })
      .describe('the keys of a ConfigMap as files'),
  }),
  z.strictObject({
    secret: z
      .strictObject({
        name: secretName(),
        items: secretItems(),
      })
      .describe('the keys of a Secret as files'),
  }),
  z.strictObject({
    downwardAPI: z
      .strictObject({
        items: z
          .array(
            z.strictObject({
              path: RelativePath.describe('file name (relative path) in the volume'),
              fieldRef: z
                .strictObject({
                  fieldPath: z
                    .enum(['metadata.name', 'metadata.namespace', 'metadata.uid', 'metadata.labels', 'metadata.annotations'])
                    .describe('the pod field written to the file'),
                })
                .describe('a field of the pod'),
            }),
          )
          .min(1)
          .describe('one file per pod field'),
      })
      .describe("fields of the pod (its name, namespace, uid, labels, annotations) as files"),
  }),
]);

/**
 * A pod volume that is not a claim: a ConfigMap's or Secret's keys as files, a scratch emptyDir,
 * or several of those projected into one directory. Exactly one source is set.
 */
export const ExtraVolume = z
  .strictObject({
    configMap: z
      .strictObject({
        name: configMapName(),
        items: configMapItems(),
        defaultMode: FileMode.optional().describe('mode of the files (decimal in JSON); default 0644'),
      })
      .optional()
      .describe('the keys of a ConfigMap as files'),
    secret: z
      .strictObject({
        secretName: secretName(),
        items: secretItems(),
      })
      .optional()
      .describe("the keys of a Secret as files, mode 0440 (readable through the pod's fsGroup)"),
    emptyDir: z
      .strictObject({
        // Optional to zod only so that its absence gets its own message (superRefine below).
        sizeLimit: Quantity.optional().describe('required: an emptyDir without a limit can fill the node\'s disk (or memory) and get every pod on it evicted'),
        medium: z.literal('Memory').optional().describe('Memory: a tmpfs, counted against the memory limit; default the node\'s disk'),
      })
      .optional()
      .describe('an empty scratch directory shared by the containers that mount it'),
    projected: z
      .strictObject({ sources: z.array(ProjectedSource).min(1).describe('ConfigMaps, Secrets and pod fields projected into one directory') })
      .optional()
      .describe('several sources in one directory'),
    mountPath: z.string().regex(/^\/[^\0]*$/, 'must be an absolute path').describe('where it appears in the containers that mount it'),
    readOnly: z.boolean().optional().describe('default true for configMap, secret and projected; false for emptyDir'),
    subPath: RelativePath.optional().describe('mount only this file or directory of the volume; it then never sees updates of the ConfigMap or Secret'),
  })
  .superRefine((v, ctx) => {
    if (v.emptyDir && v.emptyDir.sizeLimit === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['emptyDir', 'sizeLimit'],
        message: "sizeLimit is required: an emptyDir without one can fill the node's disk (with medium Memory, its memory) and get every pod on the node evicted",
        params: { fix: 'add sizeLimit with the most the directory may hold, e.g. sizeLimit: 256Mi' },
      });
    }
    const set = (['configMap', 'secret', 'emptyDir', 'projected'] as const).filter((k) => v[k] !== undefined);
    if (set.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: set.length ? `sets ${set.join(' and ')}: set exactly one source` : 'sets no source: set exactly one of configMap, secret, emptyDir and projected',
      });
    }
  });
export type ExtraVolume = z.infer<typeof ExtraVolume>;

const ProcessFields = {
  image: ImageRef.optional().describe('image for this process; defaults to the service image'),
  command: z.array(z.string()).min(1).optional().describe("the container's command (its entrypoint); defaults to the image's ENTRYPOINT, with args after it"),
  args: z.array(z.string()).optional().describe("arguments to the command (the container's args); default the image's CMD when command is not set"),
  workingDir: WorkingDir.optional().describe('defaults to the service workingDir when it runs the service image'),
  env: z.record(EnvName, EnvValue).default({}).describe('non-secret env for this process only: text, or { fieldRef } / { resourceFieldRef } read from the pod'),
  resources: Resources.default(() => Resources.parse({})),
  mounts: z.array(DnsLabel).default([]).describe('volumes (keys of `volumes` or `extraVolumes`) mounted at their mountPath'),
  ...ProcessContainerFields,
  // Pod settings (issue 21): see pod-settings.ts.
  ...PodSettingsFields,
};

/** HTTP probe paths. */
export const Health = z.strictObject({
  liveness: HttpPath.describe('liveness probe path (the process is alive)'),
  readiness: HttpPath.optional().describe('readiness probe path; defaults to liveness'),
  startup: HttpPath.optional().describe('startup probe path; defaults to readiness'),
  startupTimeoutSeconds: z
    .number()
    .int()
    .min(10)
    .max(900)
    .default(120)
    .describe('how long the app may take to start, in seconds, before the kubelet restarts it (the startup probe runs every 5 s)'),
});

/** Prometheus metrics of a web process. */
export const Metrics = z.strictObject({
  path: HttpPath.default('/metrics').describe('the path Prometheus scrapes'),
  port: Port.optional().describe('a separate metrics port; preferred, it is never routed at the edge'),
  multiprocess: z.boolean().default(false).describe('prometheus_client multi-process mode: mounts PROMETHEUS_MULTIPROC_DIR'),
});

/** The server that runs the app, which decides graceful-shutdown and temp-dir needs. */
export const Server = z.enum(['gunicorn', 'uvicorn', 'waitress', 'other']);

export const Autoscaling = z
  .strictObject({
    minReplicas: Replicas(1, 'must be at least 1').describe('the fewest pods'),
    maxReplicas: Replicas(1, 'must be at least 1').describe('the most pods (at least minReplicas)'),
    cpuUtilization: z.number().int().min(10).max(100).default(70).describe('the average CPU use the autoscaler aims for, in percent of the CPU request'),
  })
  .refine((a) => a.maxReplicas >= a.minReplicas, { message: 'maxReplicas must be at least minReplicas', path: ['maxReplicas'] });

/** A long-running HTTP process with a Service. */
export const WebProcess = z.strictObject({
  ...ProcessFields,
  server: Server.default('gunicorn').describe('the server that runs the app; gunicorn gets a writable in-memory temp directory for its worker heartbeats'),
  port: Port.describe('the port the app listens on: the container port http, which the Service and the edge route to'),
  replicas: Replicas(1, 'must be at least 1 (use autoscaling for elastic replicas)').default(2).describe('the number of pods when autoscaling is not set'),
  autoscaling: Autoscaling.optional().describe('a HorizontalPodAutoscaler on CPU instead of a fixed replicas count'),
  health: Health.describe('HTTP paths of the startup, readiness and liveness probes, on the app port'),
  metrics: Metrics.optional().describe('Prometheus metrics: a ServiceMonitor, and a NetworkPolicy rule that lets Prometheus scrape them'),
  gracefulTimeoutSeconds: z.number().int().min(1).max(600).default(30).describe("the server's own graceful timeout"),
  public: z.boolean().default(true).describe('reachable from the ingress controller; false keeps it cluster-internal'),
  paths: z.array(HttpPath).default(['/']).describe('path prefixes routed to this process at the edge'),
  allowFrom: z.array(DnsLabel).default([]).describe('other processes of this service that may call it'),
  urlEnv: EnvName.optional().describe('env var, set on every caller, holding this process URL (e.g. AUTH_SERVER_URL)'),
});
export type WebProcess = z.infer<typeof WebProcess>;

/** A background process with no Service and no inbound traffic. */
export const WorkerProcess = z.strictObject({
  ...ProcessFields,
  replicas: Replicas(1, 'must be at least 1').default(1).describe('the number of pods'),
  probe: z
    .strictObject({
      exec: z.array(z.string()).min(1).describe('run this command in the container; exit 0 is alive'),
      periodSeconds: z.number().int().min(5).max(3600).default(30).describe('how often to run it, in seconds'),
    })
    .optional()
    .describe('exec liveness probe; none by default'),
  terminationGracePeriodSeconds: z.number().int().min(1).max(3600).default(120).describe('time to drain running jobs'),
  calls: z.array(DnsLabel).default([]).describe('web processes of this service it calls'),
});
export type WorkerProcess = z.infer<typeof WorkerProcess>;

/** A process that must run exactly once, such as a scheduler leader. */
export const SingletonProcess = z.strictObject({
  ...ProcessFields,
  flag: EnvName.describe('env var set to "1" here and to "0" on every other process of the service'),
  like: DnsLabel.optional().describe('a web process whose command, port and health this singleton reuses'),
  calls: z.array(DnsLabel).default([]).describe('web processes of this service it calls'),
});
export type SingletonProcess = z.infer<typeof SingletonProcess>;

/** The database migration, run once per sync before the new pods roll out. */
export const Migration = z.strictObject({
  image: ImageRef.optional().describe('image of the migration; defaults to the service image'),
  command: z.array(z.string()).min(1).describe('the command that migrates the database'),
  workingDir: WorkingDir.optional().describe('defaults to the service workingDir when it runs the service image'),
  env: z.record(EnvName, EnvValue).default({}).describe('non-secret env for the migration only: text, or { fieldRef } / { resourceFieldRef } read from the pod'),
  resources: Resources.default(() => Resources.parse({})),
  ...PodSettingsFields,
  backoffLimit: z.number().int().min(0).max(10).default(2).describe('retries before the Job fails and the sync with it (the Job backoffLimit)'),
  activeDeadlineSeconds: z.number().int().min(30).max(86400).default(900).describe('the longest the Job may run, retries included, in seconds'),
  ...ProcessContainerFields,
});

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

export const ExistingSecretSource = z.strictObject({ existingSecret: DnsLabel.describe('a Secret created out of band') });
export const ExternalSecretSource = z.strictObject({
  externalSecret: z
    .strictObject({
      store: DnsLabel.describe('the name of the SecretStore or ClusterSecretStore the values are read from'),
      storeKind: z.enum(['SecretStore', 'ClusterSecretStore']).default('ClusterSecretStore').describe('SecretStore (in the service namespace) or ClusterSecretStore'),
      refreshInterval: z
        .string()
        .regex(/^([0-9]+(s|m|h))+$/, 'must be a duration such as 1h or 15m')
        .default('1h')
        .describe('how often the operator reads the store again, e.g. 1h or 15m'),
    })
    .describe('an ExternalSecret (External Secrets Operator) fills the Secret from a secret store'),
});
export const SealedSecretSource = z.strictObject({
  sealedSecret: z
    .strictObject({
      scope: z
        .enum(['strict', 'namespace-wide', 'cluster-wide'])
        .default('strict')
        .describe('the kubeseal --scope the values were sealed with: strict (this Secret name and namespace), namespace-wide or cluster-wide'),
    })
    .describe("a SealedSecret (sealed-secrets) holds the items' kubeseal-encrypted values"),
});
/** Where secret values come from: never the spec itself. */
export const SecretSource = z
  .union([ExistingSecretSource, ExternalSecretSource, SealedSecretSource])
  .describe('where the values come from: an existing Secret, an ExternalSecret or a SealedSecret (docs/secrets.md)');
export type SecretSource = z.infer<typeof SecretSource>;

export const SecretItem = z.strictObject({
  file: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, 'must be a file name').optional().describe('file name; defaults to the lower-cased name'),
  key: z.string().regex(/^[-._a-zA-Z0-9]+$/, 'must be a Secret key: letters, digits, ".", "_" and "-"').optional().describe('key in the Secret; defaults to the file name'),
  remoteKey: z.string().optional().describe('ExternalSecret: key in the store'),
  property: z.string().optional().describe('ExternalSecret: property of the remote key'),
  encrypted: z.string().min(16).optional().describe('SealedSecret: the kubeseal-encrypted value'),
  consumers: z.array(DnsLabel).min(1, 'must list at least one process; omit it for all of them').optional().describe('processes (and jobs) that get this secret; default all'),
});
export type SecretItem = z.infer<typeof SecretItem>;

export const Secrets = z.strictObject({
  source: SecretSource,
  delivery: z.enum(['files', 'dotenv', 'env']).default('files').describe('files: NAME_FILE; dotenv: a .env in the working dir; env: secretKeyRef'),
  mountPath: z
    .string()
    .regex(/^(\/[^\0/]+)+$/, 'must be an absolute directory without a trailing slash, such as /run/secrets')
    .default('/run/secrets')
    .describe('delivery files: the directory of the secret files that the NAME_FILE variables point to'),
  dotenvPath: z.string().regex(/^\/.*\/\.env$/, 'must be an absolute path ending in /.env').optional().describe('delivery dotenv: where the .env file the app loads is mounted, e.g. /app/.env'),
  items: z.record(EnvName, SecretItem).describe('the secrets, by the env var name the app reads: where each value is and which processes get it'),
  imagePullSecret: RegistryCredentialsItem.optional().describe(
    'registry credentials (a docker config JSON) from this source, written as the Secret <service>-registry of type kubernetes.io/dockerconfigjson and added to every pod\'s imagePullSecrets; with an existingSecret source, list the existing Secret in imagePullSecrets instead',
  ),
});
export type Secrets = z.infer<typeof Secrets>;

// ---------------------------------------------------------------------------------------------
// Volumes, jobs
// ---------------------------------------------------------------------------------------------

export const Volume = z.strictObject({
  size: Quantity.describe('the storage the PersistentVolumeClaim requests, e.g. 10Gi'),
  accessMode: z
    .enum(['ReadWriteOnce', 'ReadWriteMany', 'ReadWriteOncePod'])
    .default('ReadWriteOnce')
    .describe('the claim access mode: ReadWriteOnce mounts on one node at a time, ReadWriteMany on many (the StorageClass must support it)'),
  storageClassName: ClassName('a StorageClass').optional().describe("the cluster's default StorageClass when omitted"),
  mountPath: z.string().regex(/^\/[^\0]*$/, 'must be an absolute path').describe('where it appears in the containers that mount it'),
  readOnly: z.boolean().default(false).describe('mount it read-only'),
});
export type Volume = z.infer<typeof Volume>;

/** What every CronJob's schedule is, for the fields that give it a default of their own. */
const CRON_SCHEDULE_DESCRIPTION = 'when it runs: a five-field cron expression (minute hour day month weekday) or a macro such as @daily';

const CronCommon = {
  schedule: CronSchedule.describe(CRON_SCHEDULE_DESCRIPTION),
  timeZone: TimeZone.default('Etc/UTC').describe('the time zone the schedule is read in (the CronJob timeZone)'),
  startingDeadlineSeconds: z.number().int().min(10).max(86400).default(600).describe('how late, in seconds, a missed run may still start'),
  activeDeadlineSeconds: z.number().int().min(30).max(86400).default(3600).describe('the longest one run may take, retries included, in seconds'),
  backoffLimit: z.number().int().min(0).max(10).default(2).describe('retries before a run fails'),
  restartPolicy: z.enum(['OnFailure', 'Never']).default('OnFailure').describe('OnFailure: retry in the same pod; Never: a new pod per retry'),
  successfulJobsHistoryLimit: z.number().int().min(0).max(20).default(3).describe('successful Jobs kept'),
  failedJobsHistoryLimit: z.number().int().min(0).max(20).default(3).describe('failed Jobs kept'),
  resources: Resources.default({ cpu: '50m', memory: '128Mi' }).describe('requests and limits; default 50m CPU and 128Mi memory'),
  ...PodSettingsFields,
};

export const GenericCron = z.strictObject({
  ...CronCommon,
  image: ImageRef.optional().describe('image of the job; defaults to the service image'),
  command: z.array(z.string()).min(1).describe('the command each run runs'),
  workingDir: WorkingDir.optional().describe('defaults to the service workingDir when it runs the service image'),
  env: z.record(EnvName, EnvValue).default({}).describe('non-secret env for this job only: text, or { fieldRef } / { resourceFieldRef } read from the pod'),
  mounts: z.array(DnsLabel).default([]).describe('volumes (keys of `volumes` or `extraVolumes`) mounted at their mountPath'),
  ...ProcessContainerFields,
});

export const TmpCleanup = z.strictObject({
  ...CronCommon,
  schedule: CronSchedule.default('0 3 * * *').describe(`${CRON_SCHEDULE_DESCRIPTION}; default 03:00 daily`),
  volume: DnsLabel.describe('the claim the app writes temp files to'),
  subPath: z
    .string()
    .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'must be a relative path inside the volume')
    .optional()
    .describe('clean only this directory inside the volume; default the whole volume'),
  maxAgeHours: z.number().int().min(1).max(8760, 'must be at most 8760 (a year)').default(24).describe('files older than this many hours are deleted'),
  command: z.array(z.string()).min(1).optional().describe("the app's own cleanup command; omit for the built-in script"),
  workingDir: WorkingDir.optional().describe('defaults to the service workingDir when it runs the service image'),
});

export const RetentionPrune = z.strictObject({
  ...CronCommon,
  schedule: CronSchedule.default('30 3 * * *').describe(`${CRON_SCHEDULE_DESCRIPTION}; default 03:30 daily`),
  tables: z.array(SqlIdentifier).min(1).describe('the tables pruned (table or schema.table)'),
  column: SqlIdentifier.default('created_at').describe('the timestamp column of each table that days is compared with'),
  days: z.number().int().min(1, 'must be a positive number of days').max(36500, 'must be at most 36500 days').describe('rows older than this many days are deleted'),
  batchSize: z.number().int().min(100).max(100000).default(5000).describe('rows deleted per batch, each batch its own short transaction'),
  databaseUrlSecret: EnvName.describe('the secret (key of secrets.items) holding the database URL'),
});

export const Cron = z.strictObject({
  tmpCleanup: TmpCleanup.optional().describe('a CronJob with a built-in script that deletes old files from the volume the app writes temp files to'),
  retention: RetentionPrune.optional().describe('a CronJob with a built-in script that deletes rows older than days from the tables, in batches'),
  jobs: z.record(DnsLabel, GenericCron).default({}).describe("the app's own CronJobs, by name"),
});

// ---------------------------------------------------------------------------------------------
// Edge, network, monitoring
// ---------------------------------------------------------------------------------------------

/** The ingress controller profiles berth writes edge objects for: one enum, every switch over it exhaustive. */
export const EDGE_PROFILES = ['nginx', 'traefik', 'gateway'] as const;
export const EdgeProfile = z.enum(EDGE_PROFILES);
export type EdgeProfile = z.infer<typeof EdgeProfile>;

export const Tls = z.union([
  z.strictObject({ clusterIssuer: DnsLabel.describe('a cert-manager ClusterIssuer, named on the public Ingress (cert-manager.io/cluster-issuer); ignored on the gateway profile') }),
  z.strictObject({ issuer: DnsLabel.describe('a cert-manager Issuer in the service namespace, named on the public Ingress (cert-manager.io/issuer); ignored on the gateway profile') }),
  z.strictObject({
    certificate: z
      .strictObject({
        issuer: DnsLabel.describe('the issuer that signs it'),
        issuerKind: z.enum(['ClusterIssuer', 'Issuer']).default('ClusterIssuer').describe('ClusterIssuer, or an Issuer in the service namespace'),
      })
      .describe('berth writes the cert-manager Certificate <service>-tls itself and annotates nothing (for clusters without ingress-shim, and the gateway profile)'),
  }),
]);

/** A Gateway (Gateway API) that HTTPRoutes attach to: their parentRefs. */
const GatewayRef = z.strictObject({
  name: DnsLabel.describe('the name of the Gateway'),
  namespace: DnsLabel.describe('the namespace of the Gateway'),
  sectionName: SectionName.optional().describe('one listener of the Gateway, e.g. https; default every listener'),
});

/** The edge's idle timeout when the spec sets none: a minute, or an hour for WebSockets (a socket may stay quiet between messages). */
const EDGE_TIMEOUT_SECONDS = { http: 60, websockets: 3600 } as const;

export const Edge = z.strictObject({
  hosts: z.array(Hostname).min(1).describe('the host names served: the Ingress rules and TLS hosts, or the HTTPRoute hostnames'),
  profile: EdgeProfile.optional().describe('defaults to the environment profile'),
  className: ClassName('an IngressClass')
    .optional()
    .describe('ingressClassName; defaults to the environment'),
  tls: Tls.optional().describe('defaults to the environment cluster issuer'),
  maxBodyMiB: z.number().int().min(1).max(10240).default(1).describe('the largest request body the edge accepts, in MiB'),
  websockets: z
    .boolean()
    .default(false)
    .describe(
      'the app serves WebSockets: timeoutSeconds defaults to 3600 (ingress-nginx closes a socket silent for longer); on the gateway profile the routed Service ports declare appProtocol kubernetes.io/ws, which some implementations need before they upgrade',
    ),
  streaming: z.boolean().default(false).describe('server-sent events: proxy buffering off'),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(86400)
    .optional()
    .describe('ingress-nginx proxy-read/send-timeout: the longest silence on a request, socket or stream; 60, or 3600 with websockets'),
  hstsMaxAgeSeconds: z
    .number()
    .int()
    .min(0)
    .max(INT32_MAX)
    .default(DEFAULT_HSTS_MAX_AGE_SECONDS)
    .describe('max-age of the Strict-Transport-Security header, in seconds; default a year'),
  internalPaths: z.array(HttpPath).default([]).describe('paths that must never answer the internet'),
  gateway: GatewayRef.optional().describe("gateway profile: the Gateway the HTTPRoutes attach to; defaults to the environment's"),
}).transform((e) => ({ ...e, timeoutSeconds: e.timeoutSeconds ?? EDGE_TIMEOUT_SECONDS[e.websockets ? 'websockets' : 'http'] }));
export type Edge = z.infer<typeof Edge>;

export const Dependency = z
  .strictObject({
    port: Port.describe('the port the processes connect to'),
    protocol: z.enum(['TCP', 'UDP']).default('TCP').describe('the protocol of the port'),
    host: z.string().optional().describe('the host name the app connects to, written on its egress NetworkPolicy as berth.dev/egress-host (NetworkPolicy matches pods or CIDRs, not names)'),
    namespace: DnsLabel.optional().describe('in-cluster: the namespace of its pods'),
    podLabels: Labels.optional().describe('in-cluster: the labels of its pods'),
    cidr: Cidr.optional().describe('outside the cluster'),
    usedBy: z.array(DnsLabel).optional().describe('processes (and jobs) that connect to it; default all'),
    secrets: z
      .array(EnvName)
      .optional()
      .describe(
        'keys of secrets.items that hold its address or credentials: every process given one must be allowed to connect; ' +
          'default the items whose name, remoteKey or property names the dependency (REDIS_URL for redis); written on its egress NetworkPolicy as berth.dev/egress-secrets',
      ),
  })
  .refine((d) => Boolean(d.cidr) !== Boolean(d.namespace), {
    message: 'set either namespace (+ podLabels) for an in-cluster dependency, or cidr for one outside the cluster',
  });
export type Dependency = z.infer<typeof Dependency>;

export const Security = z.strictObject({
  readOnlyRootFilesystem: z.boolean().default(true).describe("the containers' root filesystem is read-only; false needs security.reason in production"),
  runAsUser: z.number().int().min(1, 'must be a non-root uid').max(INT32_MAX).default(10001).describe('the uid every container runs as (never 0)'),
  runAsGroup: z.number().int().min(1, 'must be a non-root gid').max(INT32_MAX).default(10001).describe('the gid every container runs as'),
  fsGroup: z.number().int().min(1).max(INT32_MAX).default(10001).describe('the group that owns mounted volumes and secret files (the pod fsGroup)'),
  reason: z.string().min(10).optional().describe('why a default is loosened; required in prod'),
});

// ---------------------------------------------------------------------------------------------
// Alerts: the PrometheusRule of a service (docs/alerts.md)
// ---------------------------------------------------------------------------------------------

/** Why an alert is silenced: recorded on the PrometheusRule and listed by `berth alerts`. */
const SilenceReason = z.string({ error: 'must be the reason the alert is silenced, as text, e.g. BerthPodRestarting: "restarts nightly by design, see #123"' }).trim().min(10, 'must say why the alert is silenced (at least 10 characters), e.g. "the worker restarts nightly by design, see #123"');

/** The HTTP alerts of web processes that export the standard request histogram. */
export const HttpAlerts = z.strictObject({
  histogram: z
    .string()
    .regex(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/, 'must be a Prometheus metric name such as http_request_duration_seconds')
    .default('http_request_duration_seconds')
    .describe('the request-duration histogram (prometheus_client / prometheus-fastapi-instrumentator name; without _bucket or _count)'),
  statusLabel: z
    .string()
    .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'must be a Prometheus label name such as status or status_code')
    .default('status')
    .describe('the label holding the response status ("5xx" or "503"): status (instrumentator), status_code (starlette-exporter)'),
  errorPercent: z.number().min(0.1, 'must be between 0.1 and 50 (percent of requests)').max(50, 'must be between 0.1 and 50 (percent of requests)').default(5).describe('5xx responses, percent of requests over 5 minutes'),
  latencySeconds: z
    .number()
    .min(0.005, 'must be between 0.005 and 300 seconds')
    .max(300, 'must be between 0.005 and 300 seconds')
    .default(1)
    .describe('BerthHttpLatency fires when the latencyQuantile of requests take longer than this, in seconds'),
  latencyQuantile: z.number().min(0.5, 'must be between 0.5 and 0.999').max(0.999, 'must be between 0.5 and 0.999').default(0.99).describe('this share of requests must be faster than latencySeconds'),
});

/** What a service's alerts watch and how hard: production defaults, tuned per service or environment overlay. */
export const Alerts = z.strictObject({
  enabled: z.boolean().default(true).describe('false: no PrometheusRule (in an overlay: for that environment only)'),
  runbookUrl: z
    .string()
    .regex(/^https:\/\/[^\s"'<>{}\\]+$/, 'must be an https URL without spaces, quotes or braces')
    .optional()
    .describe("the service's own runbook; defaults to docs/alerts.md in the repository berth.yaml names"),
  deploymentUnavailableMinutes: z
    .number()
    .int()
    .min(1, 'must be between 1 and 1440 minutes')
    .max(1440, 'must be between 1 and 1440 minutes')
    .default(15)
    .describe('BerthDeploymentUnavailable fires after a Deployment has had unavailable replicas for this many minutes'),
  podRestartsPerHour: z
    .number()
    .int()
    .min(1, 'must be between 1 and 100')
    .max(100, 'must be between 1 and 100')
    .default(3)
    .describe('BerthPodRestarting fires when a container restarts more than this many times in an hour'),
  volumeUsedPercent: z
    .number()
    .int()
    .min(50, 'must be between 50 and 99 (percent of the claim)')
    .max(99, 'must be between 50 and 99 (percent of the claim)')
    .default(85)
    .describe('BerthVolumeFilling fires when a PersistentVolumeClaim is fuller than this, in percent'),
  autoscalerMaxedMinutes: z
    .number()
    .int()
    .min(5, 'must be between 5 and 1440 minutes')
    .max(1440, 'must be between 5 and 1440 minutes')
    .default(30)
    .describe('BerthAutoscalerMaxedOut fires after a HorizontalPodAutoscaler has been at maxReplicas for this many minutes'),
  http: HttpAlerts.optional().describe('the web processes with metrics export the standard HTTP histogram: alert on 5xx ratio and latency'),
  silence: z
    .strictObject(Object.fromEntries(ALERT_NAMES.map((n) => [n, SilenceReason.optional().describe(`why ${n} is not written (it fires when ${alertWatches(n)})`)])) as Record<(typeof ALERT_NAMES)[number], z.ZodOptional<typeof SilenceReason>>)
    .default({})
    .describe('alerts not written for this service, each with the reason'),
});
export type Alerts = z.infer<typeof Alerts>;

// ---------------------------------------------------------------------------------------------
// Patches (docs/escape-hatches.md): changes to the objects berth writes, applied before the checks
// ---------------------------------------------------------------------------------------------

/** An RFC 6901 JSON Pointer: empty, or `/` then tokens with `~1` for `/` and `~0` for `~`. */
const JsonPointer = z
  .string()
  .regex(/^(\/([^~/]|~[01])*)*$/, 'must be a JSON Pointer such as /spec/template/spec/containers/0/image (write ~1 for "/" and ~0 for "~" inside a key)')
  .describe('an RFC 6901 JSON Pointer, e.g. /metadata/annotations/external-dns.alpha.kubernetes.io~1ttl');

/** One RFC 6902 operation. */
export const JsonPatchOperation = z.discriminatedUnion('op', [
  z.strictObject({ op: z.literal('add').describe('adds a field, or inserts into a list (the index, or - for the end)'), path: JsonPointer, value: z.unknown().describe('the value to add') }),
  z.strictObject({ op: z.literal('remove').describe('removes a field or list item, which must exist'), path: JsonPointer }),
  z.strictObject({ op: z.literal('replace').describe('replaces a field or list item, which must exist'), path: JsonPointer, value: z.unknown().describe('the new value') }),
  z.strictObject({ op: z.literal('move').describe('moves the value at from to path'), from: JsonPointer, path: JsonPointer }),
  z.strictObject({ op: z.literal('copy').describe('copies the value at from to path'), from: JsonPointer, path: JsonPointer }),
  z.strictObject({ op: z.literal('test').describe('fails the patch unless the value at path equals value'), path: JsonPointer, value: z.unknown().describe('the value expected') }),
], { error: 'must be an RFC 6902 operation: op is one of add, remove, replace, move, copy, test' });
export type JsonPatchOperation = z.infer<typeof JsonPatchOperation>;

/** The object a patch changes: one object berth writes for the service (its own, or an extra one). */
export const PatchTarget = z.strictObject({
  kind: z.string().regex(/^[A-Z][A-Za-z0-9]*$/, 'must be a Kubernetes kind such as Deployment or Ingress').describe('the kind, e.g. Deployment, Ingress'),
  name: z.string().min(1).describe('the object name as berth writes it, e.g. ledger-api (see dist/<env>/<service>/manifests.yaml)'),
});

/** One patch: a target and either RFC 6902 operations or a strategic-merge-style object. */
export const Patch = z
  .strictObject({
    target: PatchTarget.describe('the object to change (kind and name)'),
    patch: z.array(JsonPatchOperation).min(1, 'must list at least one operation').optional().describe('RFC 6902 JSON Patch operations, applied in order'),
    merge: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('a strategic-merge-style object: objects merge, null deletes a key, lists of named things (containers, env, volumes, ports) merge by name'),
    reason: z
      .string()
      .trim()
      .min(10, 'must say why (at least 10 characters)')
      .optional()
      .describe('why the patch loosens a security default (in production a patch that turns readOnlyRootFilesystem off needs one); recorded on the pod as berth.dev/security-exception'),
  })
  .refine((p) => (p.patch === undefined) !== (p.merge === undefined), { message: 'must have exactly one of patch (RFC 6902 operations) or merge (an object to merge)' });
export type Patch = z.infer<typeof Patch>;

// ---------------------------------------------------------------------------------------------
// The service
// ---------------------------------------------------------------------------------------------

export const ServiceSpec = z.strictObject({
  name: DnsLabel.describe('the service name: its objects are named <name>-<part>, its Argo CD Application <name>-<env>, and its namespace <name> unless namespace is set'),
  description: z.string().optional().describe("what the service does, shown on its Argo CD Application's page (spec.info)"),
  namespace: DnsLabel.optional().describe('defaults to the service name'),
  image: ImageRef.describe('the app image, pinned to a tag or digest (never latest): what every process runs unless it sets its own'),
  workingDir: WorkingDir.optional().describe(
    "working directory of every process and app-command job that runs the service image (each can set its own); the image's WORKDIR when omitted",
  ),
  security: Security.default(() => Security.parse({})).describe("the pods' security context: non-root uid and gid, read-only root filesystem"),
  env: z
    .record(EnvName, EnvValue)
    .default({})
    .describe('non-secret config shared by every process: text goes into a ConfigMap; { fieldRef } / { resourceFieldRef } values are set on each container'),
  secrets: Secrets.optional().describe('the secrets the processes get, where their values come from and how they are delivered (docs/secrets.md); values never live in the spec'),
  volumes: z.record(DnsLabel, Volume).default({}).describe('persistent volumes: a PersistentVolumeClaim each, mounted by the processes that list it in mounts'),
  // --- More containers and volumes (issue 21 items 5 and 6) ---
  initContainers: z
    .record(DnsLabel, InitContainer)
    .default({})
    .describe('init containers of every pod that runs app code (not berth\'s built-in retention and tmp cleanup scripts), run in order before the app; a process can replace or drop one by name'),
  sidecars: z
    .record(DnsLabel, Sidecar)
    .default({})
    .describe('native sidecars of every pod that runs app code: started before the init containers and the app, running beside it; a process can replace or drop one by name'),
  extraVolumes: z
    .record(DnsLabel, ExtraVolume)
    .default({})
    .describe('ConfigMap, Secret, emptyDir and projected volumes, mounted by the processes and containers that list them in mounts'),
  // --- end of more containers and volumes ---
  web: z
    .record(DnsLabel, WebProcess)
    .refine((w) => Object.keys(w).length > 0, 'must define at least one web process')
    .describe('HTTP processes, by name (at least one): a Deployment and a Service each'),
  workers: z.record(DnsLabel, WorkerProcess).default({}).describe('background processes, by name: a Deployment each, with no Service and no inbound traffic'),
  singletons: z.record(DnsLabel, SingletonProcess).default({}).describe('processes that must run exactly once, by name: one replica each, replaced with strategy Recreate'),
  migration: Migration.optional().describe('the database migration: a Job run as an Argo CD Sync hook before the new pods roll out'),
  cron: Cron.default({ jobs: {} }).describe("scheduled jobs: the built-in temp-file cleanup and retention prune, and the app's own"),
  edge: Edge.optional().describe('public HTTPS routes to the web processes: Ingress or HTTPRoute, TLS and HSTS (docs/edge.md); none when omitted'),
  dependencies: z
    .record(DnsLabel, Dependency)
    .default({})
    .describe('what the processes connect to, by name: each opens egress to its pods or CIDR on the NetworkPolicy (docs/network.md)'),
  externalHttps: z.array(Hostname).default([]).describe('external HTTPS APIs called (egress 443 to public addresses; the names are written on that NetworkPolicy as berth.dev/egress-host)'),
  externalHttpsUsedBy: z
    .array(DnsLabel)
    .min(1, 'must list at least one process; omit it for every process that runs app code')
    .optional()
    .describe('processes that call the externalHttps APIs; default every web process, worker, singleton and generic cron job'),
  alerts: Alerts.prefault({}).describe('the PrometheusRule: thresholds, silences, off per environment (docs/alerts.md)'),
  // Pod settings, the service account and object metadata (issue 21): see pod-settings.ts.
  ...ServicePodSettingsFields,
  // Patches: applied to the rendered objects, before the checks (docs/escape-hatches.md).
  patches: z
    .array(Patch)
    .default([])
    .describe("changes to the objects berth writes, applied before every check; an overlay's patches come after the service's"),
});
export type ServiceSpec = z.infer<typeof ServiceSpec>;
/** The spec as written, before defaults. */
export type ServiceSpecInput = z.input<typeof ServiceSpec>;

// ---------------------------------------------------------------------------------------------
// The project: berth.yaml
// ---------------------------------------------------------------------------------------------

/** Pods in another namespace that a NetworkPolicy lets in. */
const PeerSelector = z.strictObject({ namespace: DnsLabel.describe('the namespace of the pods'), podLabels: Labels.describe('labels the pods carry') });

// --- Argo CD delivery per environment: projects, sync windows, notifications ---------------------

/** A Go duration in hours and minutes, as Argo CD's sync windows read it (`12h`, `1h30m`, `45m`). */
export const WindowDuration = z
  .string()
  .regex(/^(?=[0-9])([0-9]+h)?([0-9]+m)?$/, 'must be a duration in hours and minutes such as 12h, 1h30m or 45m')
  .refine((d) => /[1-9]/.test(d), 'must be longer than zero');

/** An Argo CD sync window: automated syncs of every Application of the environment only (allow) or never (deny) while it is open. */
export const SyncWindow = z.strictObject({
  kind: z.enum(['allow', 'deny']).describe('deny: no automated sync while open; allow: automated syncs only while some allow window is open'),
  schedule: CronSchedule.describe('when the window opens (five-field cron), e.g. "0 12 * * 5" for Friday noon'),
  duration: WindowDuration.describe('how long it stays open, e.g. 12h'),
  timeZone: TimeZone.optional().describe('time zone of the schedule; default UTC'),
  manualSync: z.boolean().optional().describe('a person may still sync by hand while a deny window is open (a hotfix); default false'),
});
export type SyncWindow = z.infer<typeof SyncWindow>;

/** The Argo CD notifications triggers of the default catalog. */
const NOTIFICATION_TRIGGERS = [
  'on-sync-failed',
  'on-health-degraded',
  'on-sync-status-unknown',
  'on-sync-running',
  'on-sync-succeeded',
  'on-deployed',
  'on-created',
  'on-deleted',
] as const;

/** One Argo CD notifications subscription, written as an annotation on every Application of the environment. */
export const NotificationSubscription = z.strictObject({
  trigger: z.enum(NOTIFICATION_TRIGGERS).describe('a trigger of the Argo CD notifications catalog, e.g. on-sync-failed or on-health-degraded'),
  service: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be the name of a notification service in argocd-notifications-cm, such as slack or email')
    .describe('the notification service (service.<name> in argocd-notifications-cm)'),
  recipients: z
    .array(z.string().regex(/^[^;\s]+$/, 'must be one recipient (a channel, an address) without spaces or ";"'))
    .min(1, 'must name at least one recipient')
    .describe('channels or addresses'),
});
export type NotificationSubscription = z.infer<typeof NotificationSubscription>;

/** How Argo CD delivers one environment. */
export const ArgoDelivery = z
  .strictObject({
    project: DnsLabel.optional().describe(
      'an existing AppProject for every Application of this environment; default: berth writes a least-privilege AppProject per service',
    ),
    prune: z.boolean().default(true).describe('automated sync deletes objects that left dist/ (Argo CD syncPolicy.automated.prune)'),
    selfHeal: z.boolean().default(true).describe('automated sync reverts changes made in the cluster (Argo CD syncPolicy.automated.selfHeal)'),
    syncWindows: z.array(SyncWindow).default([]).describe('sync windows on the AppProjects berth writes; default none'),
    notifications: z.array(NotificationSubscription).default([]).describe('Argo CD notifications subscriptions on every Application; default none'),
  })
  .superRefine((a, ctx) => {
    if (a.project !== undefined && a.syncWindows.length > 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['syncWindows'],
        message: `cannot be set with project "${a.project}": sync windows belong to the AppProject, which berth does not write for an existing project`,
        params: { fix: `declare the windows on project "${a.project}" itself, or remove project so that berth writes the service projects with these windows` },
      });
    }
  });
export type ArgoDelivery = z.infer<typeof ArgoDelivery>;

// -------------------------------------------------------------------------------------------------

export const Environment = z.strictObject({
  edgeProfile: EdgeProfile.default('traefik').describe("the ingress controller of the cluster: nginx (ingress-nginx), traefik or gateway (Gateway API); a service's edge.profile overrides it"),
  ingressClassName: z.string().default('traefik').describe("ingressClassName of the Ingresses; a service's edge.className overrides it"),
  clusterIssuer: DnsLabel.default('letsencrypt-prod').describe('the cert-manager ClusterIssuer of services that set no edge.tls'),
  gateway: GatewayRef.optional().describe('gateway profile: the Gateway every HTTPRoute attaches to unless a service sets edge.gateway'),
  ingressController: PeerSelector.optional().describe('defaults by profile: ingress-nginx or traefik'),
  prometheus: PeerSelector.default({ namespace: 'monitoring', podLabels: { 'app.kubernetes.io/name': 'prometheus' } }).describe(
    'the Prometheus pods, which NetworkPolicies let scrape the metrics ports',
  ),
  serviceMonitorLabels: Labels.default({ release: 'kube-prometheus-stack' }).describe('labels on every ServiceMonitor, which the Prometheus serviceMonitorSelector matches'),
  ruleLabels: Labels.optional().describe("labels the Prometheus ruleSelector matches on PrometheusRules; defaults to serviceMonitorLabels"),
  dns: z
    .strictObject({
      extraAddresses: z
        .array(Ipv4Address)
        .max(4, 'lists more than four addresses; a node-local cache needs two at most (its own and the kube-dns ClusterIP)')
        .refine((a) => new Set(a).size === a.length, 'lists an address twice')
        .default([])
        .describe(
          'addresses besides the kube-dns pods where pods send DNS queries (UDP and TCP 53 to each, nothing else): ' +
            "NodeLocal DNSCache's link-local address (169.254.20.10 by default; always on GKE Autopilot) and, " +
            'when the cache also answers on the kube-dns Service IP (kube-proxy in iptables mode), that ClusterIP',
        ),
    })
    .default({ extraAddresses: [] })
    .describe('where pods may send DNS queries besides the kube-dns pods'),
  imagePullSecrets: z.array(PullSecretName).default([]).describe('Secrets with registry credentials every pod of every service in this environment gets (each must exist in every service namespace)'),
  guardrails: z.boolean().default(true).describe('enforce production guardrails'),
  production: z.boolean().default(false).describe('loosening security needs a reason; topology spread across zones'),
  cluster: z.string().regex(/^https:\/\//, 'must be the https URL of the cluster API server').default('https://kubernetes.default.svc').describe('Argo CD destination server'),
  argocd: ArgoDelivery.default({ prune: true, selfHeal: true, syncWindows: [], notifications: [] }).describe(
    'how Argo CD delivers this environment: automated sync, AppProject, sync windows, notifications',
  ),
});
export type Environment = z.infer<typeof Environment>;

export const ProjectConfig = z.strictObject({
  repoURL: z.string().regex(/^(https:\/\/|ssh:\/\/|git@)/, 'must be a Git URL').describe('the Git repository Argo CD reads dist/ from'),
  targetRevision: z.string().default('main').describe('the branch, tag or commit of repoURL Argo CD syncs'),
  argocdNamespace: DnsLabel.default('argocd').describe('the namespace Argo CD runs in, where the Applications and AppProjects go'),
  environments: z
    .record(DnsLabel.refine((n) => n !== 'argocd', 'is reserved: dist/argocd/ holds the Argo CD Applications'), Environment)
    .refine((e) => Object.keys(e).length > 0, 'must define at least one environment')
    .describe('the environments, by name (at least one): each gets dist/<env>/ and its Argo CD Applications'),
});
export type ProjectConfig = z.infer<typeof ProjectConfig>;
