/**
 * Reading one Compose service: its command, env, secrets, mounts, ports, health check, resources
 * and schedule labels, and what it becomes (web process, worker, migration, cron job, dependency,
 * or nothing, with a note). Used by compose.ts, which assembles the services into a draft.
 */
import { CronSchedule, HttpPath } from '../spec/schema';
import { CRON_MACROS } from '../util/cron';
import type { ComposeOptions } from './compose';
import { classifyEnv, ClassifiedEnv, EnvEntry } from './classify';
import { Draft, durationSeconds, memoryQuantity, portNumber, toDnsLabel } from './draft';
import { readEnvEntries } from './env-file';
import { NoteList } from './notes';
import { commandFromLine } from './shell-words';
import { KeyPath } from './yaml-positions';

/** Database and broker images that become `dependencies`, with their default port. */
const DEPENDENCY_IMAGES: ReadonlyArray<[RegExp, string, number]> = [
  [/^(postgres|postgis|pgvector|timescaledb(-ha)?)$/, 'postgres', 5432],
  [/^(redis|redis-stack(-server)?|valkey|keydb)$/, 'redis', 6379],
  [/^neo4j$/, 'neo4j', 7687],
  [/^milvus$/, 'milvus', 19530],
  [/^(mysql|mariadb)$/, 'mysql', 3306],
  [/^(mongo|mongodb)$/, 'mongo', 27017],
  [/^rabbitmq$/, 'rabbitmq', 5672],
  [/^etcd$/, 'etcd', 2379],
  [/^minio$/, 'minio', 9000],
];

/** Service names that are a reverse proxy in front of the app: the Ingress replaces them. */
const PROXY_NAMES = new Set(['proxy', 'reverse-proxy', 'nginx', 'caddy', 'traefik', 'haproxy', 'lb', 'gateway', 'edge']);
const PROXY_IMAGES = new Set(['traefik', 'caddy', 'haproxy', 'envoy']);

/** Service keys known to Compose that have no meaning here, with what takes their place. */
const NOT_NEEDED: Record<string, string> = {
  container_name: 'object names come from the spec',
  hostname: 'pods are reached through their Service name',
  domainname: 'pods are reached through their Service name',
  networks: 'NetworkPolicies are generated from the spec (default deny, then exactly the allowed paths)',
  network_mode: 'NetworkPolicies are generated from the spec',
  links: 'pods are reached through their Service name',
  external_links: 'pods are reached through their Service name',
  logging: 'containers log to stdout; the cluster collects it',
  user: 'pods run as uid/gid 10001 by default (security.runAsUser)',
  read_only: 'the root filesystem is read-only by default',
  cap_drop: 'every capability is dropped by default',
  cap_add: 'pods run under Pod Security "restricted": no added capabilities',
  privileged: 'pods run under Pod Security "restricted": never privileged',
  security_opt: 'pods use the RuntimeDefault seccomp profile',
  tmpfs: 'berth mounts writable emptyDirs for /tmp and the server scratch directories',
  init: 'not needed: the kubelet reaps the container',
  stdin_open: 'not used by a server',
  tty: 'not used by a server',
  platform: 'the cluster nodes decide the platform; build a matching image',
  pull_policy: 'images are pinned; the cluster default pull policy applies',
  extra_hosts: 'use cluster DNS, or a dependency with a cidr',
  dns: 'cluster DNS is used',
  dns_search: 'cluster DNS is used',
  ulimits: 'set by the node',
  shm_size: 'not imported; ask for a memory emptyDir if the app needs a large /dev/shm',
  sysctls: 'pods run under Pod Security "restricted"',
  pid: 'pods run under Pod Security "restricted"',
  ipc: 'pods run under Pod Security "restricted"',
  devices: 'pods run under Pod Security "restricted"',
  profiles: 'every imported process is deployed; one-off services become the migration Job or cron jobs',
  configs: 'not imported; bake the files into the image or mount a ConfigMap',
  mem_limit: 'use deploy.resources (imported) or set resources in the spec',
  mem_reservation: 'use deploy.resources (imported) or set resources in the spec',
  cpus: 'use deploy.resources (imported) or set resources in the spec',
  cpu_shares: 'set resources in the spec',
  stop_signal: 'pods are stopped with SIGTERM',
  develop: 'a development-only option',
};

// ---------------------------------------------------------------------------------------------
// One service
// ---------------------------------------------------------------------------------------------

/** What a Compose service becomes in the spec. */
export type Role = 'web' | 'worker' | 'migration' | 'cron' | 'dependency' | 'proxy' | 'skip';

/** A named volume mounted by a service. */
export interface Mount {
  readonly volume: string;
  readonly target: string;
  readonly readOnly: boolean;
  readonly line?: number;
}

/** A cron job read from a service's schedule labels. */
export interface Job {
  readonly name: string;
  /** The service itself is the job (berth.schedule): the job keeps the process name. */
  readonly own?: boolean;
  readonly schedule: string;
  readonly command?: string[];
  readonly source: string;
  readonly line?: number;
}

/** One Compose service as read, before it is assembled into the draft. */
export interface Proc {
  readonly composeName: string;
  readonly path: KeyPath;
  role: Role;
  name?: string;
  rawImage?: string;
  build?: string;
  image?: { ref: string; placeholder: boolean };
  command?: string[];
  args?: string[];
  workingDir?: string;
  env: ClassifiedEnv;
  hostRefs: Array<{ name: string; host: string; secret: boolean; line?: number }>;
  secrets: Array<{ source: string; target: string; line?: number }>;
  mounts: Mount[];
  /** Spec volume names, filled in once volumes are named. */
  mounts2: string[];
  dependsOn: Array<{ name: string; line?: number }>;
  ports: number[];
  health?: { path?: string; port?: number; exec?: string[]; why?: string; line?: number };
  replicas?: number;
  resources?: { cpu?: string; memory?: string; memoryLimit?: string };
  graceSeconds?: number;
  jobs: Job[];
  /** Spec names of the cron jobs made from it. */
  jobNames: string[];
  /** Web processes it calls (depends_on), for allowFrom and calls. */
  calls: string[];
  dependency?: { kind: string; port: number };
}

/** What reading a service needs: notes, key lines, options, and the draft for env_file sources. */
export interface Ctx {
  readonly notes: NoteList;
  readonly at: (path: KeyPath) => number | undefined;
  readonly opts: ComposeOptions;
  readonly draft: Draft;
  readonly envFileCache: Map<string, EnvFileRead | undefined>;
}

/** Keys this importer maps; every other key gets a note. */
const MAPPED = new Set([
  'image', 'build', 'command', 'entrypoint', 'working_dir', 'environment', 'env_file', 'ports', 'expose', 'healthcheck', 'secrets',
  'volumes', 'depends_on', 'restart', 'labels', 'deploy', 'stop_grace_period', 'scale',
]);

/** Reads one service and decides what it becomes; every key it does not map gets a note. */
export function readService(composeName: string, svc: Record<string, unknown>, path: KeyPath, ctx: Ctx): Proc {
  const { notes, at } = ctx;
  const who = `service ${composeName}`;
  const p: Proc = {
    composeName, path, role: 'worker', env: { env: {}, secrets: {} }, hostRefs: [], secrets: [], mounts: [], mounts2: [], dependsOn: [], ports: [], jobs: [], jobNames: [], calls: [],
  };
  const image = typeof svc.image === 'string' ? svc.image : undefined;
  p.rawImage = image;
  const repo = image ? imageRepo(image) : undefined;
  const dep = repo ? DEPENDENCY_IMAGES.find(([re]) => re.test(repo)) : undefined;
  if (dep) {
    p.role = 'dependency';
    p.dependency = { kind: dep[1], port: dep[2] };
    p.ports = readPorts(svc, path, ctx, who, true);
    p.dependsOn = readDependsOn(svc.depends_on, [...path, 'depends_on'], at);
    return p;
  }
  if (PROXY_NAMES.has(composeName) || (repo && PROXY_IMAGES.has(repo))) {
    p.role = 'proxy';
    notes.add(at(path), `${who} is a reverse proxy: the Ingress (edge: in the spec, with TLS) replaces it; not imported. Carry its limits over by hand (edge.maxBodyMiB, edge.timeoutSeconds, edge.internalPaths)`);
    return p;
  }
  if (repo === 'ofelia') {
    p.role = 'skip';
    notes.add(at(path), `${who} is the ofelia scheduler: its jobs become CronJobs (from ofelia labels on the services they run in); not imported`);
    return p;
  }

  if (typeof svc.build === 'string') p.build = svc.build;
  else if (asMap(svc.build)) p.build = String(asMap(svc.build)!.context ?? '.');
  if (svc.build !== undefined) notes.add(at([...path, 'build']), `${who}: build is not imported: CI builds and pushes the image, and the spec names it by tag`);

  // Command: Compose `command` is the image CMD, `entrypoint` its ENTRYPOINT.
  const cmd = readCommand(svc.command, [...path, 'command'], ctx, who);
  const entry = readCommand(svc.entrypoint, [...path, 'entrypoint'], ctx, who);
  if (entry) {
    p.command = entry;
    if (cmd) p.args = cmd;
  } else p.command = cmd;
  if (svc.working_dir !== undefined) {
    if (typeof svc.working_dir === 'string' && svc.working_dir.startsWith('/')) p.workingDir = svc.working_dir;
    else notes.add(at([...path, 'working_dir']), `${who}: working_dir is not an absolute path; not imported`);
  }

  // Env: env_file first, environment overrides it.
  const fromFiles = readEnvFiles(svc.env_file, [...path, 'env_file'], ctx, who);
  const envEntries = readEnvironment(svc.environment, [...path, 'environment'], at, notes, who);
  for (const e of envEntries) {
    const host = hostReference(e.value);
    if (host) p.hostRefs.push({ name: e.name, host, secret: false, line: e.line });
  }
  for (const f of fromFiles) for (const r of f.hostRefs) p.hostRefs.push({ ...r, secret: false, line: at([...path, 'env_file']) });
  const own = classifyEnv(envEntries, notes, `${who} environment`, true);
  const env: Record<string, string> = {};
  const secrets: Record<string, { file?: string }> = {};
  for (const f of fromFiles) {
    Object.assign(env, f.classified.env);
    Object.assign(secrets, f.classified.secrets);
  }
  Object.assign(env, own.env);
  Object.assign(secrets, own.secrets);
  for (const k of Object.keys(secrets)) delete env[k];
  p.env = { env, secrets };
  for (const r of p.hostRefs) r.secret = r.name in secrets;

  // Secrets, volumes, ports, dependencies.
  p.secrets = readServiceSecrets(svc.secrets, [...path, 'secrets'], ctx, who);
  p.mounts = readMounts(svc.volumes, [...path, 'volumes'], ctx, who);
  p.ports = readPorts(svc, path, ctx, who, false);
  p.dependsOn = readDependsOn(svc.depends_on, [...path, 'depends_on'], at);
  p.health = readHealthcheck(svc.healthcheck, [...path, 'healthcheck'], ctx, who);
  readDeploy(svc, path, ctx, who, p);
  if (svc.stop_grace_period !== undefined) {
    const s = typeof svc.stop_grace_period === 'string' ? durationSeconds(svc.stop_grace_period) : undefined;
    if (s !== undefined && s >= 1) p.graceSeconds = s;
    else notes.add(at([...path, 'stop_grace_period']), `${who}: stop_grace_period is not a duration such as 30s or 1m30s; not imported`);
  }

  // Labels: schedules (berth.schedule, ofelia); the rest are reported.
  const labels = readLabels(svc.labels, [...path, 'labels'], at, notes, who);
  const restart = svc.restart;
  const oneOff = restart === 'no' || restart === false;
  const schedule = labels.get('berth.schedule');
  if (schedule) {
    const s = toCron(schedule.value);
    if ('schedule' in s) p.jobs.push({ name: toDnsLabel(composeName) ?? 'job', own: true, schedule: s.schedule, source: 'label berth.schedule', line: schedule.line });
    else notes.add(schedule.line, `${who}: berth.schedule ${JSON.stringify(schedule.value)} ${s.error}; not imported`);
    if (!oneOff) notes.add(at([...path, 'restart']), `${who} has a schedule, so it runs as a cron job; its restart policy is not used`);
  }
  readOfelia(labels, composeName, who, notes, p);
  for (const [k, v] of labels) {
    if (k === 'berth.schedule' || k.startsWith('ofelia.')) continue;
    notes.add(v.line, `${who}: label ${k} is not imported (pods get the app.kubernetes.io labels)`);
  }

  // What it becomes.
  const hasPort = p.ports.length > 0;
  if (schedule && p.jobs.length) p.role = 'cron';
  else if (schedule) p.role = 'skip';
  else if (oneOff && p.command && /\b(alembic|migrate|migrations?|db upgrade)\b/.test(p.command.join(' '))) p.role = 'migration';
  else if (oneOff) {
    p.role = 'skip';
    notes.add(at([...path, 'restart']), `${who} runs once (restart: "no") and has no schedule label: not imported. Add a berth.schedule label to make it a cron job, or run it by hand`);
  } else if (hasPort) p.role = 'web';
  else p.role = 'worker';
  if (p.role === 'skip') p.jobs = [];
  if (restart !== undefined && !['no', 'always', 'unless-stopped', 'on-failure', false].includes(restart as string | boolean) && !String(restart).startsWith('on-failure:')) {
    notes.add(at([...path, 'restart']), `${who}: restart ${JSON.stringify(restart)} is not a Compose restart policy; ignored`);
  }
  if (svc.scale !== undefined && p.replicas === undefined) {
    if (typeof svc.scale === 'number' && svc.scale >= 1) p.replicas = svc.scale;
    else notes.add(at([...path, 'scale']), `${who}: scale is not a positive number; not imported`);
  }

  for (const key of Object.keys(svc)) {
    if (MAPPED.has(key)) continue;
    const line = at([...path, key]);
    if (key in NOT_NEEDED) notes.add(line, `${who}: ${key} is not imported (${NOT_NEEDED[key]})`);
    else if (key.startsWith('x-')) notes.add(line, `${who}: extension field ${key} is not imported`);
    else notes.add(line, `${who}: unsupported key "${key}"; not imported`);
  }
  return p;
}

function readCommand(raw: unknown, path: KeyPath, ctx: Ctx, who: string): string[] | undefined {
  if (raw === undefined || raw === null) return undefined;
  const line = ctx.at(path);
  const what = path[path.length - 1];
  if (typeof raw === 'string') {
    try {
      const { command, wrapped } = commandFromLine(raw.replace(/\$\$/g, '$'));
      if (wrapped) ctx.notes.add(line, `${who}: ${what} uses shell syntax (pipes, &&, $VAR); it runs under sh -c`);
      return command.length ? command : undefined;
    } catch (e) {
      ctx.notes.add(line, `${who}: ${what} cannot be split into words (${(e as Error).message}); not imported`);
      return undefined;
    }
  }
  if (Array.isArray(raw) && raw.every((w) => ['string', 'number'].includes(typeof w))) {
    const words = raw.map((w) => String(w).replace(/\$\$/g, '$'));
    if (words.some((w) => /\$\{?[A-Za-z_]/.test(w))) ctx.notes.add(line, `${who}: ${what} uses Compose interpolation ($VAR); Kubernetes does not expand it, write the value`);
    return words.length ? words : undefined;
  }
  ctx.notes.add(line, `${who}: ${what} is neither a string nor a list of strings; not imported`);
  return undefined;
}

function readEnvironment(raw: unknown, path: KeyPath, at: Ctx['at'], notes: NoteList, who: string): EnvEntry[] {
  if (raw === undefined || raw === null) return [];
  const out: EnvEntry[] = [];
  const unescape = (v: string) => v.replace(/\$\$/g, '$');
  if (Array.isArray(raw)) {
    raw.forEach((item, i) => {
      const line = at([...path, i]);
      if (typeof item !== 'string') {
        notes.add(line, `${who}: environment entry ${i + 1} is not KEY=value; skipped`);
        return;
      }
      const eq = item.indexOf('=');
      if (eq < 0) out.push({ name: item.trim(), value: undefined, line });
      else out.push({ name: item.slice(0, eq).trim(), value: unescape(item.slice(eq + 1)), line });
    });
    return out;
  }
  const map = asMap(raw);
  if (!map) {
    notes.add(at(path), `${who}: environment is neither a mapping nor a list; skipped`);
    return [];
  }
  for (const [name, value] of Object.entries(map)) {
    const line = at([...path, name]);
    if (value === null || value === undefined) out.push({ name, value: undefined, line });
    else if (typeof value === 'object') notes.add(line, `${who}: environment ${name} is not a scalar; skipped`);
    else out.push({ name, value: unescape(String(value)), line });
  }
  return out;
}

/** An env_file, read once however many services name it: classified, and the hosts it points at. */
export interface EnvFileRead {
  readonly classified: ClassifiedEnv;
  readonly hostRefs: ReadonlyArray<{ name: string; host: string }>;
}

function readEnvFiles(raw: unknown, path: KeyPath, ctx: Ctx, who: string): EnvFileRead[] {
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  const out: EnvFileRead[] = [];
  list.forEach((item, i) => {
    const line = ctx.at(Array.isArray(raw) ? [...path, i] : path);
    const m = asMap(item);
    const file = typeof item === 'string' ? item : typeof m?.path === 'string' ? m.path : undefined;
    if (!file) {
      ctx.notes.add(line, `${who}: env_file entry is not a path; skipped`);
      return;
    }
    if (!ctx.envFileCache.has(file)) {
      const shown = besideCompose(ctx.notes.file ?? '', file);
      const text = ctx.opts.readFile?.(file);
      if (text === undefined) {
        ctx.envFileCache.set(file, undefined);
        const required = m?.required !== false;
        ctx.notes.add(line, `${who}: env_file ${file} could not be read${required ? '' : ' (it is optional)'}; its variables are not imported. Import it with --from-env ${file}`);
      } else {
        const fileNotes = new NoteList(shown);
        const entries = readEnvEntries(text, fileNotes);
        const classified = classifyEnv(entries, fileNotes, 'env', true);
        ctx.draft.sources.push(shown);
        ctx.draft.notes.push(...fileNotes.notes);
        const hostRefs = entries.flatMap((e) => {
          const host = hostReference(e.value);
          return host ? [{ name: e.name, host }] : [];
        });
        ctx.envFileCache.set(file, { classified, hostRefs });
      }
    }
    const cached = ctx.envFileCache.get(file);
    if (cached) out.push(cached);
  });
  return out;
}

function readServiceSecrets(raw: unknown, path: KeyPath, ctx: Ctx, who: string): Proc['secrets'] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    ctx.notes.add(ctx.at(path), `${who}: secrets is not a list; skipped`);
    return [];
  }
  const out: Proc['secrets'] = [];
  raw.forEach((item, i) => {
    const line = ctx.at([...path, i]);
    if (typeof item === 'string') {
      out.push({ source: item, target: item, line });
      return;
    }
    const m = asMap(item);
    if (!m || typeof m.source !== 'string') {
      ctx.notes.add(line, `${who}: secrets entry ${i + 1} has no source; skipped`);
      return;
    }
    let target = typeof m.target === 'string' ? m.target : m.source;
    if (target.startsWith('/')) {
      if (target.startsWith('/run/secrets/')) target = target.slice('/run/secrets/'.length);
      else {
        ctx.notes.add(line, `${who}: secret ${m.source} is mounted at ${target}; berth mounts secret files under /run/secrets (secrets.mountPath), so it is at /run/secrets/${target.split('/').pop()}`);
        target = target.split('/').pop()!;
      }
    }
    for (const k of Object.keys(m)) if (!['source', 'target'].includes(k)) ctx.notes.add(ctx.at([...path, i, k]), `${who}: secrets[${i}].${k} is not imported (secret files are read-only to the pod's group)`);
    out.push({ source: m.source, target, line });
  });
  return out;
}

function readMounts(raw: unknown, path: KeyPath, ctx: Ctx, who: string): Mount[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    ctx.notes.add(ctx.at(path), `${who}: volumes is not a list; skipped`);
    return [];
  }
  const out: Mount[] = [];
  raw.forEach((item, i) => {
    const line = ctx.at([...path, i]);
    let source: string | undefined;
    let target: string | undefined;
    let readOnly = false;
    let type = 'volume';
    if (typeof item === 'string') {
      const parts = item.split(':');
      if (parts.length === 1) [target] = parts;
      else {
        [source, target] = parts;
        readOnly = parts[2]?.split(',').includes('ro') ?? false;
      }
      if (source && /^[./~]/.test(source)) type = 'bind';
      if (!source) type = 'anonymous';
    } else {
      const m = asMap(item);
      type = typeof m?.type === 'string' ? m.type : 'volume';
      source = typeof m?.source === 'string' ? m.source : undefined;
      target = typeof m?.target === 'string' ? m.target : undefined;
      readOnly = m?.read_only === true;
    }
    if (!target || !target.startsWith('/')) {
      ctx.notes.add(line, `${who}: volumes entry ${i + 1} has no absolute container path; skipped`);
      return;
    }
    if (type === 'bind') ctx.notes.add(line, `${who}: bind mount of ${source} at ${target} is a folder on the Docker host; not imported. Bake the files into the image, or use a named volume`);
    else if (type === 'tmpfs') ctx.notes.add(line, `${who}: tmpfs at ${target} is not imported; berth mounts a writable emptyDir at /tmp (ask for another if the app needs ${target})`);
    else if (type === 'anonymous' || !source) ctx.notes.add(line, `${who}: anonymous volume at ${target} is not imported; use a named volume if the data must survive a restart`);
    else if (type === 'volume') out.push({ volume: source, target, readOnly, line });
    else ctx.notes.add(line, `${who}: volume type ${type} is not imported`);
  });
  return out;
}

function readPorts(svc: Record<string, unknown>, path: KeyPath, ctx: Ctx, who: string, quiet: boolean): number[] {
  const out: number[] = [];
  for (const key of ['ports', 'expose'] as const) {
    const raw = svc[key];
    if (raw === undefined || raw === null) continue;
    if (!Array.isArray(raw)) {
      if (!quiet) ctx.notes.add(ctx.at([...path, key]), `${who}: ${key} is not a list; skipped`);
      continue;
    }
    raw.forEach((item, i) => {
      let target: unknown;
      const m = asMap(item);
      if (m) target = m.target;
      else if (typeof item === 'number') target = item;
      else if (typeof item === 'string') target = item.replace(/\/(tcp|udp)$/, '').split(':').pop();
      const port = portNumber(typeof target === 'number' ? target : String(target ?? ''));
      if (port === undefined) {
        if (!quiet) ctx.notes.add(ctx.at([...path, key, i]), `${who}: ${key} entry ${JSON.stringify(item)} is not a single container port (ranges are not imported)`);
        return;
      }
      if (!out.includes(port)) out.push(port);
    });
  }
  return out;
}

function readDependsOn(raw: unknown, path: KeyPath, at: Ctx['at']): Proc['dependsOn'] {
  if (Array.isArray(raw)) return raw.filter((d): d is string => typeof d === 'string').map((name, i) => ({ name, line: at([...path, i]) }));
  const m = asMap(raw);
  return m ? Object.keys(m).map((name) => ({ name, line: at([...path, name]) })) : [];
}

function readHealthcheck(raw: unknown, path: KeyPath, ctx: Ctx, who: string): Proc['health'] {
  const m = asMap(raw);
  if (!m) return raw === undefined ? undefined : { why: 'the healthcheck is not a mapping', line: ctx.at(path) };
  for (const k of Object.keys(m)) {
    if (k === 'test' || k === 'disable') continue;
    ctx.notes.add(ctx.at([...path, k]), `${who}: healthcheck.${k} is not imported (probe timings use berth's defaults; health.startupTimeoutSeconds covers slow starts)`);
  }
  const line = ctx.at([...path, 'test']) ?? ctx.at(path);
  if (m.disable === true) return { why: 'the healthcheck is disabled', line };
  const test = m.test;
  let words: string[] | undefined;
  let shell: string | undefined;
  if (typeof test === 'string') shell = test;
  else if (Array.isArray(test) && test.every((w) => typeof w === 'string')) {
    const [kind, ...rest] = test as string[];
    if (kind === 'NONE') return { why: 'the healthcheck is disabled', line };
    if (kind === 'CMD') words = rest;
    else if (kind === 'CMD-SHELL') shell = rest.join(' ');
  }
  if (!words && shell === undefined) return { why: 'the healthcheck test is not understood', line };
  const textForm = shell ?? words!.join(' ');
  const url = /\bhttps?:\/\/(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::([0-9]{1,5}))?(\/[^\s'"|;)]*)?/.exec(textForm);
  if (url) {
    const path2 = url[2] ?? '/';
    if (HttpPath.safeParse(path2).success) return { path: path2, port: portNumber(url[1]), line };
    return { why: `the health check URL path ${path2} is not a plain HTTP path`, line };
  }
  return { exec: words ?? ['sh', '-c', shell!], why: 'the healthcheck is not an HTTP check (a command; workers keep it as an exec probe)', line };
}

function readDeploy(svc: Record<string, unknown>, path: KeyPath, ctx: Ctx, who: string, p: Proc): void {
  const deploy = asMap(svc.deploy);
  if (!deploy) return;
  const at = (...k: Array<string | number>) => ctx.at([...path, 'deploy', ...k]);
  for (const [k, v] of Object.entries(deploy)) {
    if (k === 'replicas') {
      if (typeof v === 'number' && v >= 1) p.replicas = v;
      else ctx.notes.add(at(k), `${who}: deploy.replicas is not a positive number; not imported`);
    } else if (k === 'resources') {
      const r = asMap(v) ?? {};
      const limits = asMap(r.limits) ?? {};
      const reservations = asMap(r.reservations) ?? {};
      const mem = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? memoryQuantity(String(x)) : undefined);
      const cpu = (x: unknown) => (typeof x === 'string' || typeof x === 'number' ? cpuQuantity(String(x)) : undefined);
      const res: { cpu?: string; memory?: string; memoryLimit?: string } = {};
      const reqCpu = cpu(reservations.cpus);
      const reqMem = mem(reservations.memory);
      const limMem = mem(limits.memory);
      if (reqCpu) res.cpu = reqCpu;
      if (reqMem ?? limMem) res.memory = reqMem ?? limMem;
      if (reqMem && limMem && limMem !== reqMem) res.memoryLimit = limMem;
      if (Object.keys(res).length) p.resources = res;
      if (limits.cpus !== undefined) ctx.notes.add(at('resources', 'limits', 'cpus'), `${who}: deploy.resources.limits.cpus is not imported (CPU limits throttle latency; set resources.cpuLimit if you need one)`);
      for (const [kk, vv] of [...Object.entries(limits), ...Object.entries(reservations)]) {
        if (['cpus', 'memory'].includes(kk)) continue;
        void vv;
        ctx.notes.add(at('resources'), `${who}: deploy.resources ${kk} is not imported`);
      }
    } else {
      ctx.notes.add(at(k), `${who}: deploy.${k} is not imported (${k === 'restart_policy' ? 'the kubelet restarts containers' : k === 'update_config' ? 'Deployments roll out with maxUnavailable 0' : 'a Swarm option'})`);
    }
  }
}

function readLabels(raw: unknown, path: KeyPath, at: Ctx['at'], notes: NoteList, who: string): Map<string, { value: string; line?: number }> {
  const out = new Map<string, { value: string; line?: number }>();
  if (raw === undefined || raw === null) return out;
  if (Array.isArray(raw)) {
    raw.forEach((item, i) => {
      if (typeof item !== 'string') return;
      const eq = item.indexOf('=');
      out.set(eq < 0 ? item : item.slice(0, eq), { value: eq < 0 ? '' : item.slice(eq + 1), line: at([...path, i]) });
    });
    return out;
  }
  const m = asMap(raw);
  if (!m) {
    notes.add(at(path), `${who}: labels is neither a mapping nor a list; skipped`);
    return out;
  }
  for (const [k, v] of Object.entries(m)) out.set(k, { value: String(v ?? ''), line: at([...path, k]) });
  return out;
}

/** Ofelia labels on the service they run in: `ofelia.job-exec.<job>.schedule/command`, `ofelia.job-run.<job>.…`. */
function readOfelia(labels: Map<string, { value: string; line?: number }>, composeName: string, who: string, notes: NoteList, p: Proc): void {
  const jobs = new Map<string, { kind: string; schedule?: { value: string; line?: number }; command?: { value: string; line?: number } }>();
  for (const [k, v] of labels) {
    if (!k.startsWith('ofelia.')) continue;
    const m = /^ofelia\.(job-exec|job-run|job-local|job-service-run)\.([^.]+)\.([a-z-]+)$/.exec(k);
    if (k === 'ofelia.enabled') continue;
    if (!m) {
      notes.add(v.line, `${who}: label ${k} is not imported`);
      continue;
    }
    const [, kind, job, field] = m;
    const cur = jobs.get(job) ?? { kind };
    if (field === 'schedule') cur.schedule = v;
    else if (field === 'command') cur.command = v;
    else notes.add(v.line, `${who}: ofelia option ${field} of job ${job} is not imported`);
    jobs.set(job, cur);
  }
  for (const [job, j] of jobs) {
    if (j.kind !== 'job-exec' && j.kind !== 'job-run') {
      notes.add(j.schedule?.line, `${who}: ofelia ${j.kind} job ${job} is not imported (only job-exec and job-run)`);
      continue;
    }
    if (!j.schedule) {
      notes.add(j.command?.line, `${who}: ofelia job ${job} has no schedule; not imported`);
      continue;
    }
    const s = toCron(j.schedule.value);
    if (!('schedule' in s)) {
      notes.add(j.schedule.line, `${who}: ofelia job ${job} schedule ${JSON.stringify(j.schedule.value)} ${s.error}; not imported`);
      continue;
    }
    let command: string[] | undefined;
    if (j.command) {
      try {
        command = commandFromLine(j.command.value).command;
      } catch (e) {
        notes.add(j.command.line, `${who}: ofelia job ${job} command cannot be split into words (${(e as Error).message}); not imported`);
        continue;
      }
    }
    p.jobs.push({ name: toDnsLabel(job) ?? `${composeName}-job`, schedule: s.schedule, command, source: `ofelia ${j.kind} label on ${composeName}, run with its image, env and volumes`, line: j.schedule.line });
  }
}

/**
 * A five-field cron schedule from a Compose label: five fields as is, ofelia's six fields with
 * seconds (when the seconds are 0), and the descriptors @hourly, @daily, @weekly, @monthly,
 * @yearly and `@every <n>m|h` when n divides the hour or the day.
 */
export function toCron(value: string): { schedule: string } | { error: string } {
  const v = value.trim();
  let schedule: string | undefined = Object.hasOwn(CRON_MACROS, v) ? CRON_MACROS[v] : undefined;
  const every = /^@every\s+([0-9]+)([mh])$/.exec(v);
  if (every) {
    const n = Number(every[1]);
    if (every[2] === 'm' && n >= 1 && 60 % n === 0) schedule = n === 1 ? '* * * * *' : `*/${n} * * * *`;
    else if (every[2] === 'h' && n >= 1 && 24 % n === 0) schedule = n === 1 ? '0 * * * *' : `0 */${n} * * *`;
    else return { error: 'is an interval that a cron schedule cannot express' };
  }
  const fields = v.split(/\s+/);
  if (!schedule && fields.length === 6) {
    if (fields[0] !== '0') return { error: 'runs at a non-zero second, which a Kubernetes CronJob cannot express' };
    schedule = fields.slice(1).join(' ');
  }
  schedule ??= v;
  return CronSchedule.safeParse(schedule).success ? { schedule } : { error: 'is not a cron schedule with five fields' };
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/** An env_file path as the user sees it: relative to the compose file's folder. */
function besideCompose(composeFile: string, relative: string): string {
  if (relative.startsWith('/')) return relative;
  const dir = composeFile.includes('/') ? composeFile.slice(0, composeFile.lastIndexOf('/')) : '';
  return (dir ? `${dir}/${relative}` : relative).replace(/(^|\/)\.\//g, '$1');
}

/** The value as a mapping, or undefined. */
export function asMap(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** `postgres` for `docker.io/library/postgres:16-alpine`. */
function imageRepo(image: string): string {
  const noDigest = image.split('@')[0];
  const last = noDigest.split('/').pop() ?? noDigest;
  return last.split(':')[0].toLowerCase();
}

/** A CPU quantity from Compose `cpus` ("0.5" → 500m). */
function cpuQuantity(value: string): string | undefined {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return Number.isInteger(n) ? String(n) : `${Math.round(n * 1000)}m`;
}

/** The Compose host a value points at (`redis://redis:6379/0` → redis), for a note. */
function hostReference(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const m = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?([a-z0-9][a-z0-9_-]*)(?::[0-9]+)?(?:[/?#]|$)/i.exec(value) ?? /^([a-z][a-z0-9_-]*):[0-9]{2,5}$/i.exec(value);
  return m && !['localhost'].includes(m[1]) && !m[1].includes('.') ? m[1] : undefined;
}
