/**
 * Production guardrails, from the deployment checklists of the services berth was built for:
 * no development servers, debug or dev-login flags, mock backends or floating images in
 * production; probes and memory limits on every long-running container; no public route to a
 * path the service marks internal (`/metrics`, `/__debug/*`); no Kubernetes API token without a
 * recorded reason; no secret values.
 *
 * Env is evaluated as the container will see it: `envFrom` ConfigMaps (resolved from the same
 * manifest list) overridden by `env`. Every problem is reported at once, each with its fix.
 */
import { INTERNAL_PATHS_ANNOTATION, ROUTE_ROLE_ANNOTATION, SECURITY_EXCEPTION_ANNOTATION, SERVICE_ACCOUNT_TOKEN_ANNOTATION } from '../util/annotations';
import { checkLeaks } from './leaks';
import { isObj, Obj, PodContainer, PodTemplate, joinPath, podContainers, podTemplates } from './pod-walker';
import { Finding, Manifest, objectRef } from './types';

/** Options of {@link checkGuardrails}. */
export interface GuardrailOptions {
  /**
   * Include the secret-leak guard's findings. `runChecks` turns this off because it runs that
   * guard on its own.
   * @default true
   */
  readonly leaks?: boolean;
}

const TRUE = /^(?:true|1|yes|on|y)$/i;
const FALSE = /^(?:false|0|no|off|n)$/i;

/** One env var as the container sees it, and where its value was set. */
interface EnvValue {
  readonly value: string;
  readonly path: string;
  /** ` via ConfigMap "x"`, or '' for a literal in the container. */
  readonly via: string;
}

interface ConfigMapRef {
  readonly name: string;
  readonly namespace?: string;
  readonly data: Readonly<Record<string, string>>;
}

function configMaps(manifests: readonly Manifest[]): ConfigMapRef[] {
  return manifests
    .map((m) => m.object)
    .filter((o) => isObj(o) && o.kind === 'ConfigMap' && typeof o.metadata?.name === 'string')
    .map((o) => ({
      name: o.metadata.name,
      namespace: o.metadata.namespace,
      data: Object.fromEntries(Object.entries(isObj(o.data) ? o.data : {}).map(([k, v]) => [k, String(v ?? '')])),
    }));
}

/** The ConfigMap a pod in `namespace` gets for `name`: same namespace, or either side unset. */
function findConfigMap(all: readonly ConfigMapRef[], name: unknown, namespace: string | undefined): ConfigMapRef | undefined {
  return all.find((c) => c.name === name && (c.namespace === namespace || c.namespace === undefined || namespace === undefined));
}

/** The container's effective env: envFrom ConfigMaps in order, then `env`, later entries winning. */
function effectiveEnv(c: PodContainer, namespace: string | undefined, cms: readonly ConfigMapRef[]): Map<string, EnvValue> {
  const env = new Map<string, EnvValue>();
  const envFrom = Array.isArray(c.container.envFrom) ? c.container.envFrom : [];
  envFrom.forEach((src: unknown, i: number) => {
    if (!isObj(src) || !isObj(src.configMapRef)) return;
    const cm = findConfigMap(cms, src.configMapRef.name, namespace);
    if (!cm) return;
    const prefix = typeof src.prefix === 'string' ? src.prefix : '';
    for (const [k, v] of Object.entries(cm.data)) env.set(prefix + k, { value: v, path: `${c.path}.envFrom[${i}]`, via: ` via ConfigMap "${cm.name}"` });
  });
  const list = Array.isArray(c.container.env) ? c.container.env : [];
  list.forEach((e: unknown, i: number) => {
    if (!isObj(e) || typeof e.name !== 'string') return;
    if (typeof e.value === 'string') {
      env.set(e.name, { value: e.value, path: `${c.path}.env[${i}].value`, via: '' });
      return;
    }
    const ref = e.valueFrom?.configMapKeyRef;
    const cm = isObj(ref) ? findConfigMap(cms, ref.name, namespace) : undefined;
    if (cm && typeof ref.key === 'string' && ref.key in cm.data) {
      env.set(e.name, { value: cm.data[ref.key], path: `${c.path}.env[${i}].valueFrom`, via: ` via ConfigMap "${cm.name}"` });
    } else {
      // Set from a Secret or a field: its value is unknown here and must not be judged by an earlier one.
      env.delete(e.name);
    }
  });
  return env;
}

/** An env rule: which names it looks at, which values break it, what that means and the fix. */
interface EnvRule {
  readonly name: RegExp;
  readonly bad: (value: string) => boolean;
  readonly why: string;
  readonly fix: (name: string) => string;
}

const ENV_RULES: readonly EnvRule[] = [
  {
    name: /^FLASK_ENV$/,
    bad: (v) => v.trim().toLowerCase() === 'development',
    why: 'Flask development mode: the interactive debugger and the reloader',
    fix: () => 'set FLASK_ENV=production (or remove it) and run under gunicorn',
  },
  {
    name: /^(?:.+_)?DEBUG$/,
    bad: (v) => TRUE.test(v.trim()),
    why: 'debug mode in production exposes stack traces, settings and, in Flask, a code-executing debugger',
    fix: (n) => `set ${n}=false (or remove it)`,
  },
  {
    name: /^DEV_MODE$/,
    bad: (v) => TRUE.test(v.trim()),
    why: 'development mode in production',
    fix: (n) => `set ${n}=false (or remove it)`,
  },
  {
    name: /^ALLOW_DEV_LOGIN$/,
    bad: (v) => TRUE.test(v.trim()),
    why: 'the development login bypasses authentication',
    fix: (n) => `set ${n}=false`,
  },
  {
    name: /^STRICT_MODE$/,
    bad: (v) => FALSE.test(v.trim()),
    why: 'strict mode off exposes development routes, and the app refuses to start with it in production',
    fix: (n) => `set ${n}=true (or remove it: it defaults to true)`,
  },
  {
    name: /^(?:.+_)?RELOAD$/,
    bad: (v) => TRUE.test(v.trim()),
    why: 'the auto-reloader watches the code and restarts the server; it is for development only',
    fix: (n) => `set ${n}=false (or remove it)`,
  },
  {
    name: /^GUNICORN_CMD_ARGS$/,
    bad: (v) => RELOAD_FLAG.test(v),
    why: 'gunicorn --reload is for development only',
    fix: (n) => `remove --reload from ${n}`,
  },
];

const RELOAD_FLAG = /(?:^|[\s'"=])--reload(?![\w])/;
const MOCK_MODE = /^(?:.+_)?MOCK_MODE$/;

/** Guardrails on one container's env. */
function envFindings(c: PodContainer, env: ReadonlyMap<string, EnvValue>, report: (path: string, message: string, fix: string) => void): void {
  for (const [name, e] of env) {
    for (const rule of ENV_RULES) {
      if (rule.name.test(name) && rule.bad(e.value)) {
        report(e.path, `Container "${c.name}" sets ${name}=${e.value}${e.via} (${rule.why})`, rule.fix(name));
      }
    }
    if (MOCK_MODE.test(name) && TRUE.test(e.value.trim()) && !TRUE.test(env.get('ALLOW_MOCK_IN_PROD')?.value.trim() ?? '')) {
      report(
        e.path,
        `Container "${c.name}" sets ${name}=${e.value}${e.via} (mock mode in production, without ALLOW_MOCK_IN_PROD=true)`,
        `set ${name}=false and provide the real credentials; for a demo or staging deployment, set ALLOW_MOCK_IN_PROD=true on this container`,
      );
    }
  }
}

/** Shell-ish words of the command line, split into commands at `;`, `&&`, `||`, `|` and newlines. */
function commandSegments(parts: readonly string[]): string[][] {
  return parts
    .join(' ')
    .split(/;|&&|\|\||\||\n/)
    .map((seg) => seg.split(/\s+/).map((w) => w.replace(/^['"(]+|['")]+$/g, '')).filter(Boolean));
}

/** Development servers in a command line: `--reload`, `flask run`, `app.run`. */
function devServers(parts: readonly string[]): string[] {
  const found: string[] = [];
  if (parts.some((p) => RELOAD_FLAG.test(p))) found.push('--reload');
  const flaskRun = commandSegments(parts).some((words) => {
    const i = words.findIndex((w) => w === 'flask' || w.endsWith('/flask'));
    return i >= 0 && words.slice(i + 1).includes('run');
  });
  if (flaskRun) found.push('flask run');
  if (parts.some((p) => /\bapp\.run\b(?![.:])/.test(p))) found.push('app.run');
  return found;
}

const DEV_SERVER_FIX: Readonly<Record<string, string>> = {
  '--reload': 'remove --reload: the reloader is for development only',
  'flask run': 'run the app under gunicorn (gunicorn -w 4 -b 0.0.0.0:PORT app:app); flask run is the development server',
  'app.run': 'run the app under gunicorn (gunicorn -w 4 -b 0.0.0.0:PORT app:app); app.run() starts the development server',
};

/** Why an image reference floats, or undefined when it is pinned by tag or digest. */
function floatingImage(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return 'has no tag (it means latest)';
  return image.slice(colon + 1) === 'latest' ? 'uses the "latest" tag' : undefined;
}

/** `/metrics/` and `/metrics/*` mean `/metrics`. */
function normalizePath(p: string): string {
  const trimmed = p.trim().replace(/\/\*$/, '').replace(/\*$/, '');
  return trimmed.length > 1 ? trimmed.replace(/\/+$/, '') : trimmed || '/';
}

function isUnder(path: string, internal: string): boolean {
  return internal === '/' || path === internal || path.startsWith(`${internal}/`);
}

/** Each path an Ingress or HTTPRoute routes, with its field path. */
function routedPaths(o: Obj): Array<{ path: string; field: string }> {
  const out: Array<{ path: string; field: string }> = [];
  const rules: unknown[] = Array.isArray(o.spec?.rules) ? o.spec.rules : [];
  if (o.kind === 'Ingress') {
    rules.forEach((r, i) => {
      const paths: unknown[] = isObj(r) && Array.isArray(r.http?.paths) ? r.http.paths : [];
      paths.forEach((p, j) => {
        if (isObj(p) && typeof p.path === 'string') out.push({ path: p.path, field: `spec.rules[${i}].http.paths[${j}].path` });
      });
    });
  } else if (o.kind === 'HTTPRoute') {
    rules.forEach((r, i) => {
      const matches: unknown[] = isObj(r) && Array.isArray(r.matches) ? r.matches : [];
      matches.forEach((mt, j) => {
        const p = isObj(mt) ? mt.path : undefined;
        // A regular expression is not a path; it cannot be compared literally.
        if (isObj(p) && typeof p.value === 'string' && p.type !== 'RegularExpression') out.push({ path: p.value, field: `spec.rules[${i}].matches[${j}].path.value` });
      });
    });
  }
  return out;
}

/** Checks production manifests against the deployment checklists' guardrails. */
export function checkGuardrails(manifests: readonly Manifest[], opts: GuardrailOptions = {}): Finding[] {
  const out: Finding[] = [];
  const cms = configMaps(manifests);

  for (const t of podTemplates(manifests)) {
    const report = (path: string, message: string, fix: string) =>
      out.push({ check: 'guardrail', file: t.manifest.file, object: objectRef(t.manifest.object), path, message, fix });
    containerFindings(t, cms, report);
    // A writable root filesystem in production needs the reason berth records from security.reason
    // or a patch's reason: caught here whatever wrote the container (a patch, a hook, an extra
    // object, a hand edit), not only where the spec sets it.
    if (!(isObj(t.metadata.annotations) && t.metadata.annotations[SECURITY_EXCEPTION_ANNOTATION])) {
      for (const c of podContainers(t)) {
        if (isObj(c.container.securityContext) && c.container.securityContext.readOnlyRootFilesystem === true) continue;
        report(
          joinPath(c.path, 'securityContext.readOnlyRootFilesystem'),
          `Container "${c.name}" has a writable root filesystem, without a recorded reason`,
          `set securityContext.readOnlyRootFilesystem: true and mount a writable volume where the app writes, or say why (the spec's security.reason, or the patch's reason: berth records it as the ${SECURITY_EXCEPTION_ANNOTATION} annotation)`,
        );
      }
    }
    // The API token in production needs the reason berth records from serviceAccount.reason: a
    // hand edit or a patch that turns it on without one is caught here, not only in the spec.
    if (t.spec.automountServiceAccountToken === true && !(isObj(t.metadata.annotations) && t.metadata.annotations[SERVICE_ACCOUNT_TOKEN_ANNOTATION])) {
      report(
        `${t.specPath}.automountServiceAccountToken`,
        'Pod mounts the Kubernetes API token without a recorded reason',
        `say why in the spec's serviceAccount.reason (berth writes it as the ${SERVICE_ACCOUNT_TOKEN_ANNOTATION} annotation), or set automountServiceAccountToken: false`,
      );
    }
  }

  for (const m of manifests) {
    const o = m.object;
    if (!isObj(o) || (o.kind !== 'Ingress' && o.kind !== 'HTTPRoute')) continue;
    const annotations = isObj(o.metadata?.annotations) ? o.metadata.annotations : {};
    if (annotations[ROUTE_ROLE_ANNOTATION] === 'block') continue;
    const internal = String(annotations[INTERNAL_PATHS_ANNOTATION] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
      .map(normalizePath);
    if (!internal.length) continue;
    for (const r of routedPaths(o)) {
      const hit = internal.find((i) => isUnder(normalizePath(r.path), i));
      if (!hit) continue;
      out.push({
        check: 'guardrail',
        file: m.file,
        object: objectRef(o),
        path: r.field,
        message: `Public route to internal path ${r.path} (${INTERNAL_PATHS_ANNOTATION} lists ${hit})`,
        fix: `remove this path from the public route; serve ${hit} on a port the edge does not route to, or block it with a separate route object annotated ${ROUTE_ROLE_ANNOTATION}: block`,
      });
    }
  }

  if (opts.leaks ?? true) out.push(...checkLeaks(manifests));
  return out;
}

/** Guardrails on the containers of one pod template. */
function containerFindings(t: PodTemplate, cms: readonly ConfigMapRef[], report: (path: string, message: string, fix: string) => void): void {
  const namespace: string | undefined = t.manifest.object.metadata?.namespace;
  const longRunning = t.kind === 'Deployment' || t.kind === 'StatefulSet';
  for (const c of podContainers(t)) {
    const ctr = c.container;
    envFindings(c, effectiveEnv(c, namespace, cms), report);

    for (const field of ['command', 'args'] as const) {
      const parts: string[] = Array.isArray(ctr[field]) ? ctr[field].filter((p: unknown): p is string => typeof p === 'string') : [];
      for (const found of devServers(parts)) {
        report(joinPath(c.path, field), `Container "${c.name}" runs a development server (${found} in ${field})`, DEV_SERVER_FIX[found]);
      }
    }
    // `flask` in command and `run` in args: only the whole command line shows it.
    const command: string[] = Array.isArray(ctr.command) ? ctr.command.filter((p: unknown): p is string => typeof p === 'string') : [];
    const args: string[] = Array.isArray(ctr.args) ? ctr.args.filter((p: unknown): p is string => typeof p === 'string') : [];
    if (command.length && args.length) {
      const separately = new Set([...devServers(command), ...devServers(args)]);
      for (const found of devServers([...command, ...args]).filter((f) => !separately.has(f))) {
        report(joinPath(c.path, 'command'), `Container "${c.name}" runs a development server (${found} in command and args)`, DEV_SERVER_FIX[found]);
      }
    }

    const image = typeof ctr.image === 'string' ? ctr.image : '';
    const floating = image ? floatingImage(image) : 'has no image';
    if (floating) {
      report(`${c.path}.image`, `Container "${c.name}" image "${image}" ${floating}`, 'pin a version tag or a digest (repo/app:1.4.2 or repo/app@sha256:…) so every rollout and rollback runs the same code');
    }

    if (c.list === 'ephemeralContainers') continue;
    // Probes are required where traffic goes: a container that serves a port. A worker with no
    // port gets no traffic to gate (readiness) and its liveness check is the spec's choice.
    const serves = Array.isArray(ctr.ports) && ctr.ports.length > 0;
    if (longRunning && serves && c.list === 'containers') {
      for (const probe of ['readinessProbe', 'livenessProbe'] as const) {
        if (isObj(ctr[probe])) continue;
        report(
          `${c.path}.${probe}`,
          `Container "${c.name}" has no ${probe}`,
          probe === 'readinessProbe'
            ? 'add a readinessProbe so traffic and rollouts wait until the app can serve: httpGet on the readiness endpoint (e.g. /ready or /health), or exec for a worker that serves no HTTP'
            : 'add a livenessProbe so a hung process is restarted: httpGet on the health endpoint (e.g. /health), or exec (e.g. a heartbeat check) for a worker that serves no HTTP',
        );
      }
    }
    if (ctr.resources?.limits?.memory === undefined || ctr.resources?.limits?.memory === null) {
      report(`${c.path}.resources.limits.memory`, `Container "${c.name}" has no memory limit`, 'set resources.limits.memory (e.g. equal to the memory request) so a leaking worker is restarted instead of starving the node');
    }
  }
}
