/**
 * Where the processes of a service may connect outside it, and whether that agrees with what
 * each process is given.
 *
 * `dependencyUsers` and `internetCallers` are the one home of "who may egress where": the
 * service model (model/service-model.ts, whose `dependencies[].users` and `internetCallers` the
 * NetworkPolicies in chart/network.ts are written from) and `checkEgressNeeds` both read them, so
 * the check can never disagree with the policies it guards.
 *
 * A process needs a destination when the spec gives it the destination's address or credentials:
 * - a secret item tied to a dependency: listed in `dependencies.<d>.secrets`, or, when the
 *   dependency lists none, an item whose name, last remoteKey segment or property names the
 *   dependency as a whole word (REDIS_URL, `rag/redis`, `redis_url` for `redis`);
 * - the retention job's `databaseUrlSecret`, which its script connects to;
 * - an env var whose value names the dependency's host: its declared `host` in any cluster-DNS
 *   spelling (`name.ns`, `name.ns.svc`, `name.ns.svc.cluster.local`), an address inside its
 *   `cidr`, or a Service in its namespace when it declares no host and it alone there matches
 *   the port written;
 * - for `externalHttps`: an env var holding an https URL of a host that `externalHttps` lists.
 * Shared config (`env`, secrets without `consumers`) reaches every process; it counts for the
 * processes whose access the spec narrowed (usedBy), and for the internet only for those that
 * run the app's code by default, since the built-in jobs never call an API.
 */
import { IPV4_ADDRESS, ipv4InCidr } from '../util/ipv4';
import { namespaceOf } from '../util/names';
import { allProcesses, processNames } from './processes';
import type { CronKind, ProcessKind, ProcessModel, ServiceModel } from '../model/service-model';
import { Dependency, ServiceSpec } from './schema';
import type { SemanticProblem } from './semantics';
import { plainEnv } from './pod-settings';

/** The processes that run the app's own code and may call `externalHttps` when the spec names none. */
function appCallers(spec: ServiceSpec): string[] {
  const n = processNames(spec);
  return [...n.web, ...n.workers, ...n.singletons, ...Object.keys(spec.cron.jobs)];
}

/**
 * Processes that may call `externalHttps`: `externalHttpsUsedBy` when the spec names them, else
 * those that run the app's own code: web processes, workers, singletons and generic CronJobs. The
 * built-in jobs (migration, tmp cleanup, retention) only talk to the database or a volume, so they
 * never leave the cluster.
 */
export function internetCallers(spec: ServiceSpec): string[] {
  return spec.externalHttpsUsedBy ? [...spec.externalHttpsUsedBy] : appCallers(spec);
}

/**
 * The processes that connect to a dependency: its `usedBy` as written, or every process and job.
 * An unknown name is reported at its field by checkSemantics (and refused by the chart).
 */
export function dependencyUsers(spec: ServiceSpec, dep: Dependency): string[] {
  return [...(dep.usedBy ?? allProcesses(spec))];
}

/** A host an env value names, with the port when one is written. */
export interface HostRef {
  readonly host: string;
  readonly port?: number;
  /** Written as an `https://` URL. */
  readonly https: boolean;
}

const HOST_PORT = /^([a-z0-9.-]+?)\.?(?::([0-9]{1,5}))?$/;
const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;
/** Longer tokens are no host name (253 characters at most) and are skipped unread. */
const MAX_TOKEN = 2048;

/**
 * The hosts an env value names: URLs (`redis://:pw@cache.db:6379/0`), `host:port`, and dotted
 * host names, alone or in a list separated by commas, semicolons or spaces. A word without a dot,
 * a scheme or a port (`production`, `4`) names no host.
 */
export function hostsIn(value: string): HostRef[] {
  const out: HostRef[] = [];
  for (const token of value.toLowerCase().split(/[\s,;]+/)) {
    if (token.length > MAX_TOKEN) continue;
    const url = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/.exec(token);
    let rest = url ? url[2] : token;
    rest = rest.replace(/[/?#].*$/, '');
    rest = rest.slice(rest.lastIndexOf('@') + 1);
    const m = HOST_PORT.exec(rest);
    if (!m || !m[1].split('.').every((label) => LABEL.test(label))) continue;
    const port = m[2] === undefined ? undefined : Number(m[2]);
    if (!url && port === undefined && !m[1].includes('.')) continue;
    out.push({ host: m[1], ...(port === undefined ? {} : { port }), https: url?.[1] === 'https' });
  }
  return out;
}

/** `name.ns`, `name.ns.svc` and `name.ns.svc.<cluster domain>` as `{ name, namespace }`. */
function clusterService(host: string): { name: string; namespace: string } | undefined {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)(\.svc(\..+)?)?$/.exec(host);
  return m ? { name: m[1], namespace: m[2] } : undefined;
}

/** One spelling per host: cluster-DNS names as `name.ns`, a single label in the pods' own namespace. */
function canonicalHost(host: string, namespace: string): string {
  const h = host.toLowerCase().replace(/\.$/, '');
  if (!h.includes('.')) return `${h}.${namespace}`;
  const svc = clusterService(h);
  return svc ? `${svc.name}.${svc.namespace}` : h;
}

/** The dependency an env value's host names, when exactly one does. */
function dependencyNamed(ref: HostRef, spec: ServiceSpec): string | undefined {
  const namespace = namespaceOf(spec);
  const deps = Object.entries(spec.dependencies);
  const byHost = deps.filter(([, d]) => d.host !== undefined && canonicalHost(d.host, namespace) === canonicalHost(ref.host, namespace));
  if (byHost.length) return byHost.length === 1 ? byHost[0][0] : undefined;
  const portOk = (d: Dependency) => ref.port === undefined || ref.port === d.port;
  let candidates: Array<[string, Dependency]> = [];
  if (IPV4_ADDRESS.test(ref.host)) candidates = deps.filter(([, d]) => d.cidr !== undefined && ipv4InCidr(ref.host, d.cidr) && portOk(d));
  else {
    const svc = clusterService(ref.host);
    if (svc) candidates = deps.filter(([, d]) => d.host === undefined && d.namespace === svc.namespace && portOk(d));
  }
  return candidates.length === 1 ? candidates[0][0] : undefined;
}

const words = (text: string) => text.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);

/** Does `text` hold the words of `name`, in order and side by side (REDIS_URL holds redis)? */
function namesWords(text: string, name: string): boolean {
  const t = words(text);
  const n = words(name);
  return t.some((_, i) => n.every((w, j) => t[i + j] === w));
}

/** The secret items that hold a dependency's address or credentials: its `secrets`, else those whose names name it. */
export function secretsOf(spec: ServiceSpec, name: string, dep: Dependency): Set<string> {
  if (dep.secrets) return new Set(dep.secrets);
  const items = Object.entries(spec.secrets?.items ?? {});
  return new Set(items.filter(([key, i]) =>
    namesWords(key, name) || (i.remoteKey !== undefined && namesWords(i.remoteKey.split('/').pop() ?? '', name)) || (i.property !== undefined && namesWords(i.property, name)),
  ).map(([key]) => key));
}

/** What a process is given that can say where it connects, each with the field that gives it. */
interface ProcessInputs {
  readonly name: string;
  /** `web process "api"`, `the migration Job (migrate)`. */
  readonly what: string;
  readonly env: ReadonlyArray<{ readonly field: string; readonly value: string; readonly shared: boolean }>;
  readonly secrets: ReadonlyArray<{ readonly field: string; readonly item: string }>;
}

/** How a finding names a process: `web process "api"`, `the migration Job (migrate)`. */
function describe(p: ProcessModel): string {
  const byKind: Record<Exclude<ProcessKind, 'cronjob'>, string> = { web: `web process "${p.name}"`, worker: `worker "${p.name}"`, singleton: `singleton "${p.name}"`, migration: `the migration Job (${p.name})` };
  const byCron: Record<CronKind, string> = { 'tmp-cleanup': `the tmp cleanup CronJob (${p.name})`, retention: `the retention CronJob (${p.name})`, generic: `cron job "${p.name}"` };
  return p.kind === 'cronjob' ? byCron[p.cron ?? 'generic'] : byKind[p.kind];
}

/**
 * Every process and job with the env and secret items its container gets, as the model resolved
 * them (a singleton's env includes its `like` process's, reported at the web process's field).
 * berth's own scripts (the retention and command-less tmp cleanup jobs, which run no app image)
 * get no env: the retention script reads only its database URL, the tmp cleanup nothing.
 */
function processInputs(spec: ServiceSpec, model: ServiceModel): ProcessInputs[] {
  // Values read from the pod (fieldRef, resourceFieldRef) name no host: only text is looked at.
  const shared = Object.entries(plainEnv(spec.env)).map(([k, value]) => ({ field: `env.${k}`, value, shared: true }));
  const envField = (p: ProcessModel, k: string) => {
    const like = p.kind === 'singleton' ? spec.singletons[p.name].like : undefined;
    return like !== undefined && !Object.hasOwn(spec.singletons[p.name].env, k) ? `web.${like}.env.${k}` : `${p.field}.env.${k}`;
  };
  return model.processes.filter((p) => p.image !== undefined || p.cron === 'retention').map((p) => ({
    name: p.name,
    what: describe(p),
    env: p.image === undefined ? [] : [...shared, ...Object.entries(p.env).map(([k, value]) => ({ field: envField(p, k), value, shared: false }))],
    secrets: p.secretItems.map((item) => ({ field: p.cron === 'retention' ? `${p.field}.databaseUrlSecret` : `secrets.items.${item}`, item })),
  }));
}

/** Does a host match an `externalHttps` entry (`*.example.com` matches one label or more)? */
function listedHttps(spec: ServiceSpec, host: string): boolean {
  return spec.externalHttps.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) : h === host));
}

/**
 * A process given a dependency's address or credentials, or the URL of an external API, whose
 * egress there the NetworkPolicies deny: it would fail at run time with a connection timeout.
 * Also: `dependencies.<d>.secrets` names a known item; the retention job reaches some dependency.
 */
export function checkEgressNeeds(spec: ServiceSpec, model: ServiceModel): SemanticProblem[] {
  const out: SemanticProblem[] = [];
  const everyone = allProcesses(spec);
  const items = Object.keys(spec.secrets?.items ?? {});
  for (const [d, dep] of Object.entries(spec.dependencies)) {
    (dep.secrets ?? []).forEach((k, i) => {
      if (!items.includes(k)) out.push({ path: `dependencies.${d}.secrets[${i}]`, message: `Unknown secret "${k}"`, fix: items.length ? `known: ${[...items].sort().join(', ')}` : 'declare it under secrets.items first' });
    });
  }

  const inputs = processInputs(spec, model);
  let retentionShutOut = false;
  for (const [d, dep] of Object.entries(spec.dependencies)) {
    // No usedBy: every process and job may connect. An unknown name is reported by checkSemantics.
    if (dep.usedBy === undefined || dep.usedBy.some((u) => !everyone.includes(u))) continue;
    const users = new Set(dependencyUsers(spec, dep));
    const linked = secretsOf(spec, d, dep);
    for (const p of inputs) {
      if (users.has(p.name)) continue;
      const given = [
        ...p.secrets.filter((s) => linked.has(s.item)).map((s) => (s.field === `secrets.items.${s.item}` ? `secret ${s.item}` : `${s.field} ${s.item}`)),
        ...p.env.filter((e) => hostsIn(e.value).some((r) => dependencyNamed(r, spec) === d)).map((e) => e.field),
      ];
      if (given.length === 0) continue;
      retentionShutOut ||= p.name === 'retention';
      out.push({
        path: `dependencies.${d}.usedBy`,
        message: `${cap(p.what)} is given the address or credentials of dependency "${d}" (${given.join(', ')}), but dependencies.${d}.usedBy does not list it, so the NetworkPolicies deny its connection`,
        fix: `add ${p.name} to dependencies.${d}.usedBy, or remove usedBy so every process and job may connect${p.name === 'retention' ? '' : `; if ${p.name} never connects to ${d}, give ${given.join(', ')} only to the processes that do`}`,
      });
    }
  }

  // A retention job that no dependency admits reaches no database, whichever secret it reads
  // (unless the problem above already names the dependency it is shut out of).
  const retention = spec.cron.retention;
  if (retention && !retentionShutOut && !Object.entries(spec.dependencies).some(([, dep]) => dep.protocol === 'TCP' && (dep.usedBy === undefined || dep.usedBy.includes('retention')))) {
    out.push({
      path: 'cron.retention',
      message: `The retention CronJob connects to the database in secret ${retention.databaseUrlSecret}, but no dependency is open to it, so the NetworkPolicies deny every connection it makes`,
      fix: 'declare the database under dependencies, with retention in its usedBy (or no usedBy)',
    });
  }

  if (spec.externalHttps.length) {
    const callers = new Set(internetCallers(spec));
    const byDefault = new Set(appCallers(spec));
    for (const p of inputs) {
      if (callers.has(p.name)) continue;
      const given = p.env.filter((e) => (!e.shared || byDefault.has(p.name)) && hostsIn(e.value).some((r) => r.https && listedHttps(spec, r.host) && dependencyNamed(r, spec) === undefined));
      if (given.length === 0) continue;
      const fields = given.map((e) => e.field).join(', ');
      out.push(spec.externalHttpsUsedBy
        ? {
            path: 'externalHttpsUsedBy',
            message: `${cap(p.what)} is given the URL of an API that externalHttps lists (${fields}), but externalHttpsUsedBy does not list it, so the NetworkPolicies deny its HTTPS egress`,
            fix: `add ${p.name} to externalHttpsUsedBy, or remove externalHttpsUsedBy so every web process, worker, singleton and cron job may call out; if ${p.name} never calls it, give ${fields} only to the processes that do`,
          }
        : {
            path: 'externalHttps',
            message: `${cap(p.what)} is given the URL of an API that externalHttps lists (${fields}), but built-in jobs get no HTTPS egress unless externalHttpsUsedBy names them`,
            fix: `set externalHttpsUsedBy to every process that calls the APIs, ${p.name} included; if ${p.name} never calls it, remove ${fields}`,
          });
    }
  }
  return out;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
