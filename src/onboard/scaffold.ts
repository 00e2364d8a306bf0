/**
 * Draft + flags → the spec and its overlays, as data, with the comments that explain them. Pure:
 * the command reads inputs and writes files; this decides what goes in them.
 */
import { ServiceSpecInput } from '../spec/schema';
import { CREDENTIAL_PLACEHOLDER, credentialReason } from '../util/credentials';
import { basename, Delivery, detectPort, detectServer, Draft, WebInput } from './draft';
import { isDotenvName } from './env-file';
import { Note } from './notes';
import { KeyComment, renderYaml } from './render';

/** What `berth new` was asked for, beyond the imports. */
export interface NewOptions {
  readonly service: string;
  readonly image?: string;
  readonly port?: number;
  readonly command?: readonly string[];
  readonly health?: string;
  readonly host?: string;
  readonly delivery?: Delivery;
  /** The environments of berth.yaml, in order. */
  readonly environments: ReadonlyArray<{ readonly name: string; readonly production: boolean }>;
}

/** The files of a new service, as data and as text. */
export interface Scaffold {
  readonly spec: ServiceSpecInput;
  readonly overlays: ReadonlyMap<string, Record<string, unknown>>;
  /** Rendered files by name (`service.yaml`, `staging.yaml` …). */
  readonly files: ReadonlyMap<string, string>;
  readonly notes: readonly Note[];
  /** True when the image is a placeholder a person must replace. */
  readonly imagePlaceholder: boolean;
  /** Keys the Secret must hold, one per secret item. */
  readonly secretKeys: readonly string[];
  readonly secretName?: string;
}

/** The default process of a service created from scratch. */
const DEFAULT_PROCESS = 'api';

/** A `.env` imported next to a PM2 file is loaded by the app itself: PM2 does not apply .env files. */
export function inferDelivery(draft: Draft, inputs: { readonly pm2?: string; readonly envFiles: readonly string[] }): Draft['delivery'] {
  const dotenv = inputs.envFiles.find(isDotenvName);
  if (inputs.pm2 && dotenv) {
    return { mode: 'dotenv', reason: `PM2 does not load .env files, so the app loads ${dotenv} itself (python-dotenv): secrets are delivered as a .env in its working directory` };
  }
  return draft.delivery;
}

/** Composes the spec for a service from the merged drafts and the flags. */
export function scaffold(draft: Draft, opts: NewOptions): Scaffold {
  const notes: Note[] = [];
  const { service } = opts;
  const placeholderImage = `registry.example.com/${service}:0.1.0`;
  const image = opts.image ?? draft.image ?? placeholderImage;
  const imagePlaceholder = !opts.image && (draft.imagePlaceholder === true || !draft.image);

  // Web processes: the imported ones, or one from the flags; flags override the first.
  const web: Record<string, WebInput> = Object.keys(draft.web).length ? { ...draft.web } : { [DEFAULT_PROCESS]: { port: 8000, health: { liveness: '/health' } } };
  const [first] = Object.keys(web);
  const main: WebInput = { ...web[first] };
  if (opts.command) {
    main.command = [...opts.command];
    const server = detectServer(opts.command);
    main.server = server ?? 'other';
    if (!server) notes.push({ message: `--command: cannot tell which server ${opts.command.slice(0, 2).join(' ')} starts; web.${first}.server is "other" (set gunicorn, uvicorn or waitress if it is one of them)` });
  }
  const commandPort = opts.command ? detectPort(opts.command) : undefined;
  if (opts.port !== undefined) main.port = opts.port;
  else if (commandPort !== undefined) main.port = commandPort;
  if (opts.port !== undefined && commandPort !== undefined && commandPort !== opts.port) {
    notes.push({ message: `--port ${opts.port} differs from the port the command binds (${commandPort}); the probes and the Service use ${opts.port}` });
  }
  if (opts.health !== undefined) main.health = { ...main.health, liveness: opts.health };
  if (Object.keys(draft.web).length && (opts.command || opts.port !== undefined || opts.health !== undefined)) {
    notes.push({ message: `flags set the ${[opts.command && 'command', opts.port !== undefined && 'port', opts.health !== undefined && 'health path'].filter(Boolean).join(', ')} of web.${first}, over what was imported` });
  }
  web[first] = main;
  for (const [n, p] of Object.entries(web)) web[n] = ordered(p, PROCESS_ORDER);

  // Secrets: references only, from an existing Secret by default.
  const items = draft.secrets;
  const names = Object.keys(items);
  const delivery: Delivery = opts.delivery ?? draft.delivery?.mode ?? 'files';
  const secretName = `${service}-secrets`;
  let dotenvPath: string | undefined;
  if (names.length) {
    if (opts.delivery) notes.push({ message: `secrets are delivered as ${delivery} (--secrets-delivery)` });
    else if (draft.delivery) notes.push({ message: `secrets are delivered as ${delivery}: ${draft.delivery.reason}` });
    else notes.push({ message: `secrets are delivered as files: each is a file under /run/secrets and NAME_FILE points at it. The app must read NAME_FILE; if it only reads env vars, use --secrets-delivery env, and if it loads a .env itself, --secrets-delivery dotenv` });
    if (delivery === 'dotenv') {
      const workingDir = main.workingDir ?? '/app';
      dotenvPath = `${workingDir.replace(/\/+$/, '')}/.env`;
      if (!main.workingDir) notes.push({ message: `the .env is written to ${dotenvPath}; set secrets.dotenvPath if the app loads it from elsewhere` });
    }
  }

  const spec: ServiceSpecInput = {
    name: service,
    description: draft.sources.length ? `${service}, imported from ${[...new Set(draft.sources.map(basename))].join(', ')} by berth new` : `${service}, created by berth new`,
    image,
    ...(Object.keys(draft.env).length ? { env: draft.env } : {}),
    ...(names.length
      ? {
          secrets: {
            source: { existingSecret: secretName },
            delivery,
            ...(dotenvPath ? { dotenvPath } : {}),
            items: Object.fromEntries(names.map((n) => [n, items[n]])),
          },
        }
      : {}),
    ...(Object.keys(draft.volumes).length ? { volumes: draft.volumes } : {}),
    web,
    ...(Object.keys(draft.workers).length ? { workers: draft.workers } : {}),
    ...(draft.migration ? { migration: draft.migration } : {}),
    ...(Object.keys(draft.jobs).length ? { cron: { jobs: draft.jobs } } : {}),
    ...(opts.host ? { edge: { hosts: [opts.host] } } : {}),
    ...(Object.keys(draft.dependencies).length ? { dependencies: draft.dependencies } : {}),
  };
  if (Object.keys(web).length > 1 && opts.host) {
    // One prefix per process at the edge: the first keeps "/", the others get a placeholder.
    for (const name of Object.keys(web).slice(1)) (web[name] as Record<string, unknown>).paths = [`/${name}`];
    notes.push({ message: `${Object.keys(web).length} web processes share the edge: set web.<name>.paths to the prefixes each one serves (e.g. [/api] for the backend, [/] for the frontend); placeholders /<name> are set for all but the first` });
  }

  redactCommands(spec, notes);

  // Overlays: what differs per environment.
  const overlays = new Map<string, Record<string, unknown>>();
  for (const env of opts.environments) {
    const envVars = draft.envByEnvironment[env.name];
    const replicas = Object.fromEntries(Object.entries(web).map(([n, p]) => [n, { replicas: env.production ? p.replicas ?? 2 : 1 }]));
    overlays.set(env.name, {
      ...(envVars && Object.keys(envVars).length ? { env: envVars } : {}),
      web: replicas,
      ...(opts.host && !env.production ? { edge: { hosts: [environmentHost(opts.host, env.name)] } } : {}),
    });
  }
  for (const envName of Object.keys(draft.envByEnvironment)) {
    if (!opts.environments.some((e) => e.name === envName)) notes.push({ message: `env for environment "${envName}" was imported, but berth.yaml has no such environment; not written` });
  }

  const secretKeys = names.map((n) => items[n].key ?? items[n].file ?? n.toLowerCase());
  const files = new Map<string, string>();
  files.set('service.yaml', renderYaml(spec as Record<string, unknown>, serviceComments(spec, { imagePlaceholder, delivery, secretName, draft, opts })));
  for (const env of opts.environments) {
    files.set(`${env.name}.yaml`, renderYaml(overlays.get(env.name)!, overlayComments(env, opts)));
  }
  return { spec, overlays, files, notes, imagePlaceholder, secretKeys, secretName: names.length ? secretName : undefined };
}

/** Key order of a process in a written spec: what it runs, then where, then how many, then the rest. */
const PROCESS_ORDER = ['server', 'image', 'command', 'args', 'workingDir', 'port', 'replicas', 'health', 'probe'];

function ordered<T extends object>(obj: T, order: readonly string[]): T {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => rank(a) - rank(b))) as T;
}

/** What replaces a command word that looks like a credential. */
export const REDACTED = CREDENTIAL_PLACEHOLDER;

/**
 * Commands are written as they are, so a credential passed on a command line (`--api-key sk-…`,
 * a URL with a password) would land in Git: such words are replaced, with a note naming where.
 */
function redactCommands(spec: ServiceSpecInput, notes: Note[]): void {
  const lists: Array<[string, string[] | undefined]> = [];
  for (const [n, p] of Object.entries(spec.web)) lists.push([`web.${n}.command`, p.command], [`web.${n}.args`, p.args]);
  for (const [n, p] of Object.entries(spec.workers ?? {})) lists.push([`workers.${n}.command`, p.command], [`workers.${n}.args`, p.args], [`workers.${n}.probe.exec`, p.probe?.exec]);
  for (const [n, j] of Object.entries(spec.cron?.jobs ?? {})) lists.push([`cron.jobs.${n}.command`, j.command]);
  if (spec.migration) lists.push(['migration.command', spec.migration.command]);
  for (const [where, words] of lists) {
    words?.forEach((w, i) => {
      const reason = credentialReason(w);
      if (!reason) return;
      words[i] = REDACTED;
      notes.push({ message: `${where}[${i}] ${reason}; it was replaced by ${REDACTED}. Pass it as a secret (an env var the command reads) instead` });
    });
  }
}

/** `rag.example.com` → `rag.staging.example.com`. */
function environmentHost(host: string, env: string): string {
  const [first, ...rest] = host.split('.');
  return rest.length >= 2 ? [first, env, ...rest].join('.') : `${env}.${host}`;
}

function serviceComments(
  spec: ServiceSpecInput,
  ctx: { imagePlaceholder: boolean; delivery: Delivery; secretName: string; draft: Draft; opts: NewOptions },
): { header: string[]; comments: Map<string, KeyComment>; footer: string[] } {
  const c = new Map<string, KeyComment>();
  const from = ctx.draft.sources.length ? ` from ${[...new Set(ctx.draft.sources.map(basename))].join(', ')}` : '';
  const header = [
    'yaml-language-server: $schema=../../schema/service.schema.json',
    `${spec.name}: written by \`berth new\`${from}. Review it and the notes berth new printed,`,
    'then run `npm run synth` and `node bin/berth.js check dist`.',
    'Secure defaults apply without being written here: non-root uid 10001, read-only root',
    'filesystem with writable /tmp, no privilege escalation, all capabilities dropped,',
    'RuntimeDefault seccomp, default-deny NetworkPolicies. See docs/onboarding.md.',
  ];
  c.set('image', {
    before: ['The image every process runs, pinned to a tag or digest (never latest): CI bumps it.'],
    inline: ctx.imagePlaceholder ? 'TODO: a placeholder, set your registry, image and version' : undefined,
  });
  if (spec.env) c.set('env', { before: ['Non-secret config shared by every process (a ConfigMap). Secrets never go here.'] });
  if (spec.secrets) {
    c.set('secrets', {
      before: [
        `Secret values never go in this file. Create the Secret ${ctx.secretName} out of band (one key per`,
        'item, named by `file`, else the lower-cased name), or switch source to externalSecret or sealedSecret.',
      ],
    });
    const how = { files: 'each secret is a file under /run/secrets, NAME_FILE points at it', dotenv: 'a .env file the app loads itself', env: 'plain env vars from the Secret' }[ctx.delivery];
    c.set('secrets.delivery', { inline: how });
  }
  if (spec.volumes) c.set('volumes', { before: ['PersistentVolumeClaims. Sizes are placeholders: set what you need (claims only grow).'] });
  c.set('web', { before: ['HTTP processes: each gets a Deployment, a Service and HTTP probes.'] });
  for (const [name, p] of Object.entries(spec.web)) {
    c.set(`web.${name}.health`, { inline: 'must answer 200 when the process is up' });
    if (p.server === 'other') c.set(`web.${name}.server`, { inline: 'gunicorn | uvicorn | waitress | other' });
    if (p.command === undefined) c.set(`web.${name}.port`, { before: ['No command: the image CMD runs (set command: [...] to override it).'] });
  }
  if (spec.workers) c.set('workers', { before: ['Background processes: no Service, no inbound traffic.'] });
  if (spec.migration) c.set('migration', { before: ['Runs once per sync, before new pods roll out (an Argo CD Sync hook at a negative wave).'] });
  if (spec.cron) c.set('cron', { before: ['Scheduled jobs (CronJobs); times are Etc/UTC unless a job sets timeZone.'] });
  if (spec.edge) c.set('edge', { before: ["The public entrance: Ingress or Gateway route with TLS from the environment's issuer."] });
  if (spec.dependencies) {
    c.set('dependencies', {
      before: [
        'Databases and brokers, run by their own operators or charts. The values are placeholders:',
        "set host, namespace and podLabels to match their pods; NetworkPolicies open exactly this egress,",
        'to every process and job (a migration or cron job added later included). usedBy: [...] narrows it.',
      ],
    });
  }
  const footer = spec.edge ? [] : ['', 'To publish it on the internet, add an edge:', 'edge:', `  hosts: [${spec.name}.example.com]`];
  return { header, comments: c, footer };
}

function overlayComments(env: { name: string; production: boolean }, opts: NewOptions): { header: string[]; comments: Map<string, KeyComment> } {
  const c = new Map<string, KeyComment>();
  c.set('web', {
    before: env.production
      ? ['Production capacity: raise replicas, or set autoscaling: { minReplicas, maxReplicas }.']
      : ['One replica is enough to try it out.'],
  });
  if (opts.host && !env.production) c.set('edge', { before: [`The ${env.name} host name: change it to yours.`] });
  c.set('env', { before: [`Non-secret config for ${env.name} only.`] });
  return {
    header: ['yaml-language-server: $schema=../../schema/service-overlay.schema.json', `${opts.service} in ${env.name}: only what differs from service.yaml (objects merge, lists replace, null removes).`],
    comments: c,
  };
}
