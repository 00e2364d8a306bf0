import { formatNote } from '../../src/onboard/notes';
import { importPm2 } from '../../src/onboard/pm2';
import { fixture } from './memory-io';

const notes = (text: string) => importPm2('ecosystem.config.js', text).notes.map(formatNote);

describe('importPm2', () => {
  test('reads the fluxion ecosystem file without running it', () => {
    const d = importPm2('ecosystem.config.js', fixture('fluxion/ecosystem.config.js'));
    expect(d.web).toEqual({
      api: { server: 'other', command: ['python', 'run.py'], workingDir: '/app', port: 8005, replicas: 1, health: { liveness: '/health' }, resources: { memory: '768Mi' } },
    });
    expect(d.env).toEqual({ PORT: '8005', HOST: '0.0.0.0', RELOAD: 'false' });
  });

  test('reads the bare object of the seed README (not a valid script on its own)', () => {
    const d = importPm2('snippet.js', `{
  name: "Fluxion00API",
  script: "run.py",
  interpreter: "/home/nick/environments/fluxion/bin/python3",
  cwd: "/home/nick/applications/Fluxion00API/",
  env: { PORT: "8005", HOST: "0.0.0.0", RELOAD: "false" }
}`);
    expect(d.web.api).toMatchObject({ command: ['python', 'run.py'], port: 8005, workingDir: '/app' });
    expect(d.notes.map(formatNote)).toContain('snippet.js:4: app Fluxion00API: interpreter /home/nick/environments/fluxion/bin/python3 is on the old host; the command uses python (the image\'s own)');
  });

  test('reads an array export, a const-bound export and JSON', () => {
    const arr = importPm2('e.js', "module.exports = [{ name: 'web', script: 'uvicorn', args: 'app:app --port 9000' }]");
    expect(arr.web.api).toMatchObject({ server: 'uvicorn', command: ['uvicorn', 'app:app', '--port', '9000'], port: 9000 });
    const bound = importPm2('e.js', "const PORT = '7000';\nconst config = { apps: [{ name: 'web', script: 'app.py', env: { PORT } }] };\nmodule.exports = config;");
    expect(bound.web.api).toMatchObject({ command: ['python', 'app.py'], port: 7000 });
    const json = importPm2('ecosystem.json', '{ "apps": [{ "name": "web", "script": "gunicorn", "args": ["app:app", "--bind", "0.0.0.0:8001"] }] }');
    expect(json.web.api).toMatchObject({ server: 'gunicorn', port: 8001 });
  });

  test('several apps: the one with a port is web, ARQ and portless apps are workers', () => {
    const d = importPm2('e.js', `module.exports = { apps: [
      { name: 'API', script: '/srv/app/venv/bin/gunicorn', args: 'app:app -b 0.0.0.0:8000', cwd: '/srv/app', instances: 2, kill_timeout: 30000 },
      { name: 'queue_worker', script: 'arq', args: 'app.worker.WorkerSettings', cwd: '/srv/app' },
    ] }`);
    expect(d.web).toEqual({ api: { server: 'gunicorn', command: ['gunicorn', 'app:app', '-b', '0.0.0.0:8000'], workingDir: '/app', port: 8000, replicas: 2, health: { liveness: '/health' }, gracefulTimeoutSeconds: 30 } });
    expect(d.workers).toEqual({ 'queue-worker': { command: ['arq', 'app.worker.WorkerSettings'], workingDir: '/app' } });
  });

  test('secrets in PM2 env become references without values; env_production goes to prod', () => {
    const d = importPm2('e.js', `module.exports = { apps: [{ name: 'api', script: 'run.py',
      env: { PORT: '8005', SENTRY_AUTH_TOKEN: 'sntrys_9d8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a' },
      env_production: { LOG_LEVEL: 'warning', STRIPE_KEY: 'sk-ant-FAKEa1b2c3d4e5f6g7h8i9j0' } }] }`);
    expect(d.env).toEqual({ PORT: '8005' });
    expect(d.secrets).toEqual({ SENTRY_AUTH_TOKEN: {}, STRIPE_KEY: {} });
    expect(d.envByEnvironment).toEqual({ prod: { LOG_LEVEL: 'warning' } });
    const all = JSON.stringify(d);
    expect(all).not.toContain('sntrys_9d8c');
    expect(all).not.toContain('FAKEa1b2');
  });

  test('reports every expression it cannot evaluate, with its line and never its text', () => {
    expect(notes(`const base = require('./base');
module.exports = {
  apps: [{
    name: 'api',
    script: 'run.py',
    env: {
      A: process.env.SECRET_FROM_SHELL,
      B: \`\${base.token}-suffix\`,
      C: os.cpus().length > 2 ? 'big' : 'small',
      ['D' + 1]: 'computed',
      E: 'x' + base.more,
      F: __dirname,
    },
    ...base.defaults,
    watch() { return false; },
  }],
};`).filter((n) => n.includes('unsupported'))).toEqual([
      'ecosystem.config.js:7: unsupported expression at apps[0].env.A: process.env.SECRET_FROM_SHELL, read from the shell that starts PM2 (not evaluated, so not imported: set it by hand)',
      'ecosystem.config.js:8: unsupported expression at apps[0].env.B: a template literal with ${…} expressions (not evaluated, so not imported: set it by hand)',
      'ecosystem.config.js:9: unsupported expression at apps[0].env.C: a conditional (… ? … : …) (not evaluated, so not imported: set it by hand)',
      'ecosystem.config.js:10: unsupported expression at apps[0].env: a computed key ([…]: …) (not evaluated, so not imported: set it by hand)',
      'ecosystem.config.js:11: unsupported expression at apps[0].env.E: a "+" on values that are not constants (not evaluated, so not imported: set it by hand)',
      'ecosystem.config.js:12: unsupported expression at apps[0].env.F: the variable __dirname (a folder on the old host) (not evaluated, so not imported: set it by hand)',
      'ecosystem.config.js:14: unsupported expression at apps[0]: a spread (...base.defaults) inside the object (not evaluated, so not imported: set it by hand)',
      'ecosystem.config.js:15: unsupported expression at apps[0].watch: a method (not evaluated, so not imported: set it by hand)',
    ]);
  });

  test('reports options that have no meaning on Kubernetes, and unknown ones', () => {
    expect(notes(`module.exports = { apps: [{ name: 'api', script: 'run.py', env: { PORT: '1' },
  out_file: '/var/log/x.log',
  cron_restart: '0 4 * * *',
  env_qa: { A: '1' },
  frobnicate: true,
}], deploy: { production: {} } }`).filter((n) => !n.includes('health checks') && !n.includes('cannot tell'))).toEqual([
      'ecosystem.config.js:6: "deploy" is not imported (PM2 deploy is replaced by Argo CD syncing this repository)',
      'ecosystem.config.js:2: app api: out_file is not needed on Kubernetes (containers log to stdout; the cluster collects it)',
      'ecosystem.config.js:3: app api: cron_restart is not imported; restarting on a schedule hides leaks, fix them or add a cron job',
      'ecosystem.config.js:4: app api: env_qa is not imported (berth environments are staging and prod: use env_staging or env_production)',
      'ecosystem.config.js:5: app api: unknown PM2 option "frobnicate"; not imported',
    ]);
  });

  test('fails softly on a file that is not JavaScript, with the line', () => {
    expect(notes('module.exports = { apps: [ { name: "api", }\n  script: ]')).toEqual(['ecosystem.config.js:2: not valid JavaScript: Unexpected token']);
    expect(notes('console.log("hi")')).toEqual(['ecosystem.config.js: found no module.exports = … (or export default) to read the apps from']);
  });
});
