/**
 * Secrets end to end: the real specs under charts/ synthesized as `berth synth` does, and small
 * specs through the whole chart for each source and delivery.
 */
import { App } from 'cdk8s';
import { ServiceChart } from '../../../src/chart/service-chart';
import { loadRepo, synthRepo } from '../../../src/main';
import { ServiceSpecInput } from '../../../src/spec/schema';
import { find, podTemplates, REPO, specInput, synthSpec } from '../../helpers';

const output = synthRepo({ root: REPO });
const objects = output.manifests.map((m) => m.object);
const inFile = (env: string, service: string) => output.manifests.filter((m) => m.file === `dist/${env}/${service}/manifests.yaml`).map((m) => m.object);

/** Every container of every pod template, with its pod spec and owner. */
function containers(objs: readonly any[]) {
  return podTemplates(objs).flatMap(({ owner, template }) =>
    [...(template.spec.initContainers ?? []), ...template.spec.containers].map((container: any) => ({ owner, pod: template.spec, container })),
  );
}

/** The `NAME` of every `NAME_FILE` env var of a container. */
const fileVars = (container: any): string[] =>
  (container.env ?? []).filter((e: any) => e.name.endsWith('_FILE') && 'value' in e).map((e: any) => e.name.slice(0, -'_FILE'.length)).sort();

describe('secrets in the synthesized output (charts/)', () => {
  test('every _FILE env var resolves to a file in a read-only, secret-backed, non-subPath mount of its own container', () => {
    let checked = 0;
    for (const { owner, pod, container } of containers(objects)) {
      for (const e of (container.env ?? []).filter((x: any) => x.name.endsWith('_FILE'))) {
        const where = `${owner.kind}/${owner.metadata.name} ${container.name} ${e.name}`;
        expect({ where, value: typeof e.value }).toEqual({ where, value: 'string' });
        const slash = e.value.lastIndexOf('/');
        const dir = e.value.slice(0, slash);
        const file = e.value.slice(slash + 1);
        const mount = (container.volumeMounts ?? []).find((m: any) => m.mountPath === dir);
        expect({ where, mount: Boolean(mount) }).toEqual({ where, mount: true });
        expect({ where, readOnly: mount.readOnly, subPath: mount.subPath }).toEqual({ where, readOnly: true, subPath: undefined });
        const volume = (pod.volumes ?? []).find((v: any) => v.name === mount.name);
        expect({ where, secret: Boolean(volume?.secret) }).toEqual({ where, secret: true });
        expect({ where, paths: volume.secret.items.map((i: any) => i.path) }).toEqual({ where, paths: expect.arrayContaining([file]) });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  test.each(['prod', 'staging'])('rag (%s): each secret reaches exactly its consumers', (env) => {
    const expected: Record<string, string[]> = {
      backend: ['DATABASE_URL', 'GEMINI_API_KEY', 'JWT_SECRET', 'REDIS_URL'],
      worker: ['DATABASE_URL', 'GEMINI_API_KEY', 'JWT_SECRET', 'REDIS_URL'],
      migrate: ['DATABASE_URL'],
      retention: ['DATABASE_URL'],
      frontend: [],
      'tmp-cleanup': [],
    };
    // What the chart hands each process: covers the CronJobs too, whether or not they are built yet.
    const project = loadRepo(REPO);
    const unit = project.units.find((u) => u.name === 'rag' && u.env === env)!;
    const chart = new ServiceChart(new App({ outdir: '/nonexistent' }), 'rag', { spec: unit.spec, env: project.config.environments[env], envName: env });
    for (const [process, names] of Object.entries(expected)) {
      const env = chart.context.contributions.for(process).flatMap((c) => c.env ?? []);
      expect({ process, names: env.filter((e) => e.name.endsWith('_FILE')).map((e) => e.name.replace(/_FILE$/, '')).sort() }).toEqual({ process, names });
    }
    // And what the written pods carry, for every rag workload the output has.
    const seen = new Set<string>();
    for (const { owner, container } of containers(inFile(env, 'rag'))) {
      const process = owner.metadata.labels['app.kubernetes.io/component'];
      seen.add(process);
      expect({ process, names: fileVars(container) }).toEqual({ process, names: expected[process] ?? [] });
    }
    for (const p of ['backend', 'worker', 'migrate', 'frontend']) expect(seen).toContain(p);
  });

  test('rag: one secret volume per pod, projecting only what the pod consumes', () => {
    const migrate = find(inFile('prod', 'rag'), 'Job', 'rag-migrate').spec.template.spec;
    expect(migrate.volumes.filter((v: any) => v.secret)).toEqual([
      { name: 'secrets', secret: { secretName: 'rag-secrets', defaultMode: 0o440, items: [{ key: 'database_url', path: 'database_url' }] } },
    ]);
    const frontend = find(inFile('prod', 'rag'), 'Deployment', 'rag-frontend').spec.template;
    expect(frontend.spec.volumes.filter((v: any) => v.secret)).toEqual([]);
    expect(frontend.metadata.annotations?.['secret.reloader.stakater.com/reload']).toBeUndefined();
  });

  test('rag: an ExternalSecret at sync wave -2 creates rag-secrets from the store', () => {
    const es = find(inFile('prod', 'rag'), 'ExternalSecret', 'rag-secrets');
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-2');
    expect(es.spec.data.map((d: any) => d.secretKey)).toEqual(['jwt_secret', 'gemini_api_key', 'database_url', 'redis_url']);
    const backend = find(inFile('prod', 'rag'), 'Deployment', 'rag-backend').spec.template.metadata.annotations;
    expect(backend['berth.dev/secret-version']).toMatch(/^[0-9a-f]{16}$/);
    expect(backend['secret.reloader.stakater.com/reload']).toBe('rag-secrets');
  });

  test('fluxion: a .env rendered by the ExternalSecret, mounted as the one file /app/.env', () => {
    const objs = inFile('prod', 'fluxion');
    const es = find(objs, 'ExternalSecret', 'fluxion-secrets');
    expect(es.spec.target.template.engineVersion).toBe('v2');
    expect(es.spec.target.template.data['.env'].split('\n').filter(Boolean).map((l: string) => l.split('=')[0])).toEqual(['JWT_SECRET', 'KEY_OLLAMA', 'KEY_OPENAI']);
    const template = find(objs, 'Deployment', 'fluxion-api').spec.template;
    const mount = template.spec.containers[0].volumeMounts.find((m: any) => m.name === 'dotenv');
    expect(mount).toEqual({ name: 'dotenv', mountPath: '/app/.env', subPath: '.env', readOnly: true });
    expect(template.spec.volumes.find((v: any) => v.name === 'dotenv').secret).toEqual({ secretName: 'fluxion-secrets', defaultMode: 0o440, items: [{ key: '.env', path: '.env' }] });
    expect(template.metadata.annotations).toMatchObject({ 'berth.dev/secret-version': expect.stringMatching(/^[0-9a-f]{16}$/), 'secret.reloader.stakater.com/reload': 'fluxion-secrets' });
  });

  test('reporting, vector-chat, george: secretKeyRef env vars named like the item', () => {
    const ref = (service: string, deployment: string, name: string) =>
      find(inFile('prod', service), 'Deployment', deployment).spec.template.spec.containers[0].env.find((e: any) => e.name === name)?.valueFrom?.secretKeyRef;
    expect(ref('reporting', 'reporting-api', 'POSTGRES_DSN')).toEqual({ name: 'reporting-secrets', key: 'postgres_dsn' });
    expect(ref('reporting', 'reporting-scheduler', 'SECRET_KEY')).toEqual({ name: 'reporting-secrets', key: 'secret_key' });
    expect(ref('vector-chat', 'vector-chat-app', 'OPENAI_API_KEY')).toEqual({ name: 'vector-chat-secrets', key: 'openai_api_key' });
    expect(ref('george', 'george-auth', 'INTERNAL_SERVICE_TOKEN')).toEqual({ name: 'george-internal', key: 'internal_service_token' });
  });

  test('an existing Secret is only referenced: no source object is written for it', () => {
    for (const service of ['reporting', 'george']) {
      expect(inFile('prod', service).filter((o) => ['ExternalSecret', 'SealedSecret', 'Secret'].includes(o.kind))).toEqual([]);
    }
  });

  test('no object anywhere is a Secret with data or stringData', () => {
    const leaks = objects.filter((o) => o.kind === 'Secret' && (o.data || o.stringData)).map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    expect(leaks).toEqual([]);
  });
});

describe('buildSecrets: each source through the whole chart', () => {
  const secrets = (source: any, items: Record<string, any>, extra: object = {}): ServiceSpecInput =>
    specInput({
      workers: { queue: {} },
      migration: { command: ['alembic', 'upgrade', 'head'] },
      secrets: { source, items, ...extra } as ServiceSpecInput['secrets'],
    });
  const sealed = 'AgBy3i4OJSWK+PiTySYZZA9rO43cGDEqAa1bC2dE3fG4hI5jK6lM7nO8pQ9rS0tU1vW2xY3z==';

  test('existingSecret: nothing emitted, the named Secret is read', () => {
    const objs = synthSpec(secrets({ existingSecret: 'platform-made' }, { TOKEN: {} }));
    expect(objs.filter((o) => ['ExternalSecret', 'SealedSecret', 'Secret'].includes(o.kind))).toEqual([]);
    const pod = find(objs, 'Deployment', 'demo-api').spec.template;
    expect(pod.spec.volumes.find((v: any) => v.name === 'secrets').secret.secretName).toBe('platform-made');
    expect(pod.metadata.annotations['berth.dev/secret-version']).toBeUndefined();
    expect(pod.metadata.annotations['secret.reloader.stakater.com/reload']).toBe('platform-made');
  });

  test('externalSecret: an external-secrets.io/v1 ExternalSecret creating <service>-secrets', () => {
    const objs = synthSpec(secrets({ externalSecret: { store: 'vault' } }, { TOKEN: { remoteKey: 'demo/app', property: 'token' } }));
    const es = find(objs, 'ExternalSecret', 'demo-secrets');
    expect([es.apiVersion, es.kind]).toEqual(['external-secrets.io/v1', 'ExternalSecret']);
    expect(es.spec).toMatchObject({ secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' }, refreshInterval: '1h', target: { name: 'demo-secrets' } });
    expect(find(objs, 'Job', 'demo-migrate').spec.template.spec.containers[0].env).toContainEqual({ name: 'TOKEN_FILE', value: '/run/secrets/token' });
  });

  test('sealedSecret: a bitnami.com/v1alpha1 SealedSecret creating <service>-secrets in the namespace', () => {
    const objs = synthSpec(secrets({ sealedSecret: { scope: 'cluster-wide' } }, { TOKEN: { encrypted: sealed } }, { delivery: 'env' }));
    const ss = find(objs, 'SealedSecret', 'demo-secrets');
    expect([ss.apiVersion, ss.kind, ss.metadata.namespace]).toEqual(['bitnami.com/v1alpha1', 'SealedSecret', 'demo']);
    expect(ss.metadata.annotations['sealedsecrets.bitnami.com/cluster-wide']).toBe('true');
    expect(find(objs, 'Deployment', 'demo-queue').spec.template.spec.containers[0].env).toContainEqual({ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'demo-secrets', key: 'token' } } });
  });

  test('sealedSecret with dotenv: the controller renders the .env, mounted at dotenvPath', () => {
    const objs = synthSpec(secrets({ sealedSecret: {} }, { TOKEN: { encrypted: sealed } }, { delivery: 'dotenv', dotenvPath: '/srv/.env' }));
    expect(find(objs, 'SealedSecret').spec.template.data['.env']).toContain(`TOKEN='{{ index . "token"`);
    const c = find(objs, 'Deployment', 'demo-queue').spec.template.spec.containers[0];
    expect(c.volumeMounts).toContainEqual({ name: 'dotenv', mountPath: '/srv/.env', subPath: '.env', readOnly: true });
  });

  test('fails when the secrets directory is already another mount', () => {
    const spec = { ...secrets({ existingSecret: 'x' }, { A: {} }, { mountPath: '/var/lib/demo' }), volumes: { data: { size: '1Gi', mountPath: '/var/lib/demo' } } };
    expect(() => synthSpec(spec)).toThrow('secrets.mountPath: "/var/lib/demo" is also the mount path of volume data; pick another path');
    expect(() => synthSpec(secrets({ existingSecret: 'x' }, { A: {} }, { mountPath: '/tmp' }))).toThrow(
      `secrets.mountPath: "/tmp" is also the mount path of the /tmp scratch volume; pick another path`,
    );
  });

  test('fails when dotenv items go to different processes', () => {
    expect(() => synthSpec(secrets({ existingSecret: 'x' }, { A: {}, B: { consumers: ['api'] } }, { delivery: 'dotenv', dotenvPath: '/app/.env' }))).toThrow(
      'DotEnvFile: every item lands in the one .env file, so all items must have the same consumers',
    );
  });
});
