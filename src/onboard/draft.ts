/**
 * The draft an importer produces: the parts of a service spec it could read from what a team
 * already runs, plus notes. Drafts from several importers merge into one before the spec is
 * composed. Secret VALUES never enter a draft: only the names of the secrets.
 */
import { z } from 'zod';
import { Dependency, GenericCron, Migration, SecretItem, Volume, WebProcess, WorkerProcess } from '../spec/schema';
import { Note } from './notes';

/** Spec inputs (before defaults) of the parts a draft holds. */
export type WebInput = z.input<typeof WebProcess>;
export type WorkerInput = z.input<typeof WorkerProcess>;
export type MigrationInput = z.input<typeof Migration>;
export type CronJobInput = z.input<typeof GenericCron>;
export type VolumeInput = z.input<typeof Volume>;
export type DependencyInput = z.input<typeof Dependency>;
export type SecretItemInput = z.input<typeof SecretItem>;

/** How secrets reach the app: `NAME_FILE` files, a `.env` it loads itself, or plain env vars. */
export type Delivery = 'files' | 'dotenv' | 'env';
/** Every delivery, for flag checks. */
export const DELIVERIES: readonly Delivery[] = ['files', 'dotenv', 'env'];

/** What one importer read. Every field is optional data; nothing here is a secret value. */
export interface Draft {
  /** The inputs it came from, for the header comment. */
  readonly sources: string[];
  /** The service image, when the input names one (already pinned). */
  image?: string;
  /** True when the image is a placeholder (or a placeholder tag) a person must replace. */
  imagePlaceholder?: boolean;
  /** Non-secret config shared by every process. */
  readonly env: Record<string, string>;
  /** Non-secret config per environment (PM2 `env_production` …), keyed by berth environment. */
  readonly envByEnvironment: Record<string, Record<string, string>>;
  /** Secret references by env var name. */
  readonly secrets: Record<string, SecretItemInput>;
  /** Suggested delivery, with the reason shown to the user. */
  delivery?: { readonly mode: Delivery; readonly reason: string };
  readonly volumes: Record<string, VolumeInput>;
  readonly web: Record<string, WebInput>;
  readonly workers: Record<string, WorkerInput>;
  migration?: MigrationInput;
  readonly jobs: Record<string, CronJobInput>;
  readonly dependencies: Record<string, DependencyInput>;
  readonly notes: Note[];
}

/** An empty draft for one input file. */
export function emptyDraft(source?: string): Draft {
  return {
    sources: source ? [source] : [],
    env: {},
    envByEnvironment: {},
    secrets: {},
    volumes: {},
    web: {},
    workers: {},
    jobs: {},
    dependencies: {},
    notes: [],
  };
}

/**
 * Merges drafts in order. Later drafts add to earlier ones; a name defined twice keeps the first
 * definition (with a note), an env var set twice keeps the last value, and a name that is a secret
 * anywhere is a secret everywhere.
 */
export function mergeDrafts(drafts: readonly Draft[]): Draft {
  const out = emptyDraft();
  for (const d of drafts) {
    out.sources.push(...d.sources);
    out.notes.push(...d.notes);
    if (d.image && (!out.image || out.imagePlaceholder)) {
      out.image = d.image;
      out.imagePlaceholder = d.imagePlaceholder;
    }
    if (d.delivery && !out.delivery) out.delivery = d.delivery;
    for (const [k, v] of Object.entries(d.env)) {
      if (k in out.env && out.env[k] !== v) out.notes.push({ message: `env ${k} is set by more than one input; kept the value from ${d.sources.join(', ')}` });
      out.env[k] = v;
    }
    for (const [envName, vars] of Object.entries(d.envByEnvironment)) out.envByEnvironment[envName] = { ...out.envByEnvironment[envName], ...vars };
    for (const [k, item] of Object.entries(d.secrets)) {
      const prev = out.secrets[k];
      if (!prev) out.secrets[k] = { ...item };
      else {
        const consumers = prev.consumers && item.consumers ? [...new Set([...prev.consumers, ...item.consumers])] : undefined;
        out.secrets[k] = { ...prev, ...(consumers ? { consumers } : {}) };
        if (!consumers) delete out.secrets[k].consumers;
      }
    }
    const mergeNamed = <T>(target: Record<string, T>, source: Record<string, T>, what: string) => {
      for (const [k, v] of Object.entries(source)) {
        if (k in target) out.notes.push({ message: `${what} "${k}" is defined by more than one input; kept the first one` });
        else target[k] = v;
      }
    };
    mergeNamed(out.volumes, d.volumes, 'volume');
    mergeNamed(out.web, d.web, 'web process');
    mergeNamed(out.workers, d.workers, 'worker');
    mergeNamed(out.jobs, d.jobs, 'cron job');
    mergeNamed(out.dependencies, d.dependencies, 'dependency');
    if (d.migration) {
      if (out.migration) out.notes.push({ message: 'more than one input defines a migration; kept the first one' });
      else out.migration = d.migration;
    }
  }
  // A name that is a secret in one input must not stay plain config from another.
  for (const k of Object.keys(out.secrets)) {
    if (k in out.env) delete out.env[k];
    for (const vars of Object.values(out.envByEnvironment)) delete vars[k];
    for (const p of [...Object.values(out.web), ...Object.values(out.workers), ...Object.values(out.jobs)]) if (p.env) delete p.env[k];
    if (out.migration?.env) delete out.migration.env[k];
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Helpers the importers share
// ---------------------------------------------------------------------------------------------

/** A name turned into a DNS label (`Fluxion00API` → `fluxion00api`), or undefined if nothing is left. */
export function toDnsLabel(name: string): string | undefined {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '')
    .replace(/-+/g, '-')
    .slice(0, 40)
    .replace(/-+$/, '');
  return s || undefined;
}

/** The last path segment of a file path. */
export function basename(p: string): string {
  const parts = p.replace(/\/+$/, '').split('/');
  return parts[parts.length - 1];
}

/** Which server a command runs, when its first words say so. */
export function detectServer(command: readonly string[]): 'gunicorn' | 'uvicorn' | 'waitress' | undefined {
  const words = command.map((w) => basename(w));
  const first = words[0] === 'python' || /^python[0-9.]*$/.test(words[0] ?? '') ? (words[1] === '-m' ? words[2] : undefined) : words[0];
  if (first === 'gunicorn') return 'gunicorn';
  if (first === 'uvicorn') return 'uvicorn';
  if (first === 'waitress-serve' || first === 'waitress') return 'waitress';
  return undefined;
}

/** The port a server command binds (`--port 8005`, `--bind 0.0.0.0:8000`, `--listen=*:8080`). */
export function detectPort(command: readonly string[]): number | undefined {
  for (let i = 0; i < command.length; i++) {
    const w = command[i];
    const eq = /^(--port|--bind|-b|--listen)=(.+)$/.exec(w);
    const [flag, value] = eq ? [eq[1], eq[2]] : [w, command[i + 1]];
    if (value === undefined || !['--port', '--bind', '-b', '--listen'].includes(flag)) continue;
    const m = flag === '--port' ? /^([0-9]{1,5})$/.exec(value) : /:([0-9]{1,5})$/.exec(value);
    if (m) {
      const port = Number(m[1]);
      if (port >= 1 && port <= 65535) return port;
    }
  }
  return undefined;
}

/** A port number from text such as "8005", or undefined. */
export function portNumber(value: string | number | undefined): number | undefined {
  const n = typeof value === 'number' ? value : /^[0-9]{1,5}$/.test(value ?? '') ? Number(value) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

/** Is this a command of a background worker framework (ARQ, Celery, RQ, Dramatiq, Huey)? */
export function looksLikeWorker(command: readonly string[]): boolean {
  const words = command.map((w) => basename(w));
  return ['arq', 'celery', 'rq', 'dramatiq', 'huey_consumer', 'huey_consumer.py'].some((w) => words.slice(0, 3).includes(w));
}

/** Paths on a developer's or server's own disk: they do not exist in a container. */
export function isHostPath(value: string): boolean {
  return /^(\/home\/|\/Users\/|\/root\/|\/mnt\/|\/media\/|\/srv\/|\/opt\/|~\/)/.test(value);
}

/** A Kubernetes quantity from a PM2 or Compose memory size (`768M`, `1G`, `512mb`). */
export function memoryQuantity(value: string): string | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*([kmgt])?(?:i?b)?$/i.exec(value.trim());
  if (!m) return undefined;
  return `${m[1]}${m[2] ? `${m[2].toUpperCase()}i` : ''}`;
}

/** Seconds from a Compose duration (`30s`, `1m30s`, `330s`, `2m`) or undefined. */
export function durationSeconds(value: string): number | undefined {
  const re = /([0-9]+(?:\.[0-9]+)?)(h|m|s|ms|us)/g;
  let total = 0;
  let consumed = '';
  for (const m of value.trim().matchAll(re)) {
    consumed += m[0];
    total += Number(m[1]) * { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 }[m[2] as 'h' | 'm' | 's' | 'ms' | 'us'];
  }
  return consumed === value.trim() && consumed ? Math.ceil(total) : undefined;
}
