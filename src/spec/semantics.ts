/**
 * Rules that span fields: references between parts of a spec, and what Kubernetes would
 * reject or silently get wrong (a ReadWriteOnce claim shared across nodes, two objects with
 * one name). Run after schema validation, per environment, on the spec and its resolved model
 * (src/model/): each rule is a small function, run in order, reporting against spec fields.
 */
import { hasDotSegment } from '../util/paths';
import { normalizePrefix } from '../constructs/edge/public-endpoint';
import { allowDnsPolicy, defaultDenyPolicy, egressPolicy, ingressPolicy, INTERNET_HTTPS } from '../constructs/network/policy-names';
import type { ServiceModel } from '../model/service-model';
import { berthVolumeUse } from '../util/pod-volumes';
import { SCRATCH_DIRS } from '../util/scratch-paths';
import { checkEgressNeeds } from './egress';
import { allProcesses, processNames } from './processes';
import { Environment, ServiceSpec } from './schema';

/** A problem without its file: load.ts decides which file set the field. */
export interface SemanticProblem {
  readonly path: string;
  readonly message: string;
  readonly fix: string;
}

/** What every rule reads, and where it reports. */
interface RuleInput {
  readonly spec: ServiceSpec;
  readonly env: Environment;
  readonly envName: string;
  readonly model: ServiceModel;
  readonly names: ReturnType<typeof processNames>;
  /** The problems so far: a rule may leave a field alone that an earlier rule already reported. */
  readonly out: SemanticProblem[];
  /** Reports `ref` at `path` unless `pool` holds it. */
  readonly refCheck: (path: string, ref: string, pool: Set<string>, what: string) => void;
}

/** One cross-field rule. */
type Rule = (r: RuleInput) => void;

/** One object name per process: web, workers, singletons and jobs share `<service>-<name>`. */
const uniqueProcessNames: Rule = ({ names, out }) => {
  const seen = new Map<string, string>();
  const groups: Array<[string, string[]]> = [['web', names.web], ['workers', names.workers], ['singletons', names.singletons], ['cron.jobs', names.jobs]];
  for (const [group, list] of groups) {
    for (const n of list) {
      const prev = seen.get(n);
      if (prev) out.push({ path: `${group}.${n}`, message: `Process name "${n}" is also used in ${prev}`, fix: 'every web process, worker, singleton and job needs its own name' });
      else seen.set(n, group);
    }
  }
};

/** Mounts name volumes: claims of `volumes` or `extraVolumes`. */
const mountReferences: Rule = ({ spec, refCheck }) => {
  const volumes = new Set([...Object.keys(spec.volumes), ...Object.keys(spec.extraVolumes)]);
  const allProcs: Array<[string, string, { mounts: string[] }]> = [
    ...Object.entries(spec.web).map(([n, p]) => ['web', n, p] as [string, string, typeof p]),
    ...Object.entries(spec.workers).map(([n, p]) => ['workers', n, p] as [string, string, typeof p]),
    ...Object.entries(spec.singletons).map(([n, p]) => ['singletons', n, p] as [string, string, typeof p]),
    ...Object.entries(spec.cron.jobs).map(([n, p]) => ['cron.jobs', n, p] as [string, string, typeof p]),
  ];
  for (const [group, n, p] of allProcs) p.mounts.forEach((m, i) => refCheck(`${group}.${n}.mounts[${i}]`, m, volumes, 'volume'));
};

/** Web processes: who may call them, metrics ports; workers' and singletons' calls; singletons' commands. */
const processRules: Rule = ({ spec, names, out, refCheck }) => {
  const web = new Set(names.web);
  for (const [n, p] of Object.entries(spec.web)) {
    p.allowFrom.forEach((r, i) => refCheck(`web.${n}.allowFrom[${i}]`, r, new Set([...names.web, ...names.workers, ...names.singletons].filter((x) => x !== n)), 'process'));
    if (p.metrics?.port !== undefined && p.metrics.port === p.port) {
      out.push({ path: `web.${n}.metrics.port`, message: `Metrics port ${p.port} is the same as the web port`, fix: 'omit metrics.port to serve metrics on the web port, or pick another port' });
    }
    if (!p.public && p.allowFrom.length === 0) {
      out.push({ path: `web.${n}.allowFrom`, message: `Internal web process "${n}" accepts traffic from nobody`, fix: 'list the processes that call it in allowFrom, or make it public' });
    }
  }
  const callers: Array<[string, string, readonly string[]]> = [
    ...Object.entries(spec.workers).map(([n, p]) => ['workers', n, p.calls] as [string, string, string[]]),
    ...Object.entries(spec.singletons).map(([n, p]) => ['singletons', n, p.calls] as [string, string, string[]]),
  ];
  for (const [group, n, calls] of callers) calls.forEach((r, i) => refCheck(`${group}.${n}.calls[${i}]`, r, web, 'web process'));
  for (const [n, s] of Object.entries(spec.singletons)) {
    if (s.like) refCheck(`singletons.${n}.like`, s.like, web, 'web process');
    else if (!s.command) out.push({ path: `singletons.${n}.command`, message: `Singleton "${n}" has neither a command nor \`like\``, fix: 'set command, or like: <web process> to reuse its command' });
  }
};

/** Secret items: references, one key and one file each (as the model resolved them), the fields each source reads. */
const secretItemRules: Rule = ({ spec, model, out, refCheck }) => {
  if (!spec.secrets || !model.secrets) return;
  const consumers = new Set(allProcesses(spec));
  const source = spec.secrets.source;
  if (model.secrets.items.length === 0) out.push({ path: 'secrets.items', message: 'secrets has no items, so it delivers nothing', fix: 'list the secrets the app reads under secrets.items, or remove the secrets section' });
  const keys = new Map<string, string>();
  const files = new Map<string, string>();
  for (const { name: k, key, file } of model.secrets.items) {
    const item = spec.secrets.items[k];
    (item.consumers ?? []).forEach((c, i) => refCheck(`secrets.items.${k}.consumers[${i}]`, c, consumers, 'process or job'));
    if (keys.has(key)) out.push({ path: `secrets.items.${k}.key`, message: `Secrets "${keys.get(key)}" and "${k}" both use the Secret key "${key}"`, fix: 'give each item its own key' });
    if (files.has(file)) out.push({ path: `secrets.items.${k}.file`, message: `Secrets "${files.get(file)}" and "${k}" both use the file name "${file}"`, fix: 'give each item its own file' });
    keys.set(key, k);
    files.set(file, k);
    if (spec.secrets.delivery === 'dotenv' && !('existingSecret' in source) && key === '.env') {
      out.push({ path: `secrets.items.${k}.key`, message: `Secret key ".env" is taken: it holds the rendered .env file`, fix: 'give the item another key' });
    }
    if ('externalSecret' in source && !item.remoteKey) {
      out.push({ path: `secrets.items.${k}.remoteKey`, message: `Secret "${k}" needs remoteKey for an ExternalSecret source`, fix: 'set remoteKey (and property, if the remote value is a JSON object)' });
    }
    if ('sealedSecret' in source && !item.encrypted) {
      out.push({ path: `secrets.items.${k}.encrypted`, message: `Secret "${k}" needs its encrypted value for a SealedSecret source`, fix: 'run kubeseal --raw for the value and paste the output here' });
    }
    // A field the source never reads would be silently dropped: refused, so the spec says what is synthesized.
    if (!('sealedSecret' in source) && item.encrypted !== undefined) {
      out.push({ path: `secrets.items.${k}.encrypted`, message: `Secret "${k}" has an encrypted value, which only a sealedSecret source reads`, fix: 'remove encrypted, or set secrets.source to sealedSecret' });
    }
    for (const field of ['remoteKey', 'property'] as const) {
      if (!('externalSecret' in source) && item[field] !== undefined) {
        out.push({ path: `secrets.items.${k}.${field}`, message: `Secret "${k}" sets ${field}, which only an externalSecret source reads`, fix: `remove ${field}, or set secrets.source to externalSecret` });
      }
    }
  }
};

/** Secret delivery: one .env per pod, a directory of its own, dotenvPath exactly when it is read. */
const secretDeliveryRules: Rule = ({ spec, out }) => {
  if (!spec.secrets) return;
  if (spec.secrets.delivery === 'dotenv') {
    // One .env file per pod: every item in it must go to the same processes.
    const sets = new Set(Object.values(spec.secrets.items).map((i) => JSON.stringify([...(i.consumers ?? [])].sort())));
    if (sets.size > 1) out.push({ path: 'secrets.items', message: 'With delivery "dotenv" every item goes into one .env file, but the items list different consumers', fix: 'give every item the same consumers (or none, for all processes), or use delivery files or env' });
  }
  if (spec.secrets.delivery === 'files') {
    const dir = spec.secrets.mountPath.replace(/\/+$/, '');
    const taken = [...Object.entries(spec.volumes).map(([n, v]) => [`volumes.${n}.mountPath`, v.mountPath] as const), ...SCRATCH_DIRS.map((d) => [d.purpose, d.path] as const)];
    for (const [what, p] of taken) {
      const other = p.replace(/\/+$/, '');
      if (other === dir || other.startsWith(`${dir}/`) || dir.startsWith(`${other}/`)) out.push({ path: 'secrets.mountPath', message: `Secret directory ${dir} overlaps ${what} (${p})`, fix: 'mount secrets in a directory of their own, such as /run/secrets' });
    }
  }
  if (spec.secrets.delivery === 'dotenv' && !spec.secrets.dotenvPath) {
    out.push({ path: 'secrets.dotenvPath', message: 'delivery "dotenv" needs dotenvPath', fix: 'set it to the .env the app loads, e.g. /app/.env in its working directory' });
  }
  if (spec.secrets.delivery !== 'dotenv' && spec.secrets.dotenvPath !== undefined) {
    out.push({ path: 'secrets.dotenvPath', message: `dotenvPath is only read with delivery "dotenv" (delivery is "${spec.secrets.delivery}")`, fix: 'remove dotenvPath, or set delivery: dotenv' });
  }
};

/** Dependencies: who uses them, and names that cannot be a process's (explain and policies name both). */
const dependencyRules: Rule = ({ spec, out, refCheck }) => {
  const everyone = new Set(allProcesses(spec));
  for (const [d, dep] of Object.entries(spec.dependencies)) {
    (dep.usedBy ?? []).forEach((u, i) => refCheck(`dependencies.${d}.usedBy[${i}]`, u, everyone, 'process or job'));
    if (dep.cidr !== undefined && dep.podLabels !== undefined) {
      out.push({ path: `dependencies.${d}.podLabels`, message: `Dependency "${d}" is outside the cluster (cidr), so podLabels select nothing`, fix: 'remove podLabels, or describe an in-cluster dependency with namespace and podLabels instead of cidr' });
    }
    if (everyone.has(d)) out.push({ path: `dependencies.${d}`, message: `Dependency "${d}" has the name of a process of this service`, fix: 'rename the dependency (e.g. postgres, redis), so its egress policy does not collide with the process' });
  }
};

/**
 * Every NetworkPolicy the service gets, by the names the construct gives them: no two parts of
 * the spec may claim one name (e.g. web process "to-db" and dependency "db-ingress" both make
 * "<service>-to-db-ingress"). A web process claims its egress name whether or not it is called.
 */
const policyNameRules: Rule = ({ spec, names, out, refCheck }) => {
  const policies = new Map<string, string>();
  const claim = (name: string, path: string, what: string) => {
    const prev = policies.get(name);
    if (prev === undefined) policies.set(name, what);
    else if (!out.some((p) => p.path === path)) {
      out.push({ path, message: `Two NetworkPolicies would be named "${name}": ${prev}, and ${what}`, fix: 'rename one of the two (policies are named <service>-<process>-ingress and <service>-to-<destination>)' });
    }
  };
  claim(defaultDenyPolicy(spec.name), 'name', 'the default deny');
  claim(allowDnsPolicy(spec.name), 'name', 'DNS egress');
  for (const w of names.web) claim(ingressPolicy(spec.name, w), `web.${w}`, `who may reach web process "${w}"`);
  for (const w of names.web) claim(egressPolicy(spec.name, w), `web.${w}`, `egress to web process "${w}"`);
  if (spec.externalHttps.length) claim(egressPolicy(spec.name, INTERNET_HTTPS), 'externalHttps', 'egress to the internet on 443 (externalHttps)');
  for (const d of Object.keys(spec.dependencies)) claim(egressPolicy(spec.name, d), `dependencies.${d}`, `egress to dependency "${d}"`);

  const everyone = new Set(allProcesses(spec));
  (spec.externalHttpsUsedBy ?? []).forEach((u, i) => refCheck(`externalHttpsUsedBy[${i}]`, u, everyone, 'process or job'));
  if (spec.externalHttpsUsedBy && spec.externalHttps.length === 0) out.push({ path: 'externalHttpsUsedBy', message: 'externalHttpsUsedBy is set but externalHttps lists no API', fix: 'list the external APIs in externalHttps, or remove externalHttpsUsedBy' });
};

/** Egress agrees with what each process is given (spec/egress.ts). */
const egressNeeds: Rule = ({ spec, model, out }) => {
  out.push(...checkEgressNeeds(spec, model));
};

/** Jobs: the retention job's secret, the tmp cleanup's volume and working directory. */
const jobRules: Rule = ({ spec, model, out, refCheck }) => {
  const retention = spec.cron.retention;
  if (retention) {
    const item = model.secrets?.items.find((i) => i.name === retention.databaseUrlSecret);
    if (!item) {
      out.push({ path: 'cron.retention.databaseUrlSecret', message: `Secret "${retention.databaseUrlSecret}" is not defined in secrets.items`, fix: 'declare the database URL secret under secrets.items' });
    } else if (model.secrets?.delivery === 'files' && !item.everyone && !item.consumers.includes('retention')) {
      // With files delivery the job reads <NAME>_FILE from the shared secret files, which only consumers get.
      out.push({ path: `secrets.items.${retention.databaseUrlSecret}.consumers`, message: `Secret "${retention.databaseUrlSecret}" is the retention job's database URL, but its consumers do not include "retention"`, fix: 'add retention to its consumers, or omit consumers so every process and job gets it' });
    }
  }
  if (spec.cron.tmpCleanup) refCheck('cron.tmpCleanup.volume', spec.cron.tmpCleanup.volume, new Set(Object.keys(spec.volumes)), 'volume');
  if (spec.cron.tmpCleanup?.workingDir !== undefined && !spec.cron.tmpCleanup.command) {
    out.push({ path: 'cron.tmpCleanup.workingDir', message: "workingDir is only used with the app's own cleanup command; the built-in script runs in its own image", fix: 'remove workingDir, or set cron.tmpCleanup.command' });
  }
};

/** ReadWriteOnce claims: one workload, one replica. */
const claimRules: Rule = ({ spec, model, out }) => {
  for (const v of model.volumes) {
    if (v.accessMode === 'ReadWriteMany') continue;
    const vol = v.name;
    const users = [...v.users];
    let scaled: string | undefined;
    if (spec.cron.tmpCleanup?.volume === vol) {
      // The cleanup job runs on the node of the claim's one long-running user (pod affinity, see
      // chart/jobs.ts), where a ReadWriteOnce claim can be mounted twice; ReadWriteOncePod cannot.
      const longRunning = new Set(model.processes.filter((p) => p.longRunning).map((p) => p.name));
      const colocated = v.accessMode === 'ReadWriteOnce' && users.length === 1 && longRunning.has(users[0]);
      if (!colocated) users.push('tmp-cleanup');
    }
    const mounted = (name: string) => users.includes(name);
    for (const [n, p] of Object.entries(spec.web)) {
      if (mounted(n) && (p.replicas > 1 || p.autoscaling)) scaled = `web.${n} (${p.autoscaling ? 'autoscaling' : `${p.replicas} replicas`})`;
    }
    for (const [n, p] of Object.entries(spec.workers)) if (mounted(n) && p.replicas > 1) scaled = `workers.${n} (${p.replicas} replicas)`;
    if (users.length > 1) {
      out.push({ path: `volumes.${vol}.accessMode`, message: `${v.accessMode} claim "${vol}" is mounted by ${users.length} workloads (${users.join(', ')})`, fix: 'use accessMode: ReadWriteMany, or mount it from a single workload' });
    } else if (scaled) {
      out.push({ path: `volumes.${vol}.accessMode`, message: `${v.accessMode} claim "${vol}" is mounted by ${scaled}`, fix: 'use accessMode: ReadWriteMany, or run that workload as a single replica' });
    }
  }
};

/** The edge: something public to route to, nothing internal routed, a Gateway for the gateway profile. */
const edgeRules: Rule = ({ spec, model, envName, out }) => {
  if (spec.edge && model.edge) {
    const publicWeb = Object.entries(spec.web).filter(([, p]) => p.public);
    if (publicWeb.length === 0) out.push({ path: 'edge', message: 'An edge is defined but no web process is public', fix: 'set public: true on the process the edge should route to, or remove edge' });
    const routed = new Set(model.edge.routes.map((r) => r.path));
    for (const [n, p] of publicWeb) {
      if (p.metrics && p.metrics.port === undefined && (routed.has(p.metrics.path) || p.metrics.path === '/')) {
        out.push({ path: `web.${n}.metrics.path`, message: `Metrics path "${p.metrics.path}" is served on the public port and is also a routed prefix, so it cannot be blocked at the edge`, fix: 'serve metrics on a separate metrics.port, or on a path that is not routed' });
      }
    }
    spec.edge.internalPaths.forEach((ip, i) => {
      if (routed.has(ip) || ip === '/') out.push({ path: `edge.internalPaths[${i}]`, message: `Internal path "${ip}" is also a routed prefix: blocking it would block the app`, fix: 'list only the internal endpoints, such as /metrics' });
    });
    if (model.edge.profile === 'gateway' && !model.edge.gateway) {
      out.push({ path: 'edge.gateway', message: `Profile "gateway" needs a Gateway to attach to`, fix: `set edge.gateway { name, namespace } or environments.${envName}.gateway in berth.yaml` });
    }
  } else {
    for (const [n, p] of Object.entries(spec.web)) {
      if (p.public && p.paths.length && Object.keys(spec.web).length > 1 && p.paths[0] !== '/') {
        out.push({ path: `web.${n}.paths`, message: `Paths are routed at the edge, but the service has no edge`, fix: 'add an edge section, or remove paths' });
      }
    }
  }
};

/**
 * Object names the API server accepts: `<service>-<process>` is a Service/Deployment/Job name
 * (at most 63 characters); a CronJob name is at most 52 (its Jobs get a suffix).
 */
const objectNameRules: Rule = ({ model, out }) => {
  const groups: Readonly<Record<'web' | 'worker' | 'singleton', string>> = { web: 'web', worker: 'workers', singleton: 'singletons' };
  for (const p of model.processes) {
    if (p.kind === 'web' || p.kind === 'worker' || p.kind === 'singleton') {
      if (p.objectName.length > 63) out.push({ path: `${groups[p.kind]}.${p.name}`, message: `Object name "${p.objectName}" is longer than 63 characters`, fix: 'shorten the service or process name' });
    }
  }
  for (const p of model.processes) {
    if (p.kind === 'cronjob' && p.objectName.length > 52) out.push({ path: p.field, message: `CronJob name "${p.objectName}" is longer than 52 characters`, fix: 'shorten the service or job name' });
  }
};

/** Namespaces the cluster's own components live in. */
const CLUSTER_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** A namespace of its own: berth labels it restricted and fills it with default-deny policies. */
const namespaceRule: Rule = ({ model, out }) => {
  if (CLUSTER_NAMESPACES.includes(model.namespace)) {
    out.push({ path: 'namespace', message: `Namespace "${model.namespace}" belongs to the cluster; a service needs a namespace of its own`, fix: 'set namespace to a name of the service’s own' });
  }
};

/** Limits at or above requests, as the API server demands. */
const resourceRules: Rule = ({ model, out }) => {
  // The built-in jobs' resources are berth's to size; the migration is reported last, as before.
  const own = model.processes.filter((p) => p.kind !== 'migration' && p.cron !== 'tmp-cleanup' && p.cron !== 'retention');
  for (const p of [...own, ...model.processes.filter((q) => q.kind === 'migration')]) {
    const r = p.resources;
    if (!r) continue;
    const path = `${p.field}.resources`;
    if (r.cpuLimit !== undefined && quantity(r.cpuLimit) < quantity(r.cpu)) out.push({ path: `${path}.cpuLimit`, message: `cpuLimit ${r.cpuLimit} is below the cpu request ${r.cpu}`, fix: 'raise the limit or lower the request' });
    if (r.memoryLimit !== undefined && quantity(r.memoryLimit) < quantity(r.memory)) out.push({ path: `${path}.memoryLimit`, message: `memoryLimit ${r.memoryLimit} is below the memory request ${r.memory}`, fix: 'raise the limit or lower the request' });
  }
};

/** Mount paths: one volume per directory, and never over berth's own scratch directories. */
const mountPathRules: Rule = ({ spec, out }) => {
  const scratch = new Map(SCRATCH_DIRS.map((d) => [d.path, d.purpose]));
  const mountedAt = new Map<string, string>();
  for (const [n, v] of Object.entries(spec.volumes)) {
    const at = v.mountPath.replace(/\/+$/, '') || '/';
    const other = mountedAt.get(at);
    if (other) out.push({ path: `volumes.${n}.mountPath`, message: `Volumes "${other}" and "${n}" are both mounted at ${at}`, fix: 'give each volume its own mountPath' });
    else if (scratch.has(at)) out.push({ path: `volumes.${n}.mountPath`, message: `Volume "${n}" is mounted at ${at}, where berth mounts ${scratch.get(at)}`, fix: 'mount the volume somewhere else, e.g. /var/lib/<service>' });
    mountedAt.set(at, n);
  }
};

/** One process per routed prefix at the edge. */
const routeRules: Rule = ({ spec, out }) => {
  const routedBy = new Map<string, string>();
  for (const [n, p] of Object.entries(spec.web)) {
    if (!p.public || !spec.edge) continue;
    p.paths.forEach((path, i) => {
      const other = routedBy.get(path);
      if (other) out.push({ path: `web.${n}.paths[${i}]`, message: `Path "${path}" is routed to both web processes ${other} and ${n}`, fix: 'route each path prefix to one process' });
      else routedBy.set(path, n);
    });
  }
};

/** Alerts: HTTP alerts read the metrics of web processes, so at least one must serve them. */
const alertRules: Rule = ({ spec, out }) => {
  if (spec.alerts.http && !Object.values(spec.web).some((p) => p.metrics)) {
    out.push({ path: 'alerts.http', message: 'alerts.http is set, but no web process serves metrics, so there is no HTTP histogram to alert on', fix: 'add metrics: { path: /metrics } to the web processes that export it, or remove alerts.http' });
  }
};

/** Registry credentials from the secret source: the fields that source reads, and a source that writes objects. */
const registryCredentialsRule: Rule = ({ spec, out }) => {
  const pull = spec.secrets?.imagePullSecret;
  if (!pull) return;
  const source = spec.secrets!.source;
  const at = 'secrets.imagePullSecret';
  if ('existingSecret' in source) {
    out.push({ path: at, message: 'An existingSecret source writes no objects, so berth cannot create registry credentials from it', fix: 'remove secrets.imagePullSecret and list the existing registry Secret in imagePullSecrets' });
    return;
  }
  const external = 'externalSecret' in source;
  if (external && !pull.remoteKey) out.push({ path: `${at}.remoteKey`, message: 'Registry credentials need remoteKey for an ExternalSecret source', fix: 'set remoteKey to the key of the docker config JSON in the store (and property, if the value is a JSON object)' });
  if (!external && !pull.encrypted) out.push({ path: `${at}.encrypted`, message: 'Registry credentials need their encrypted value for a SealedSecret source', fix: `seal the docker config JSON with kubeseal --raw --name ${spec.name}-registry and paste the output here` });
  for (const field of external ? (['encrypted'] as const) : (['remoteKey', 'property'] as const)) {
    if (pull[field] !== undefined) out.push({ path: `${at}.${field}`, message: `Registry credentials set ${field}, which a ${external ? 'externalSecret' : 'sealedSecret'} source does not read`, fix: `remove ${field}` });
  }
};

/** The Kubernetes API token in production needs a reason, as loosened security does; it lands on the pods. */
const serviceAccountTokenRule: Rule = ({ spec, env, envName, out }) => {
  const sa = spec.serviceAccount;
  if (env.production && sa?.automountToken && sa.reason === undefined) {
    out.push({
      path: 'serviceAccount.automountToken',
      message: `automountToken mounts the Kubernetes API token into every pod in ${envName} without a reason`,
      fix: 'say why the app calls the Kubernetes API in serviceAccount.reason (it is recorded on the pods), or remove automountToken (workload identity needs only the annotations, or a projected token with serviceAccount.token)',
    });
  }
  // Two mounts at one path are refused by the API server: say which field to change before that.
  const token = sa?.token?.mountPath;
  if (token === undefined) return;
  const taken = new Map<string, string>([
    ...SCRATCH_DIRS.map((d): [string, string] => [d.path, d.purpose]),
    ...Object.entries(spec.volumes).map(([n, v]): [string, string] => [v.mountPath.replace(/\/+$/, '') || '/', `volume ${n}`]),
    ...(spec.secrets ? [[spec.secrets.mountPath, 'the secret files (secrets.mountPath)'] as [string, string]] : []),
    ...(sa?.automountToken ? [[API_TOKEN_DIR, 'the Kubernetes API token (automountToken)'] as [string, string]] : []),
  ]);
  const owner = taken.get(token);
  if (owner) out.push({ path: 'serviceAccount.token.mountPath', message: `The projected token is mounted at ${token}, where berth mounts ${owner}`, fix: 'mount the token in a directory of its own, e.g. /var/run/secrets/tokens' });
};

/** Where the kubelet mounts the Kubernetes API token when it is automounted. */
const API_TOKEN_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Loosened security in production needs a reason that lands in an annotation. */
const securityRule: Rule = ({ spec, env, envName, out }) => {
  if (env.production && !spec.security.readOnlyRootFilesystem && !spec.security.reason) {
    out.push({ path: 'security.reason', message: `readOnlyRootFilesystem is turned off in ${envName} without a reason`, fix: 'say why in security.reason (it is recorded on the pods), or keep the root filesystem read-only' });
  }
};

/** What the constructs would refuse (see {@link checkConstructInputs}). */
const constructInputs: Rule = ({ spec, out }) => {
  out.push(...checkConstructInputs(spec));
};

// --- More containers and volumes (issue 21 items 5 and 6) --------------------------------------

/**
 * Init containers and sidecars, per process as the model merged them (a service-level one is
 * reported once, at its own field): names unique in the pod, mounts and secrets that exist and
 * reach the process, probes on their own ports, no port taken twice in the pod.
 */
const extraContainerRules: Rule = ({ spec, model, out, refCheck }) => {
  const volumes = new Set([...Object.keys(spec.volumes), ...Object.keys(spec.extraVolumes)]);
  const items = new Set(Object.keys(spec.secrets?.items ?? {}));
  const reported = new Set<string>();
  const once = (path: string, report: () => void) => {
    if (reported.has(path)) return;
    reported.add(path);
    report();
  };
  for (const p of model.processes) {
    const web = p.kind === 'web' ? spec.web[p.name] : undefined;
    const portsTaken = new Map<number, string>(web ? [[web.port, `the port of web.${p.name}`], ...(web.metrics?.port !== undefined ? [[web.metrics.port, `the metrics port of web.${p.name}`] as [number, string]] : [])] : []);
    const names = new Map<string, string>([[p.name, `the app container of ${p.field}`]]);
    for (const c of [...p.sidecars, ...p.initContainers]) {
      const taken = names.get(c.name);
      if (taken) once(`${c.field}:${p.name}:name`, () => out.push({ path: c.field, message: `Container name "${c.name}" is also ${taken} in the pods of ${p.field}`, fix: 'give the init container or sidecar another name (a pod cannot run two containers of one name)' }));
      names.set(c.name, `the ${c.role === 'init' ? 'init container' : 'sidecar'} ${c.field}`);
      c.mounts.forEach((m, i) => once(`${c.field}.mounts[${i}]`, () => refCheck(`${c.field}.mounts[${i}]`, m, volumes, 'volume')));
      c.secrets.forEach((name, i) => {
        const at = `${c.field}.secrets[${i}]`;
        if (!items.has(name)) once(at, () => refCheck(at, name, items, 'secret item'));
        else if (!p.secretItems.includes(name)) {
          once(`${at}:${p.name}`, () => out.push({ path: at, message: `Secret "${name}" is not given to ${p.field}, so its ${c.role === 'init' ? 'init container' : 'sidecar'} "${c.name}" cannot have it`, fix: `add ${p.name} to secrets.items.${name}.consumers, or leave the container out of ${p.field} (${p.field}.${c.role === 'init' ? 'initContainers' : 'sidecars'}.${c.name}: false)` }));
        }
      });
      const own = new Set(c.ports.map((x) => x.name));
      for (const x of c.ports) {
        const other = portsTaken.get(x.port);
        if (other) once(`${c.field}.ports.${x.name}:${p.name}`, () => out.push({ path: `${c.field}.ports.${x.name}`, message: `Port ${x.port} of sidecar "${c.name}" is also ${other}; the containers of a pod share its network`, fix: 'pick another port' }));
        portsTaken.set(x.port, `port ${x.name} of the sidecar ${c.field}`);
      }
      for (const kind of ['liveness', 'readiness', 'startup'] as const) {
        const probe = c.probes?.[kind];
        const port = probe && 'httpGet' in probe ? probe.httpGet.port : undefined;
        // A port number needs no declaration (the kubelet probes the pod IP); a name must be one of the container's.
        if (typeof port === 'string' && !own.has(port)) once(`${c.field}.probes.${kind}`, () => out.push({ path: `${c.field}.probes.${kind}.httpGet.port`, message: `Probe port "${port}" is not a port of sidecar "${c.name}"`, fix: own.size ? `use one of its ports: ${[...own].sort().join(', ')}` : 'declare the port under ports first' }));
      }
    }
  }
};

/** Extra volumes: names free of berth's own pod volumes and of `volumes`, mount paths of their own. */
const extraVolumeRules: Rule = ({ spec, out }) => {
  const taken = new Map<string, string>([
    ...SCRATCH_DIRS.map((d): [string, string] => [d.path, d.purpose]),
    ...Object.entries(spec.volumes).map(([n, v]): [string, string] => [v.mountPath.replace(/\/+$/, '') || '/', `volume ${n}`]),
    ...(spec.secrets?.delivery === 'files' ? [[spec.secrets.mountPath, 'the secret files (secrets.mountPath)'] as [string, string]] : []),
  ]);
  for (const [n, v] of Object.entries(spec.extraVolumes)) {
    const use = berthVolumeUse(n);
    if (use) out.push({ path: `extraVolumes.${n}`, message: `Extra volume name "${n}" is berth's own pod volume name for ${use}`, fix: `rename it (and the mounts that name it), e.g. ${n}-files` });
    else if (Object.hasOwn(spec.volumes, n)) out.push({ path: `extraVolumes.${n}`, message: `"${n}" is both a claim in volumes and an extra volume, so a mount of it is ambiguous`, fix: 'give the extra volume another name' });
    const at = v.mountPath.replace(/\/+$/, '') || '/';
    const other = taken.get(at);
    if (other) out.push({ path: `extraVolumes.${n}.mountPath`, message: `Extra volume "${n}" is mounted at ${at}, where berth mounts ${other}`, fix: 'mount it somewhere else, e.g. /etc/<service>/<name>' });
    taken.set(at, `extra volume ${n}`);
  }
};

// --- end of more containers and volumes ---------------------------------------------------------

/** Every rule, in the order its problems are reported. */
const RULES: readonly Rule[] = [
  uniqueProcessNames, mountReferences, processRules, secretItemRules, secretDeliveryRules, dependencyRules, policyNameRules, egressNeeds,
  jobRules, claimRules, edgeRules, objectNameRules, namespaceRule, resourceRules, mountPathRules, routeRules, alertRules, securityRule, serviceAccountTokenRule, registryCredentialsRule, constructInputs,
  extraContainerRules, extraVolumeRules,
];

/** Checks one validated spec in one environment, with its resolved model. */
export function checkSemantics(spec: ServiceSpec, env: Environment, envName: string, model: ServiceModel): SemanticProblem[] {
  const out: SemanticProblem[] = [];
  const refCheck = (path: string, ref: string, pool: Set<string>, what: string) => {
    if (!pool.has(ref)) out.push({ path, message: `Unknown ${what} "${ref}"`, fix: pool.size ? `known: ${[...pool].sort().join(', ')}` : `define it first` });
  };
  const input: RuleInput = { spec, env, envName, model, names: processNames(spec), out, refCheck };
  for (const rule of RULES) rule(input);
  return out;
}

const UNITS: Readonly<Record<string, number>> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40 };

/** A Kubernetes quantity (already validated by the schema) as a number, for comparisons. */
export function quantity(q: string): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$/.exec(q);
  return m ? Number(m[1]) * (UNITS[m[2]] ?? 1) : NaN;
}


/**
 * What the constructs would refuse, refused here first, at the field that holds it: a construct's
 * error knows its props, not the spec file and field a person has to edit. Each rule names the
 * construct check it mirrors.
 */
export function checkConstructInputs(spec: ServiceSpec): SemanticProblem[] {
  const out: SemanticProblem[] = [];
  // PublicEndpoint compares internal paths and routes with trailing slashes removed.
  if (spec.edge) {
    const routed = new Set(Object.values(spec.web).flatMap((p) => (p.public ? p.paths.map(normalizePrefix) : [])));
    spec.edge.internalPaths.forEach((ip, i) => {
      if (ip !== normalizePrefix(ip) && (routed.has(normalizePrefix(ip)) || normalizePrefix(ip) === '/')) {
        out.push({ path: `edge.internalPaths[${i}]`, message: `Internal path "${ip}" is the routed prefix "${normalizePrefix(ip)}" (a trailing "/" does not make it another path): blocking it would block the app`, fix: 'list only the internal endpoints, such as /metrics' });
      }
    });
  }
  // SecretFiles and DotEnvFile mount at a clean absolute path.
  if (spec.secrets && hasDotSegment(spec.secrets.mountPath)) {
    out.push({ path: 'secrets.mountPath', message: `Mount path "${spec.secrets.mountPath}" has a "." or ".." segment`, fix: 'write the directory without "." and "..", such as /run/secrets' });
  }
  if (spec.secrets?.dotenvPath !== undefined && hasDotSegment(spec.secrets.dotenvPath)) {
    out.push({ path: 'secrets.dotenvPath', message: `Path "${spec.secrets.dotenvPath}" has a "." or ".." segment`, fix: 'write the path of the .env without "." and "..", such as /app/.env' });
  }
  // Every mount: Kubernetes resolves no "..", and a volume over "/" hides the image.
  for (const [name, v] of Object.entries(spec.volumes)) {
    if (hasDotSegment(v.mountPath) || !/^\/[^/]/.test(v.mountPath)) {
      out.push({ path: `volumes.${name}.mountPath`, message: `Mount path "${v.mountPath}" must be a directory below "/" with no "." or ".." segments`, fix: 'write the directory the app uses, such as /tmp/uploads' });
    }
  }
  // TmpCleanup cleans a directory inside the volume.
  const subPath = spec.cron.tmpCleanup?.subPath;
  if (subPath !== undefined && hasDotSegment(subPath)) {
    out.push({ path: 'cron.tmpCleanup.subPath', message: `Sub-path "${subPath}" has a "." or ".." segment`, fix: 'write the folder inside the volume, such as tmp or uploads/tmp' });
  }
  return out;
}
