/**
 * `--from-compose docker-compose.yml`: services become web processes (they publish or expose a
 * port) or workers; one-off services become the migration Job or cron jobs (schedule labels);
 * database images become `dependencies`; secrets, named volumes and env carry over. Every key that
 * is not mapped is reported with its line. Secret values (env, env_file) are dropped at once, and
 * secret files are never read.
 */
import * as yaml from 'js-yaml';
import { ImageRef } from '../spec/schema';
import { LIMITS } from '../spec/load';
import { asMap, Ctx, Mount, Proc, readService } from './compose-service';
import { CronJobInput, DependencyInput, detectPort, detectServer, Draft, emptyDraft, portNumber, SecretItemInput, toDnsLabel, VolumeInput, WebInput, WorkerInput } from './draft';
import { Note, NoteList } from './notes';
import { KeyPath, YamlLines } from './yaml-positions';

export { toCron } from './compose-service';

/** What the compose importer needs besides the file's text. */
export interface ComposeOptions {
  /** The service name, for image placeholders and dependency hosts. */
  readonly service: string;
  /** Reads a file named by `env_file` (a path relative to the compose file); undefined when it cannot. */
  readonly readFile?: (relativePath: string) => string | undefined;
}

/** Imports a docker-compose file. */
export function importCompose(file: string, text: string, opts: ComposeOptions): Draft {
  const draft = emptyDraft(file);
  const notes = new NoteList(file);
  const lines = new YamlLines(text);
  const ctx: Ctx = { notes, at: (path: KeyPath) => lines.line(path), opts, draft, envFileCache: new Map() };
  const data = parseCompose(text, file, notes);
  if (data === undefined) {
    draft.notes.push(...notes.notes);
    return draft;
  }
  noteTopLevelKeys(ctx, data);
  const services = asMap(data.services);
  if (!services) {
    notes.add(ctx.at(['services']), 'no services: mapping found');
    draft.notes.push(...notes.notes);
    return draft;
  }

  const procs = readServices(ctx, services);
  const taken = nameProcesses(ctx, procs);
  const active = procs.filter((p) => p.name);
  const spec: ProcessSpec = { imageFor: chooseImage(ctx, procs), ownEnv: shareEnv(ctx, active) };
  importVolumes(ctx, active, asMap(data.volumes) ?? {});
  importSecrets(ctx, active, asMap(data.secrets) ?? {});
  importCalls(ctx, procs, active);
  for (const p of procs) {
    importProcess(ctx, p, active, spec);
    importJobs(ctx, p, taken, spec);
  }
  dropUnconsumedSecrets(ctx);
  importDependencies(ctx, procs, active);
  draft.notes.push(...groupByService(notes.notes));
  return draft;
}

/** Notes every top-level key but services, volumes and secrets, with why it is not imported. */
function noteTopLevelKeys({ notes, at }: Ctx, data: Record<string, unknown>): void {
  for (const key of Object.keys(data)) {
    if (['services', 'volumes', 'secrets'].includes(key)) continue;
    const why =
      key === 'version' ? 'it is obsolete in the Compose specification' :
      key === 'name' ? 'the service name comes from `berth new <service>`' :
      key === 'networks' ? 'NetworkPolicies are generated from the spec' :
      key === 'configs' ? 'bake config files into the image, or mount a ConfigMap' :
      key.startsWith('x-') ? 'an extension field; what it shares through anchors was read where it is merged' :
      key === 'include' ? 'included files are not read; import them separately' : 'not a Compose top-level key berth knows';
    notes.add(at([key]), `top-level "${key}" is not imported (${why})`);
  }
}

/** Reads every service that is a mapping. */
function readServices(ctx: Ctx, services: Record<string, unknown>): Proc[] {
  const procs: Proc[] = [];
  for (const [composeName, raw] of Object.entries(services)) {
    const svc = asMap(raw);
    const path: KeyPath = ['services', composeName];
    if (!svc) {
      ctx.notes.add(ctx.at(path), `service ${composeName} is not a mapping; skipped`);
      continue;
    }
    procs.push(readService(composeName, svc, path, ctx));
  }
  return procs;
}

/** Decides the name each imported process gets in the spec (a DNS label, unique); returns the names taken. */
function nameProcesses({ notes, at }: Ctx, procs: readonly Proc[]): Set<string> {
  const taken = new Set<string>();
  for (const p of procs) {
    if (p.role === 'dependency' || p.role === 'proxy' || p.role === 'skip') continue;
    let name = toDnsLabel(p.composeName) ?? 'app';
    if (p.role === 'migration') name = 'migrate';
    name = uniqueName(name, taken);
    p.name = name;
    if (p.role !== 'migration' && name !== p.composeName) notes.add(at(p.path), `service ${p.composeName} is named "${name}" in the spec (names are DNS labels)`);
  }
  return taken;
}

/** What the spec of a process or job takes from the steps before: its image and its own env. */
interface ProcessSpec {
  /** `{ image }` when it differs from the service image, else nothing. */
  readonly imageFor: (p: Proc) => { image?: string };
  /** `{ env }` with the keys it does not share with the others, else nothing. */
  readonly ownEnv: (p: Proc) => { env?: Record<string, string> };
}

/** Pins each image; the first web process's becomes the service image. */
function chooseImage(ctx: Ctx, procs: readonly Proc[]): ProcessSpec['imageFor'] {
  const { draft } = ctx;
  const contexts = new Map<string, string>();
  for (const p of procs) if (p.name) p.image = pinImage(p, ctx.opts.service, contexts, ctx.notes, ctx.at);
  const primary = procs.find((p) => p.role === 'web' && p.image) ?? procs.find((p) => p.name && p.image);
  if (primary?.image) {
    draft.image = primary.image.ref;
    draft.imagePlaceholder = primary.image.placeholder;
  }
  return (p) => (p.image && p.image.ref !== draft.image ? { image: p.image.ref } : {});
}

/** Env: what every process that sets a key agrees on is shared; the rest stays per process. */
function shareEnv({ draft }: Ctx, active: readonly Proc[]): ProcessSpec['ownEnv'] {
  const shared: Record<string, string> = {};
  const keys = new Set(active.flatMap((p) => Object.keys(p.env.env)));
  for (const k of keys) {
    const values = new Set(active.filter((p) => k in p.env.env).map((p) => p.env.env[k]));
    if (values.size === 1) shared[k] = [...values][0];
  }
  Object.assign(draft.env, shared);
  return (p) => {
    const own = Object.fromEntries(Object.entries(p.env.env).filter(([k]) => !(k in shared)));
    return Object.keys(own).length ? { env: own } : {};
  };
}

/** Volumes: named volumes mounted by imported processes become claims; the rest is noted. */
function importVolumes({ notes, at, draft }: Ctx, active: readonly Proc[], topVolumes: Record<string, unknown>): void {
  const users = new Map<string, Array<{ proc: Proc; mount: Mount }>>();
  for (const p of active) {
    for (const m of p.mounts) {
      if (p.role === 'migration') notes.add(m.line, `service ${p.composeName}: the migration Job mounts no volumes; ${m.volume} is not mounted there`);
      else users.set(m.volume, [...(users.get(m.volume) ?? []), { proc: p, mount: m }]);
    }
  }
  for (const [vol, list] of users) {
    const name = toDnsLabel(vol) ?? 'data';
    const first = list[0].mount;
    if (!(vol in topVolumes)) notes.add(first.line, `volume ${vol} is not declared under top-level volumes:`);
    const procNames = [...new Set(list.map((u) => u.proc.name!))];
    const scaled = list.some((u) => u.proc.role === 'web' && (u.proc.replicas ?? 1) > 1);
    // Ofelia jobs run in their own pods with the same mounts: they share the claim too.
    const withJobs = list.some((u) => u.proc.role !== 'cron' && u.proc.jobs.length > 0);
    const rwx = procNames.length > 1 || scaled || withJobs;
    for (const u of list) {
      if (u.mount.target !== first.target) notes.add(u.mount.line, `volume ${vol} is mounted at ${u.mount.target} by ${u.proc.composeName} but at ${first.target} by ${list[0].proc.composeName}; berth mounts a volume at one path (${first.target})`);
    }
    const volume: VolumeInput = {
      size: '10Gi',
      accessMode: rwx ? 'ReadWriteMany' : 'ReadWriteOnce',
      mountPath: first.target,
      ...(list.every((u) => u.mount.readOnly) ? { readOnly: true } : {}),
    };
    draft.volumes[name] = volume;
    for (const u of list) if (!u.proc.mounts2.includes(name)) u.proc.mounts2.push(name);
    notes.add(at(['volumes', vol]) ?? first.line, `volume ${vol} became volumes.${name} with a placeholder size of 10Gi; set the size you need`);
    if (rwx) {
      notes.add(first.line, `volume ${vol} is shared by ${procNames.join(', ')}${scaled ? ' (and several replicas)' : ''}${withJobs ? ' (and cron jobs)' : ''}: it is ReadWriteMany, which needs a storage class that supports it (NFS, CephFS, EFS …); set storageClassName`);
    } else {
      for (const u of list) {
        if (u.proc.role === 'web' && u.proc.replicas === undefined) {
          u.proc.replicas = 1;
          notes.add(u.mount.line, `service ${u.proc.composeName} mounts the ReadWriteOnce volume ${vol}: it runs as one replica (a claim mounts on one node); use ReadWriteMany to scale it`);
        }
      }
    }
  }
  for (const [vol, def] of Object.entries(topVolumes)) {
    if (!users.has(vol)) notes.add(at(['volumes', vol]), `volume ${vol} is not used by an imported process (a dependency's data lives with the dependency); not imported`);
    const volumeOptions = asMap(def);
    for (const k of Object.keys(volumeOptions ?? {})) notes.add(at(['volumes', vol, k]), `volumes.${vol}.${k} is not imported (the claim uses the cluster's storage classes)`);
  }
}

/** Secrets: compose secrets (files under /run/secrets) and secret-looking env, as references. */
function importSecrets({ notes, at, draft }: Ctx, active: readonly Proc[], topSecrets: Record<string, unknown>): void {
  const secretUse = new Map<string, { item: SecretItemInput; consumers: Set<string> }>();
  const useSecret = (envName: string, file: string | undefined, consumer: string) => {
    const cur = secretUse.get(envName) ?? { item: {}, consumers: new Set<string>() };
    // berth points NAME_FILE at the file, so only a valid file name needs carrying over.
    if (file && file !== envName.toLowerCase() && /^[a-z0-9][a-z0-9._-]*$/.test(file)) cur.item.file = file;
    cur.consumers.add(consumer);
    secretUse.set(envName, cur);
  };
  const usedSecrets = new Set<string>();
  for (const p of active) {
    for (const [envName, s] of Object.entries(p.env.secrets)) useSecret(envName, s.file, p.name!);
    for (const s of p.secrets) {
      usedSecrets.add(s.source);
      if (!(s.source in topSecrets)) notes.add(s.line, `secret ${s.source} is not declared under top-level secrets:`);
      // The env var the app reads it through: X where X_FILE=/run/secrets/<target>, else the upper-cased name.
      const viaFile = Object.entries(p.env.secrets).find(([, v]) => v.file === s.target);
      const envName = viaFile ? viaFile[0] : s.target.toUpperCase().replace(/[^A-Z0-9_]/g, '_').replace(/^([0-9])/, '_$1');
      useSecret(envName, s.target, p.name!);
    }
  }
  for (const [name, def] of Object.entries(topSecrets)) {
    if (!usedSecrets.has(name)) notes.add(at(['secrets', name]), `secret ${name} is used by no imported process (a dependency's own secret is managed with the dependency); not imported`);
    const d = asMap(def);
    for (const k of Object.keys(d ?? {})) {
      if (!['file', 'environment', 'external', 'name'].includes(k)) notes.add(at(['secrets', name, k]), `secrets.${name}.${k} is not imported`);
    }
  }
  for (const [envName, { item, consumers }] of secretUse) {
    draft.secrets[envName] = { ...item, consumers: [...consumers].sort() };
  }
  if (active.some((p) => p.secrets.length || Object.values(p.env.secrets).some((s) => s.file))) {
    draft.delivery = { mode: 'files', reason: 'Compose mounts secrets as files under /run/secrets; berth does the same and sets NAME_FILE' };
  }
}

/** depends_on between processes: who calls whom (NetworkPolicies open exactly these paths). */
function importCalls({ notes }: Ctx, procs: readonly Proc[], active: readonly Proc[]): void {
  const byCompose = new Map(procs.map((p) => [p.composeName, p]));
  for (const o of active) {
    for (const d of o.dependsOn) {
      const target = byCompose.get(d.name);
      if (!target) notes.add(d.line, `${o.composeName} depends_on ${d.name}, which is not a service in this file`);
      else if (target.role === 'dependency') continue; // every process may connect to a dependency (no usedBy)
      else if (target.role === 'migration') notes.add(d.line, `${o.composeName} depends_on ${d.name}: the migration Job runs before new pods roll out, nothing to set`);
      else if (target.role === 'web' && (o.role === 'web' || o.role === 'worker')) {
        o.calls.push(target.name!);
        const field = o.role === 'web' ? `web.${target.name}.allowFrom` : `workers.${o.name}.calls`;
        notes.add(d.line, `${o.composeName} depends_on ${d.name}: ${field} lets it call ${target.name} (pods start in any order; readiness probes hold traffic until a pod is ready)`);
      } else notes.add(d.line, `${o.composeName} depends_on ${d.name}: pods start in any order, so it is not imported${target.role === 'web' ? ` (a job cannot be allowed to call ${target.name}; make it a worker if it must)` : ''}`);
    }
  }
}

/** The fields every kind of process takes from its Compose service. */
function commonFields(p: Proc, spec: ProcessSpec) {
  return {
    ...spec.imageFor(p),
    ...(p.command ? { command: p.command } : {}),
    ...(p.args ? { args: p.args } : {}),
    ...(p.workingDir ? { workingDir: p.workingDir } : {}),
    ...spec.ownEnv(p),
  };
}

/** The web process, worker or migration Job a service became (dependencies have their own step). */
function importProcess(ctx: Ctx, p: Proc, active: readonly Proc[], spec: ProcessSpec): void {
  const { notes, at, draft } = ctx;
  const common = commonFields(p, spec);
  const resources = p.resources ? { resources: p.resources } : {};
  const mounts = p.mounts2.length ? { mounts: p.mounts2 } : {};
  switch (p.role) {
    case 'web':
      draft.web[p.name!] = webInput(ctx, p, active, common);
      break;
    case 'worker': {
      const calls = [...new Set(p.calls)];
      const worker: WorkerInput = {
        ...common,
        ...(p.replicas !== undefined ? { replicas: p.replicas } : {}),
        ...(p.health?.exec ? { probe: { exec: p.health.exec } } : {}),
        ...(p.graceSeconds ? { terminationGracePeriodSeconds: Math.min(3600, p.graceSeconds) } : {}),
        ...(calls.length ? { calls } : {}),
        ...resources,
        ...mounts,
      };
      if (p.health?.path) notes.add(p.health.line, `service ${p.composeName} has an HTTP health check but no port; it became a worker without an HTTP probe`);
      draft.workers[p.name!] = worker;
      break;
    }
    case 'migration':
      if (!p.command) {
        notes.add(at(p.path), `service ${p.composeName} looks like a migration but has no command; not imported`);
        break;
      }
      draft.migration = { ...common, command: p.command, ...resources };
      notes.add(at(p.path), `service ${p.composeName} (restart: "no") runs migrations: it became the migration Job, run once per sync before new pods roll out`);
      if (p.args) notes.add(at([...p.path, 'entrypoint']), `the migration Job has no args; its command is the entrypoint only, check it`);
      break;
    case 'skip':
    case 'proxy':
    case 'dependency':
      break;
  }
}

/** A web process: its port, probes, server and who may call it, each guess noted. */
function webInput({ notes, at }: Ctx, p: Proc, active: readonly Proc[], common: ReturnType<typeof commonFields>): WebInput {
  const port = (p.command && detectPort(p.command)) ?? p.ports[0] ?? portNumber(p.env.env.PORT) ?? 8000;
  if (p.command && detectPort(p.command) === undefined && p.ports.length === 0 && portNumber(p.env.env.PORT) === undefined) notes.add(at(p.path), `service ${p.composeName}: no container port found; using 8000`);
  if (p.ports.length > 1) notes.add(at([...p.path, 'ports']), `service ${p.composeName} has ${p.ports.length} ports; the web port is ${port}. For a metrics port, set web.${p.name}.metrics.port`);
  let health = p.health?.path;
  if (p.health?.port !== undefined && p.health.port !== port) notes.add(p.health.line, `service ${p.composeName}: the health check calls port ${p.health.port}, the web port is ${port}; probes use ${port}`);
  if (!health) {
    health = '/health';
    notes.add(p.health?.line ?? at(p.path), `service ${p.composeName}: ${p.health?.why ?? 'no healthcheck'}; probes use /health, make sure the app answers there (or change web.${p.name}.health)`);
  }
  const server = p.command ? detectServer(p.command) : undefined;
  if (p.command && !server) notes.add(at([...p.path, 'command']), `service ${p.composeName}: cannot tell which server the command starts; server is "other". Set server: uvicorn, gunicorn or waitress if it is one of them`);
  const allowFrom = active.filter((o) => o !== p && o.role === 'web' && o.calls.includes(p.name!)).map((o) => o.name!);
  if (!p.command) notes.add(at(p.path), `service ${p.composeName} has no command (the image CMD runs), so berth cannot tell its server; server is "other". Set server: gunicorn, uvicorn or waitress if it is one of them`);
  return {
    server: server ?? 'other',
    ...common,
    port,
    ...(p.replicas !== undefined ? { replicas: p.replicas } : {}),
    health: { liveness: health },
    ...(p.resources ? { resources: p.resources } : {}),
    ...(p.graceSeconds ? { gracefulTimeoutSeconds: Math.min(600, p.graceSeconds) } : {}),
    ...(allowFrom.length ? { allowFrom } : {}),
    ...(p.mounts2.length ? { mounts: p.mounts2 } : {}),
  };
}

/** The cron jobs of a service (its own schedule label, or Ofelia's job labels); they get its secrets. */
function importJobs({ notes, draft }: Ctx, p: Proc, taken: Set<string>, spec: ProcessSpec): void {
  const mounts = p.mounts2.length ? { mounts: p.mounts2 } : {};
  for (const job of p.jobs) {
    const name = job.own && p.name ? p.name : uniqueName(job.name, taken);
    if (name !== job.name) notes.add(job.line, `cron job ${job.name} is named "${name}" in the spec (names are DNS labels and unique)`);
    const command = job.command ?? p.command;
    if (!command) {
      notes.add(job.line, `cron job ${job.name} has no command (berth runs CronJobs with an explicit command); not imported`);
      continue;
    }
    const cron: CronJobInput = {
      schedule: job.schedule,
      ...spec.imageFor(p),
      command,
      ...(p.workingDir ? { workingDir: p.workingDir } : {}),
      ...spec.ownEnv(p),
      ...mounts,
    };
    draft.jobs[name] = cron;
    p.jobNames.push(name);
    for (const s of Object.values(draft.secrets)) if (p.name && s.consumers?.includes(p.name) && name !== p.name) s.consumers.push(name);
    notes.add(job.line, `cron job ${name} runs "${job.schedule}" (${job.source})${/clean/i.test(command.join(' ')) && mounts.mounts ? `; if it deletes old temp files from a volume, cron.tmpCleanup does that with a built-in script` : ''}`);
  }
}

/** A secret whose consumers were all left out is not imported (nor its delivery, when none is left). */
function dropUnconsumedSecrets({ notes, draft }: Ctx): void {
  for (const [k, s] of Object.entries(draft.secrets)) {
    s.consumers = [...new Set(s.consumers ?? [])].filter((n) => isDefined(n, draft)).sort();
    if (s.consumers.length === 0) {
      delete draft.secrets[k];
      notes.add(undefined, `secret ${k} is used only by services that were not imported; not imported`);
    }
  }
  if (Object.keys(draft.secrets).length === 0) delete draft.delivery;
}

/** Database images become dependencies with placeholder hosts; env pointing at them is noted. */
function importDependencies({ notes, at, draft, opts }: Ctx, procs: readonly Proc[], active: readonly Proc[]): void {
  for (const p of procs.filter((q) => q.role === 'dependency')) {
    const kind = p.dependency!;
    let name = toDnsLabel(kind.kind) ?? 'db';
    if (name in draft.dependencies) name = toDnsLabel(p.composeName) ?? `${name}-2`;
    // The secrets whose value points at this Compose host hold its address or credentials: named,
    // so that a usedBy narrowed later is checked against every process given one.
    const secrets = [...new Set(active.flatMap((o) => o.hostRefs.filter((r) => r.secret && r.host === p.composeName && r.name in draft.secrets).map((r) => r.name)))].sort();
    const dep: DependencyInput = {
      host: `${opts.service}-${name}.databases.svc.cluster.local`,
      port: p.ports[0] ?? kind.port,
      namespace: 'databases',
      podLabels: { 'app.kubernetes.io/name': kind.kind, 'app.kubernetes.io/instance': `${opts.service}-${name}` },
      ...(secrets.length ? { secrets } : {}),
      // No usedBy: depends_on orders start-up, it does not say who connects, and a list written
      // now would shut out a migration or cron job added later (the default is every process and job).
    };
    draft.dependencies[name] = dep;
    notes.add(at(p.path), `service ${p.composeName} (${p.rawImage}) became dependencies.${name}, not a workload: run it with its operator or chart, then set its host, namespace and podLabels (the values written are placeholders). Every process and job may connect to it; usedBy narrows that`);
    for (const o of active) {
      for (const e of o.hostRefs.filter((r) => r.host === p.composeName)) {
        notes.add(e.line, `service ${o.composeName}: ${e.name} ${e.secret ? '(a secret) ' : ''}points at the Compose host "${p.composeName}"; change it to the dependency's host${e.secret ? ' in the Secret' : ''}`);
      }
    }
  }
}

/**
 * Folds notes that differ only in the service they name, on the same line (keys shared through
 * an anchor), into one: `services backend, worker: build is not imported …`.
 */
function groupByService(list: readonly Note[]): Note[] {
  const groups = new Map<string, { note: Note; names: string[]; rest: string }>();
  const out: Array<Note | { group: string }> = [];
  for (const n of list) {
    const m = /^service ([^ :]+)(.*)$/s.exec(n.message);
    if (!m) {
      out.push(n);
      continue;
    }
    const key = `${n.file}\0${n.line}\0${m[2]}`;
    const g = groups.get(key);
    if (g) g.names.push(m[1]);
    else {
      groups.set(key, { note: n, names: [m[1]], rest: m[2] });
      out.push({ group: key });
    }
  }
  return out.map((o) => {
    if (!('group' in o)) return o;
    const g = groups.get(o.group)!;
    return g.names.length === 1 ? g.note : { ...g.note, message: `services ${g.names.join(', ')}${g.rest}` };
  });
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function parseCompose(text: string, file: string, notes: NoteList): Record<string, unknown> | undefined {
  if (Buffer.byteLength(text, 'utf8') > LIMITS.maxBytes) {
    notes.add(undefined, `file is larger than ${LIMITS.maxBytes / 1024} KiB; not imported`);
    return undefined;
  }
  let data: unknown;
  try {
    data = yaml.load(text, { filename: file, schema: yaml.CORE_SCHEMA.withTags(yaml.mergeTag), maxAliases: LIMITS.maxAliases, maxDepth: LIMITS.maxDepth });
  } catch (e) {
    // Only the reason and position: js-yaml's message quotes the source, which may hold secrets.
    const err = e as { reason?: string; mark?: { line: number } };
    notes.add(err.mark ? err.mark.line + 1 : undefined, `not valid YAML: ${err.reason ?? 'cannot be parsed'}`);
    return undefined;
  }
  const map = asMap(data);
  if (!map) notes.add(undefined, 'expected a mapping with services: at the top level');
  return map;
}

function uniqueName(name: string, taken: Set<string>): string {
  let n = name;
  for (let i = 2; taken.has(n); i++) n = `${name.slice(0, 36)}-${i}`;
  taken.add(n);
  return n;
}

/** Is this a process or job the spec defines (so `usedBy` and `consumers` may name it)? */
function isDefined(name: string, draft: Draft): boolean {
  return name in draft.web || name in draft.workers || name in draft.jobs || (name === 'migrate' && draft.migration !== undefined);
}

/** Pins a process image: keeps a pinned reference, pins `latest`/untagged to a placeholder tag. */
function pinImage(p: Proc, service: string, contexts: Map<string, string>, notes: NoteList, at: Ctx['at']): { ref: string; placeholder: boolean } | undefined {
  const line = at([...p.path, 'image']) ?? at(p.path);
  const raw = p.rawImage;
  if (raw) {
    if (ImageRef.safeParse(raw).success) return { ref: raw, placeholder: false };
    const base = raw.replace(/:latest$/, '');
    const untagged = !/:[^/]+$/.test(raw) && !raw.includes('@');
    const candidate = `${base}:0.1.0`;
    if ((raw.endsWith(':latest') || untagged) && ImageRef.safeParse(candidate).success) {
      notes.add(line, `service ${p.composeName}: image ${raw} is ${untagged ? 'untagged' : '"latest"'}; it became ${candidate}, a placeholder tag: pin the version you run`);
      return { ref: candidate, placeholder: true };
    }
    notes.add(line, `service ${p.composeName}: image ${raw} is not a pinned image reference berth accepts; a placeholder is used`);
  }
  const context = p.build ?? `:${p.composeName}`;
  let ref = contexts.get(context);
  if (!ref) {
    ref = contexts.size === 0 ? `registry.example.com/${service}:0.1.0` : `registry.example.com/${service}-${p.name}:0.1.0`;
    contexts.set(context, ref);
  }
  if (!raw) notes.add(line, `service ${p.composeName} has no image${p.build ? ` (compose builds ${p.build})` : ''}; it uses ${ref}, a placeholder: set the image CI pushes`);
  return { ref, placeholder: true };
}
