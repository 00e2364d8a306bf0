/**
 * `--from-pm2 ecosystem.config.js`: the PM2 process file, parsed with acorn and evaluated
 * statically (it is never run). Reads `module.exports = { apps: [...] }`, `module.exports = [...]`
 * (also through a top-level `const`), or a bare object or array (`ecosystem.json`, the snippet in
 * a README). Each app becomes a web process (it has a port) or a worker.
 */
import * as acorn from 'acorn';
import { classifyEnv, EnvEntry } from './classify';
import { basename, detectPort, detectServer, Draft, emptyDraft, looksLikeWorker, memoryQuantity, portNumber, toDnsLabel, WebInput, WorkerInput } from './draft';
import { NoteList } from './notes';
import { commandFromLine } from './shell-words';
import { StaticEvaluator, StaticValue, UNSUPPORTED } from './static-eval';

/** Where the app's files live in the image; PM2's `cwd` on the old host maps here. */
const APP_DIR = '/app';

/** PM2 options that have no meaning on Kubernetes, with what takes their place. */
const NOT_NEEDED: Record<string, string> = {
  watch: 'pods are rebuilt from images, not watched files',
  ignore_watch: 'pods are rebuilt from images, not watched files',
  watch_delay: 'pods are rebuilt from images, not watched files',
  autorestart: 'the kubelet restarts failed containers',
  max_restarts: 'the kubelet restarts failed containers with back-off',
  min_uptime: 'the startup probe decides when a pod is up',
  restart_delay: 'the kubelet restarts failed containers with back-off',
  exp_backoff_restart_delay: 'the kubelet restarts failed containers with back-off',
  listen_timeout: 'the startup probe decides when a pod is up (health.startupTimeoutSeconds)',
  wait_ready: 'the readiness probe decides when a pod gets traffic',
  log_file: 'containers log to stdout; the cluster collects it',
  out_file: 'containers log to stdout; the cluster collects it',
  error_file: 'containers log to stdout; the cluster collects it',
  log_date_format: 'containers log to stdout; the cluster collects it',
  merge_logs: 'containers log to stdout; the cluster collects it',
  combine_logs: 'containers log to stdout; the cluster collects it',
  time: 'containers log to stdout; the cluster collects it',
  pid_file: 'not used in a container',
  vizion: 'not used in a container',
  source_map_support: 'a Node.js option',
  node_args: 'a Node.js option',
  namespace: 'a PM2 grouping; the service is the grouping here',
  instance_var: 'PM2 instance numbering has no equivalent; replicas are identical',
  increment_var: 'PM2 instance numbering has no equivalent; replicas are identical',
  filter_env: 'pods do not inherit the shell environment',
  append_env_to_name: 'a PM2 naming option',
  force: 'a PM2 start option',
  shutdown_with_message: 'pods are stopped with SIGTERM',
  treekill: 'pods are stopped with SIGTERM',
  automation: 'a PM2 Plus option',
  pmx: 'a PM2 Plus option',
};

/** Maps PM2 `env_<name>` blocks to berth environments. */
const ENV_BLOCKS: Record<string, string> = { env_production: 'prod', env_prod: 'prod', env_staging: 'staging' };

/** Imports a PM2 ecosystem file. */
export function importPm2(file: string, text: string): Draft {
  const draft = emptyDraft(file);
  const notes = new NoteList(file);
  const found = findExport(text, notes);
  if (!found) {
    draft.notes.push(...notes.notes);
    return draft;
  }
  const evaluator = new StaticEvaluator(notes, found.constants);
  const value = evaluator.evaluate(found.node, '');
  let apps: StaticValue[] = [];
  let prefix = 'apps';
  if (Array.isArray(value)) apps = value;
  else if (isObject(value) && Array.isArray(value.apps)) {
    apps = value.apps;
    for (const k of Object.keys(value)) {
      if (k !== 'apps') notes.add(evaluator.lines.get(k), `"${k}" is not imported (${k === 'deploy' ? 'PM2 deploy is replaced by Argo CD syncing this repository' : 'not a PM2 app option'})`);
    }
  } else if (isObject(value) && ('script' in value || 'name' in value)) {
    apps = [value];
    prefix = '';
  } else if (value !== UNSUPPORTED) {
    notes.add(found.node.loc?.start.line, 'expected { apps: [...] }, an array of apps, or one app object');
  }

  const names = new Set<string>();
  apps.forEach((app, i) => {
    const at = prefix ? `${prefix}[${i}]` : '';
    if (!isObject(app)) {
      notes.add(evaluator.lines.get(at), `${at || 'the app'} is not an object; skipped`);
      return;
    }
    importApp(app, at, apps.length, draft, notes, (k) => evaluator.lines.get(k ? (at ? `${at}.${k}` : k) : at), names);
  });
  if (apps.length === 0 && value !== UNSUPPORTED) notes.add(undefined, 'no apps found');
  draft.notes.push(...notes.notes);
  return draft;
}

function importApp(
  app: { [key: string]: StaticValue },
  at: string,
  appCount: number,
  draft: Draft,
  notes: NoteList,
  lineOf: (key?: string) => number | undefined,
  names: Set<string>,
): void {
  const str = (k: string): string | undefined => {
    const v = app[k];
    if (v === undefined) return undefined;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
    notes.add(lineOf(k), `${k} is not a string; skipped`);
    return undefined;
  };
  const appName = str('name');
  const label = `app ${appName ?? at}`;
  let name = appName ? toDnsLabel(appName) : undefined;
  if (appCount === 1 || !name) name = appCount === 1 ? 'api' : `app-${names.size + 1}`;
  if (names.has(name)) name = `${name}-${names.size + 1}`;
  names.add(name);
  if (appName && appCount === 1 && toDnsLabel(appName) !== name) notes.add(lineOf('name'), `${label} became the web process "api" (its object names are <service>-api)`);

  // The command: interpreter + script + args, with host paths turned into image paths.
  const script = str('script');
  const interpreter = str('interpreter');
  const cwd = str('cwd');
  let args: string[] = [];
  const rawArgs = app.args;
  if (Array.isArray(rawArgs)) args = rawArgs.map(String);
  else if (rawArgs !== undefined) {
    const line = str('args');
    if (line !== undefined) {
      const split = commandFromLine(line);
      if (split.wrapped) notes.add(lineOf('args'), `${label}: args use shell syntax; kept as words, check the command`);
      args = split.wrapped ? line.trim().split(/\s+/) : split.command;
    }
  }
  const interpArgs = str('interpreter_args');
  let command: string[] | undefined;
  if (script) {
    const scriptPath = imagePath(script, cwd);
    if (scriptPath !== script) notes.add(lineOf('script'), `${label}: script ${script} is a path on the old host; the command uses ${scriptPath}, check it exists in the image`);
    const interp = interpreter && interpreter !== 'none' ? basename(interpreter) : undefined;
    const python = interp ? /^python[0-9.]*$/.test(interp) : /\.py$/.test(script);
    if (interp && interpreter !== interp) {
      const what = python ? `python (the image's own)` : interp;
      notes.add(lineOf('interpreter'), `${label}: interpreter ${interpreter} is on the old host; the command uses ${what}`);
    }
    const interpWords = interpArgs ? commandFromLine(interpArgs).command : [];
    if (python) command = ['python', ...interpWords, scriptPath, ...args];
    else if (interp) {
      notes.add(lineOf('interpreter'), `${label}: interpreter ${interp} is not Python; berth is built for Python services, check the image runs it`);
      command = [interp, ...interpWords, scriptPath, ...args];
    } else command = [scriptPath, ...args];
  } else notes.add(lineOf(), `${label} has no script; the image's own command runs`);

  const workingDir = cwd ? APP_DIR : undefined;
  if (cwd) notes.add(lineOf('cwd'), `${label}: cwd ${cwd} is on the old host; workingDir is ${APP_DIR}, change it if the image's WORKDIR differs`);

  // Env: config and secret references; per-environment blocks go to the overlays.
  const entries = (k: string): EnvEntry[] => {
    const v = app[k];
    if (v === undefined) return [];
    if (!isObject(v)) {
      notes.add(lineOf(k), `${k} is not an object; skipped`);
      return [];
    }
    return Object.entries(v).flatMap(([name, value]) => {
      const line = lineOf(`${k}.${name}`);
      if (value === null || typeof value === 'object') {
        notes.add(line, `${k}.${name} is not a string, number or boolean; skipped`);
        return [];
      }
      return [{ name, value: String(value), line }];
    });
  };
  const { env, secrets } = classifyEnv(entries('env'), notes, `${label} env`);
  Object.assign(draft.env, env);
  for (const [k, s] of Object.entries(secrets)) draft.secrets[k] = s.file ? { file: s.file } : {};

  // Port and role.
  const fromArgs = command ? detectPort(command) : undefined;
  const fromEnv = portNumber(env.PORT);
  const port = fromArgs ?? fromEnv;
  const isWorker = (command && looksLikeWorker(command)) || (port === undefined && appCount > 1);
  const instances = app.instances;
  let replicas: number | undefined;
  if (typeof instances === 'number' && instances >= 1) replicas = instances;
  else if (instances !== undefined) notes.add(lineOf('instances'), `${label}: instances ${JSON.stringify(instances)} (one per CPU) has no fixed equivalent; set replicas or autoscaling`);
  if (replicas !== undefined && replicas > 1) notes.add(lineOf('instances'), `${label}: ${replicas} PM2 instances became ${replicas} replicas (pods); for a server that forks its own workers, fewer may do`);
  if (app.exec_mode === 'cluster') notes.add(lineOf('exec_mode'), `${label}: exec_mode cluster is a Node.js feature; each replica is a pod here`);

  const resources: { memory?: string } = {};
  const maxMem = str('max_memory_restart');
  if (maxMem !== undefined) {
    const q = memoryQuantity(maxMem);
    if (q) {
      resources.memory = q;
      notes.add(lineOf('max_memory_restart'), `${label}: max_memory_restart ${maxMem} became the memory request and limit (${q}); the container is restarted when it goes over`);
    } else notes.add(lineOf('max_memory_restart'), `${label}: max_memory_restart ${maxMem} is not a size berth understands; set resources.memory`);
  }
  const killMs = app.kill_timeout;
  const graceSeconds = typeof killMs === 'number' ? Math.min(600, Math.max(1, Math.ceil(killMs / 1000))) : undefined;

  if (isWorker) {
    const worker: WorkerInput = {
      ...(command ? { command } : {}),
      ...(workingDir ? { workingDir } : {}),
      ...(replicas ? { replicas } : {}),
      ...(resources.memory ? { resources } : {}),
      ...(graceSeconds ? { terminationGracePeriodSeconds: graceSeconds } : {}),
    };
    draft.workers[name] = worker;
    notes.add(lineOf(), `${label} has no port: it became the worker "${name}"`);
  } else {
    const server = command ? detectServer(command) : undefined;
    if (command && !server) notes.add(lineOf('script'), `${label}: cannot tell which server ${command.slice(0, 2).join(' ')} starts; server is "other". Set server: uvicorn, gunicorn or waitress if it is one of them`);
    if (port === undefined) notes.add(lineOf(), `${label}: no port found (--port/--bind in args, or PORT in env); using 8000`);
    const web: WebInput = {
      server: server ?? (command ? 'other' : 'gunicorn'),
      ...(command ? { command } : {}),
      ...(workingDir ? { workingDir } : {}),
      port: port ?? 8000,
      ...(replicas ? { replicas } : {}),
      health: { liveness: '/health' },
      ...(resources.memory ? { resources } : {}),
      ...(graceSeconds ? { gracefulTimeoutSeconds: graceSeconds } : {}),
    };
    draft.web[name] = web;
    notes.add(lineOf(), `${label}: health checks use /health; PM2 has no health check to import, so make sure the app answers there (or change web.${name}.health)`);
  }
  if (killMs !== undefined && graceSeconds === undefined) notes.add(lineOf('kill_timeout'), `${label}: kill_timeout is not a number of milliseconds; skipped`);

  for (const key of Object.keys(app)) {
    if (['name', 'script', 'args', 'interpreter', 'interpreter_args', 'cwd', 'env', 'instances', 'exec_mode', 'max_memory_restart', 'kill_timeout'].includes(key)) continue;
    const line = lineOf(key);
    if (key in ENV_BLOCKS) {
      const envName = ENV_BLOCKS[key];
      const c = classifyEnv(entries(key), notes, `${label} ${key}`);
      draft.envByEnvironment[envName] = { ...draft.envByEnvironment[envName], ...c.env };
      for (const [k, s] of Object.entries(c.secrets)) draft.secrets[k] = s.file ? { file: s.file } : {};
      notes.add(line, `${label}: ${key} became the env of charts/<service>/${envName}.yaml`);
    } else if (/^env_/.test(key)) {
      notes.add(line, `${label}: ${key} is not imported (berth environments are staging and prod: use env_staging or env_production)`);
    } else if (key === 'cron_restart') {
      notes.add(line, `${label}: cron_restart is not imported; restarting on a schedule hides leaks, fix them or add a cron job`);
    } else if (key in NOT_NEEDED) {
      notes.add(line, `${label}: ${key} is not needed on Kubernetes (${NOT_NEEDED[key]})`);
    } else {
      notes.add(line, `${label}: unknown PM2 option "${key}"; not imported`);
    }
  }
}

/**
 * The path a host script has in the image: an executable from a `bin/` folder (a virtualenv's
 * uvicorn) by its name, a file under cwd relative to it, anything else by its base name.
 */
function imagePath(script: string, cwd: string | undefined): string {
  if (!script.startsWith('/') && !script.startsWith('~')) return script;
  if (/\/bin\/[^/]+$/.test(script)) return basename(script);
  const dir = cwd?.replace(/\/+$/, '');
  if (dir && script.startsWith(`${dir}/`)) return script.slice(dir.length + 1);
  return basename(script);
}

function isObject(v: StaticValue | typeof UNSUPPORTED | undefined): v is { [key: string]: StaticValue } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Finds the exported value and the top-level constants, or reports why it cannot. */
function findExport(text: string, notes: NoteList): { node: acorn.Expression; constants: Map<string, acorn.Expression> } | undefined {
  const options: acorn.Options = { ecmaVersion: 'latest', locations: true, allowHashBang: true };
  let program: acorn.Program | undefined;
  let error: Error | undefined;
  for (const sourceType of ['script', 'module'] as const) {
    try {
      program = acorn.parse(text, { ...options, sourceType });
      break;
    } catch (e) {
      error ??= e as Error;
    }
  }
  if (!program) {
    // A bare object with several properties is not a valid script; it is a valid expression.
    const bare = bareExpression(text, options);
    if (bare) return { node: bare, constants: new Map() };
    const m = /\((\d+):(\d+)\)$/.exec(error?.message ?? '');
    notes.add(m ? Number(m[1]) : undefined, `not valid JavaScript: ${(error?.message ?? '').replace(/\s*\(\d+:\d+\)$/, '')}`);
    return undefined;
  }
  const constants = new Map<string, acorn.Expression>();
  let exported: acorn.Expression | undefined;
  for (const stmt of program.body) {
    if (stmt.type === 'VariableDeclaration' && stmt.kind === 'const') {
      for (const d of stmt.declarations) if (d.id.type === 'Identifier' && d.init) constants.set(d.id.name, d.init);
    } else if (stmt.type === 'ExpressionStatement' && stmt.expression.type === 'AssignmentExpression') {
      const left = stmt.expression.left;
      if (left.type === 'MemberExpression' && left.object.type === 'Identifier' && left.object.name === 'module' && left.property.type === 'Identifier' && left.property.name === 'exports') {
        exported = stmt.expression.right;
      }
    } else if (stmt.type === 'ExportDefaultDeclaration' && stmt.declaration.type !== 'FunctionDeclaration' && stmt.declaration.type !== 'ClassDeclaration') {
      exported = stmt.declaration as acorn.Expression;
    }
  }
  if (exported) return { node: exported, constants };
  const first = program.body[0];
  if (first && (first.type === 'BlockStatement' || (first.type === 'ExpressionStatement' && ['ObjectExpression', 'ArrayExpression'].includes(first.expression.type)))) {
    const bare = bareExpression(text, options);
    if (bare) return { node: bare, constants };
  }
  notes.add(undefined, 'found no module.exports = … (or export default) to read the apps from');
  return undefined;
}

/** Parses the file as one object or array expression (JSON, a bare `{ … }` snippet). */
function bareExpression(text: string, options: acorn.Options): acorn.Expression | undefined {
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  try {
    const node = acorn.parseExpressionAt(text, start, { ...options, sourceType: 'script' });
    return node.type === 'ObjectExpression' || node.type === 'ArrayExpression' ? node : undefined;
  } catch {
    return undefined;
  }
}
