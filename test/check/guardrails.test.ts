import { checkGuardrails } from '../../src/check/guardrails';
import { Manifest } from '../../src/check/types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const FILE = 'dist/prod/george/manifests.yaml';
const C0 = 'spec.template.spec.containers[0]';

/** A production-ready container. */
function container(name = 'api'): Obj {
  return {
    name,
    image: 'gcr.io/george-ai/backend:2.3.1',
    command: ['gunicorn', '-w', '4', '-b', '0.0.0.0:5000', 'app:app'],
    env: [{ name: 'FLASK_ENV', value: 'production' }],
    resources: { requests: { cpu: '250m', memory: '512Mi' }, limits: { memory: '512Mi' } },
    ports: [{ name: 'http', containerPort: 5000 }],
    readinessProbe: { httpGet: { path: '/ready', port: 5000 } },
    livenessProbe: { httpGet: { path: '/health', port: 5000 } },
    securityContext: { readOnlyRootFilesystem: true },
  };
}

function workload(kind: string, edit: (c: Obj) => void = () => undefined, name = 'george-api'): Manifest {
  const c = container();
  edit(c);
  const template = { metadata: { labels: { app: name } }, spec: { containers: [c] } };
  const spec = kind === 'CronJob' ? { schedule: '0 3 * * *', jobTemplate: { spec: { template } } } : { template };
  return { file: FILE, object: { apiVersion: 'apps/v1', kind, metadata: { name, namespace: 'george' }, spec } };
}

const deployment = (edit?: (c: Obj) => void) => workload('Deployment', edit);

function configMap(name: string, data: Record<string, string>, namespace: string | undefined = 'george'): Manifest {
  return { file: FILE, object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data } };
}

function ingress(paths: string[], annotations: Record<string, string>, name = 'george-api'): Manifest {
  return {
    file: FILE,
    object: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name, namespace: 'george', annotations },
      spec: {
        ingressClassName: 'nginx',
        rules: [{ host: 'api.george.example', http: { paths: paths.map((path) => ({ path, pathType: 'Prefix', backend: { service: { name: 'george-api', port: { name: 'http' } } } })) } }],
      },
    },
  };
}

function problems(m: Manifest | Manifest[]): string[] {
  return checkGuardrails(Array.isArray(m) ? m : [m]).map((f) => `${f.path}: ${f.message}`);
}

const env = (...vars: Array<[string, string]>) => (c: Obj) => (c.env = vars.map(([name, value]) => ({ name, value })));

describe('checkGuardrails', () => {
  test('fails when a pod mounts the Kubernetes API token without the recorded reason (serviceAccount.reason)', () => {
    const token = (annotations?: Record<string, string>): Manifest => {
      const m = deployment();
      m.object.spec.template.spec.automountServiceAccountToken = true;
      if (annotations) m.object.spec.template.metadata.annotations = annotations;
      return m;
    };
    expect(problems(token())).toEqual(['spec.template.spec.automountServiceAccountToken: Pod mounts the Kubernetes API token without a recorded reason']);
    expect(checkGuardrails([token()])[0].fix).toBe("say why in the spec's serviceAccount.reason (berth writes it as the berth.dev/service-account-token annotation), or set automountServiceAccountToken: false");
    expect(problems(token({ 'berth.dev/service-account-token': 'lists its own pods for leader election' }))).toEqual([]);
  });

  test('fails when a container, init containers included, has a writable root filesystem without the recorded reason (security.reason, a patch\'s reason)', () => {
    const writable = (annotations?: Record<string, string>): Manifest => {
      const m = deployment((c) => (c.securityContext = { readOnlyRootFilesystem: false }));
      m.object.spec.template.spec.initContainers = [{ ...container('wait'), securityContext: {} }];
      if (annotations) m.object.spec.template.metadata.annotations = annotations;
      return m;
    };
    expect(problems(writable())).toEqual([
      'spec.template.spec.initContainers[0].securityContext.readOnlyRootFilesystem: Container "wait" has a writable root filesystem, without a recorded reason',
      'spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem: Container "api" has a writable root filesystem, without a recorded reason',
    ]);
    expect(problems(writable({ 'berth.dev/security-exception': 'the vendor library writes its cache beside its code' }))).toEqual([]);
  });

  test('a production-ready service passes', () => {
    const objects = [
      deployment((c) => (c.envFrom = [{ configMapRef: { name: 'george-config' } }])),
      workload('CronJob', (c) => {
        delete c.readinessProbe;
        delete c.livenessProbe;
      }, 'george-cleanup'),
      configMap('george-config', { STRICT_MODE: 'true', ALLOW_DEV_LOGIN: 'false', GEMINI_MOCK_MODE: 'false', DEBUG: 'false' }),
      ingress(['/'], { 'berth.dev/internal-paths': '/metrics,/__debug' }),
      ingress(['/metrics', '/__debug'], { 'berth.dev/internal-paths': '/metrics,/__debug', 'berth.dev/route-role': 'block' }, 'george-api-internal'),
    ];
    expect(checkGuardrails(objects)).toEqual([]);
  });

  test('findings carry the check, file, object and a fix', () => {
    expect(checkGuardrails([deployment(env(['FLASK_ENV', 'development']))])).toEqual([
      {
        check: 'guardrail',
        file: FILE,
        object: 'Deployment/george/george-api',
        path: `${C0}.env[0].value`,
        message: 'Container "api" sets FLASK_ENV=development (Flask development mode: the interactive debugger and the reloader)',
        fix: 'set FLASK_ENV=production (or remove it) and run under gunicorn',
      },
    ]);
  });

  test('fails on development flags in env', () => {
    const m = deployment(env(['DEV_MODE', 'true'], ['ALLOW_DEV_LOGIN', 'True'], ['STRICT_MODE', 'false'], ['RELOAD', 'true'], ['UVICORN_RELOAD', '1']));
    expect(problems(m)).toEqual([
      `${C0}.env[0].value: Container "api" sets DEV_MODE=true (development mode in production)`,
      `${C0}.env[1].value: Container "api" sets ALLOW_DEV_LOGIN=True (the development login bypasses authentication)`,
      `${C0}.env[2].value: Container "api" sets STRICT_MODE=false (strict mode off exposes development routes, and the app refuses to start with it in production)`,
      `${C0}.env[3].value: Container "api" sets RELOAD=true (the auto-reloader watches the code and restarts the server; it is for development only)`,
      `${C0}.env[4].value: Container "api" sets UVICORN_RELOAD=1 (the auto-reloader watches the code and restarts the server; it is for development only)`,
    ]);
  });

  test.each(['true', 'TRUE', '1', 'yes', 'On'])('fails on DEBUG=%s', (value) => {
    expect(problems(deployment(env(['DEBUG', value])))).toEqual([
      `${C0}.env[0].value: Container "api" sets DEBUG=${value} (debug mode in production exposes stack traces, settings and, in Flask, a code-executing debugger)`,
    ]);
  });

  test('fails on FLASK_DEBUG and allows DEBUG=false', () => {
    expect(problems(deployment(env(['FLASK_DEBUG', '1'], ['DEBUG', 'false'])))).toEqual([
      `${C0}.env[0].value: Container "api" sets FLASK_DEBUG=1 (debug mode in production exposes stack traces, settings and, in Flask, a code-executing debugger)`,
    ]);
  });

  test('fails on mock mode unless ALLOW_MOCK_IN_PROD=true is set on the same container', () => {
    expect(problems(deployment(env(['GEMINI_MOCK_MODE', 'true'])))).toEqual([
      `${C0}.env[0].value: Container "api" sets GEMINI_MOCK_MODE=true (mock mode in production, without ALLOW_MOCK_IN_PROD=true)`,
    ]);
    expect(problems(deployment(env(['GEMINI_MOCK_MODE', 'true'], ['ALLOW_MOCK_IN_PROD', 'true'])))).toEqual([]);
  });

  test('resolves env from envFrom ConfigMaps, with env overriding them', () => {
    const objects = [
      deployment((c) => {
        c.envFrom = [{ configMapRef: { name: 'george-config' } }, { configMapRef: { name: 'george-flags' }, prefix: 'APP_' }];
        c.env = [{ name: 'STRICT_MODE', value: 'true' }];
      }),
      configMap('george-config', { FLASK_ENV: 'development', STRICT_MODE: 'false', GEMINI_MOCK_MODE: 'true' }),
      configMap('george-flags', { DEBUG: 'yes' }),
      configMap('george-flags', { DEBUG: 'false' }, 'other-namespace'),
    ];
    expect(problems(objects)).toEqual([
      `${C0}.envFrom[0]: Container "api" sets FLASK_ENV=development via ConfigMap "george-config" (Flask development mode: the interactive debugger and the reloader)`,
      `${C0}.envFrom[0]: Container "api" sets GEMINI_MOCK_MODE=true via ConfigMap "george-config" (mock mode in production, without ALLOW_MOCK_IN_PROD=true)`,
      `${C0}.envFrom[1]: Container "api" sets APP_DEBUG=yes via ConfigMap "george-flags" (debug mode in production exposes stack traces, settings and, in Flask, a code-executing debugger)`,
    ]);
  });

  test('ALLOW_MOCK_IN_PROD may come from a ConfigMap; a configMapKeyRef is resolved too', () => {
    const objects = [
      deployment((c) => {
        c.envFrom = [{ configMapRef: { name: 'george-config' } }];
        c.env = [{ name: 'DEV_MODE', valueFrom: { configMapKeyRef: { name: 'george-config', key: 'dev' } } }];
      }),
      configMap('george-config', { GEMINI_MOCK_MODE: 'true', ALLOW_MOCK_IN_PROD: 'true', dev: 'true' }),
    ];
    expect(problems(objects)).toEqual([`${C0}.env[0].valueFrom: Container "api" sets DEV_MODE=true via ConfigMap "george-config" (development mode in production)`]);
  });

  test('fails on --reload, flask run and app.run in command or args, inside sh -c too', () => {
    const objects = [
      deployment((c) => (c.args = ['--reload'])),
      workload('StatefulSet', (c) => (c.command = ['sh', '-c', 'flask --app app.py run --host=0.0.0.0 --port=5000'])),
      workload('Job', (c) => {
        c.command = ['python', '-c', 'from app import app; app.run(debug=True)'];
      }),
      workload('DaemonSet', (c) => {
        c.command = ['flask'];
        c.args = ['run', '--host=0.0.0.0'];
      }),
    ];
    expect(checkGuardrails(objects).map((f) => `${f.object} ${f.path}: ${f.message}`)).toEqual([
      `Deployment/george/george-api ${C0}.args: Container "api" runs a development server (--reload in args)`,
      `StatefulSet/george/george-api ${C0}.command: Container "api" runs a development server (flask run in command)`,
      `Job/george/george-api ${C0}.command: Container "api" runs a development server (app.run in command)`,
      `DaemonSet/george/george-api ${C0}.command: Container "api" runs a development server (flask run in command and args)`,
    ]);
  });

  test('allows production servers whose words merely resemble development ones', () => {
    const m = deployment((c) => {
      c.command = ['sh', '-c', 'alembic upgrade head && gunicorn -k uvicorn.workers.UvicornWorker --no-reload app.main:app'];
      c.args = ['--log-level', 'info'];
    });
    expect(problems(m)).toEqual([]);
  });

  test('fails on a latest or untagged image, and allows digests and registry ports', () => {
    const objects = [
      deployment((c) => (c.image = 'gcr.io/george-ai/backend:latest')),
      workload('StatefulSet', (c) => (c.image = 'gcr.io/george-ai/backend')),
      workload('ReplicaSet', (c) => (c.image = 'registry.local:5000/george/backend')),
      workload('Job', (c) => (c.image = 'registry.local:5000/george/backend@sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08')),
      workload('DaemonSet', (c) => (c.image = 'registry.local:5000/george/backend:2.3.1')),
    ];
    expect(checkGuardrails(objects).map((f) => `${f.object} ${f.path}: ${f.message}`)).toEqual([
      `Deployment/george/george-api ${C0}.image: Container "api" image "gcr.io/george-ai/backend:latest" uses the "latest" tag`,
      `StatefulSet/george/george-api ${C0}.image: Container "api" image "gcr.io/george-ai/backend" has no tag (it means latest)`,
      `ReplicaSet/george/george-api ${C0}.image: Container "api" image "registry.local:5000/george/backend" has no tag (it means latest)`,
    ]);
  });

  test('fails when a Deployment or StatefulSet container that serves a port has no readiness or liveness probe', () => {
    const strip = (c: Obj) => {
      delete c.readinessProbe;
      delete c.livenessProbe;
    };
    const objects = [workload('Deployment', strip), workload('StatefulSet', (c) => delete c.livenessProbe), workload('Job', strip), workload('CronJob', strip)];
    expect(checkGuardrails(objects).map((f) => `${f.object} ${f.path}: ${f.message}`)).toEqual([
      `Deployment/george/george-api ${C0}.readinessProbe: Container "api" has no readinessProbe`,
      `Deployment/george/george-api ${C0}.livenessProbe: Container "api" has no livenessProbe`,
      `StatefulSet/george/george-api ${C0}.livenessProbe: Container "api" has no livenessProbe`,
    ]);
    // A worker serves no port: no traffic to gate, and its liveness check is the spec's choice.
    expect(checkGuardrails([workload('Deployment', (c) => (strip(c), delete c.ports))])).toEqual([]);
    expect(checkGuardrails([objects[1]])[0].fix).toBe(
      'add a livenessProbe so a hung process is restarted: httpGet on the health endpoint (e.g. /health), or exec (e.g. a heartbeat check) for a worker that serves no HTTP',
    );
  });

  test('fails when any container, init containers included, has no memory limit', () => {
    const m = deployment((c) => (c.resources = { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2' } }));
    m.object.spec.template.spec.initContainers = [{ name: 'migrate', image: 'gcr.io/george-ai/backend:2.3.1', command: ['alembic', 'upgrade', 'head'], securityContext: { readOnlyRootFilesystem: true } }];
    const findings = checkGuardrails([m]);
    expect(findings.map((f) => `${f.path}: ${f.message}`)).toEqual([
      'spec.template.spec.initContainers[0].resources.limits.memory: Container "migrate" has no memory limit',
      `${C0}.resources.limits.memory: Container "api" has no memory limit`,
    ]);
    expect(findings[0].fix).toBe('set resources.limits.memory (e.g. equal to the memory request) so a leaking worker is restarted instead of starving the node');
  });

  test('fails on an Ingress path that is, or is under, an internal path', () => {
    const m = ingress(['/', '/metrics', '/__debug/sqlite', '/metricsx'], { 'berth.dev/internal-paths': ' /metrics/, /__debug/* ' });
    const findings = checkGuardrails([m]);
    expect(findings.map((f) => `${f.path}: ${f.message}`)).toEqual([
      'spec.rules[0].http.paths[1].path: Public route to internal path /metrics (berth.dev/internal-paths lists /metrics)',
      'spec.rules[0].http.paths[2].path: Public route to internal path /__debug/sqlite (berth.dev/internal-paths lists /__debug)',
    ]);
    expect(findings[0]).toMatchObject({
      object: 'Ingress/george/george-api',
      fix: 'remove this path from the public route; serve /metrics on a port the edge does not route to, or block it with a separate route object annotated berth.dev/route-role: block',
    });
  });

  test('fails on an HTTPRoute rule that matches an internal path', () => {
    const route: Manifest = {
      file: FILE,
      object: {
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'vector-chat', namespace: 'chat', annotations: { 'berth.dev/internal-paths': '/__debug' } },
        spec: {
          rules: [
            { matches: [{ path: { type: 'PathPrefix', value: '/' } }] },
            { matches: [{ path: { type: 'Exact', value: '/health' } }, { path: { type: 'PathPrefix', value: '/__debug/routes' } }] },
            { matches: [{ path: { type: 'RegularExpression', value: '/__debug/.*' } }] },
          ],
        },
      },
    };
    expect(problems(route)).toEqual(['spec.rules[1].matches[1].path.value: Public route to internal path /__debug/routes (berth.dev/internal-paths lists /__debug)']);
  });

  test('a route marked as a blocker may name the internal paths', () => {
    const block = ingress(['/metrics'], { 'berth.dev/internal-paths': '/metrics', 'berth.dev/route-role': 'block' });
    expect(problems(block)).toEqual([]);
  });

  test('reports secret values through the leak guard, unless told not to', () => {
    const m = deployment(env(['JWT_SECRET', 'change-me']));
    expect(checkGuardrails([m]).map((f) => `${f.check} ${f.path}: ${f.message}`)).toEqual([
      `secret-leak ${C0}.env[0].value: Env var JWT_SECRET of container "api" has a secret's name and a literal value: [redacted: a credential, 9 characters]`,
    ]);
    expect(checkGuardrails([m], { leaks: false })).toEqual([]);
  });

  test('reports every problem at once', () => {
    const m = deployment((c) => {
      c.image = 'gcr.io/george-ai/backend:latest';
      c.command = ['flask', 'run', '--reload'];
      c.env = [
        { name: 'FLASK_ENV', value: 'development' },
        { name: 'DEBUG', value: 'true' },
      ];
      delete c.readinessProbe;
      delete c.resources;
    });
    expect(problems(m)).toEqual([
      `${C0}.env[0].value: Container "api" sets FLASK_ENV=development (Flask development mode: the interactive debugger and the reloader)`,
      `${C0}.env[1].value: Container "api" sets DEBUG=true (debug mode in production exposes stack traces, settings and, in Flask, a code-executing debugger)`,
      `${C0}.command: Container "api" runs a development server (--reload in command)`,
      `${C0}.command: Container "api" runs a development server (flask run in command)`,
      `${C0}.image: Container "api" image "gcr.io/george-ai/backend:latest" uses the "latest" tag`,
      `${C0}.readinessProbe: Container "api" has no readinessProbe`,
      `${C0}.resources.limits.memory: Container "api" has no memory limit`,
    ]);
  });
});
