/**
 * A construct given props the spec schema would refuse throws a plain Error in its constructor
 * (not at synth), naming the construct's path and the prop, with the schema's own rule
 * (util/validate.ts holds it for both).
 */
import { ApiObject, App, Chart } from 'cdk8s';
import { RetentionPrune } from '../../src/constructs/jobs/retention-prune';
import { ScheduledJob } from '../../src/constructs/jobs/scheduled-job';
import { NetworkPolicies } from '../../src/constructs/network/network-policies';
import { ServiceMonitor } from '../../src/constructs/observability/service-monitor';
import { TmpCleanup } from '../../src/constructs/jobs/tmp-cleanup';
import { MigrationJob } from '../../src/constructs/workloads/migration-job';
import { Singleton } from '../../src/constructs/workloads/singleton';
import { WebService } from '../../src/constructs/workloads/web-service';
import { Worker } from '../../src/constructs/workloads/worker';
import { ServiceSpec } from '../../src/spec/schema';

const base = {
  identity: { service: 'shop', component: 'api' },
  serviceAccountName: 'shop',
  security: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
  container: { image: 'registry.example.com/shop:1.0.0', resources: { cpu: '100m', memory: '256Mi' } },
};
const web = { ...base, port: 8000, probes: { liveness: '/health' } };

/** A chart nested in a scope, so the path in the message is the construct's full path. */
function chart(): Chart {
  return new Chart(new App(), 'shop', { disableResourceNameHashes: true });
}

/** The schema's message for a field of a spec otherwise valid, to show both front ends say the same. */
function schemaMessage(patch: Record<string, unknown>): string {
  const spec = { name: 'shop', image: 'registry.example.com/shop:1.0.0', web: { api: { port: 8000, health: { liveness: '/health' } } }, ...patch };
  const r = ServiceSpec.safeParse(spec);
  if (r.success) throw new Error('the spec was valid');
  return r.error.issues[0].message;
}

describe('constructs refuse invalid props at construction', () => {
  test('fails when a web port is 0', () => {
    const c = chart();
    expect(() => new WebService(c, 'api', { ...web, port: 0 })).toThrow(new Error('shop/api: port 0 must be between 1 and 65535'));
    // Thrown by the constructor, before any object was made: there is nothing to synthesize.
    expect(c.node.findAll().filter((x) => x instanceof ApiObject)).toHaveLength(0);
    expect(schemaMessage({ web: { api: { port: 0, health: { liveness: '/health' } } } })).toBe('must be between 1 and 65535');
  });

  test('fails when a metrics port is above 65535', () => {
    expect(() => new WebService(chart(), 'api', { ...web, metricsPort: 70000 })).toThrow(new Error('shop/api: metricsPort 70000 must be between 1 and 65535'));
  });

  test('fails when the service name is not a DNS label', () => {
    expect(() => new Worker(chart(), 'worker', { ...base, identity: { service: 'Shop_App', component: 'worker' } })).toThrow(
      new Error('shop/worker: identity.service "Shop_App" must be a DNS label: lower-case letters, digits and "-", starting with a letter'),
    );
    expect(schemaMessage({ name: 'Shop_App' })).toBe('must be a DNS label: lower-case letters, digits and "-", starting with a letter');
  });

  test('fails when the component name is not a DNS label', () => {
    expect(() => new MigrationJob(chart(), 'migrate', { ...base, identity: { service: 'shop', component: 'db.migrate' } })).toThrow(
      new Error('shop/migrate: identity.component "db.migrate" must be a DNS label: lower-case letters, digits and "-", starting with a letter'),
    );
  });

  test('fails when a name is longer than the schema allows', () => {
    const long = 'a'.repeat(41);
    expect(() => new WebService(chart(), 'api', { ...web, identity: { service: long, component: 'api' } })).toThrow(
      new Error(`shop/api: identity.service "${long}" must be at most 40 characters (object names are built from it and must fit in 63)`),
    );
  });

  test('fails when an image uses the latest tag', () => {
    const latest = { ...base.container, image: 'registry.example.com/shop:latest' };
    const message = 'must not use the "latest" tag: pin a version so a sync is reproducible';
    expect(() => new WebService(chart(), 'api', { ...web, container: latest })).toThrow(new Error(`shop/api: container.image "registry.example.com/shop:latest" ${message}`));
    expect(() => new Singleton(chart(), 'leader', { ...base, flag: 'RUN_SCHEDULER', container: latest })).toThrow(new Error(`shop/leader: container.image "registry.example.com/shop:latest" ${message}`));
    expect(schemaMessage({ image: 'registry.example.com/shop:latest' })).toBe(message);
  });

  test('fails when an image has no tag', () => {
    expect(() => new ScheduledJob(chart(), 'report', { ...base, schedule: '0 3 * * *', container: { ...base.container, image: 'shop' } })).toThrow(
      new Error('shop/report: container.image "shop" must be an image reference with a tag or digest, such as registry.example.com/app:1.4.2'),
    );
  });

  test('fails when the jobs that pick their own image are given a bad one', () => {
    const contributions = [{ env: [{ name: 'DATABASE_URL_FILE', value: '/run/secrets/database_url' }] }];
    expect(() => new RetentionPrune(chart(), 'prune', { ...base, tables: ['events'], contributions, image: 'postgres:latest' })).toThrow(
      new Error('shop/prune: image "postgres:latest" must not use the "latest" tag: pin a version so a sync is reproducible'),
    );
    expect(() => new TmpCleanup(chart(), 'cleanup', { ...base, claimName: 'uploads', mountPath: '/data', app: { image: 'Shop:1', command: ['clean'] } })).toThrow(
      new Error('shop/cleanup: app.image "Shop:1" must be an image reference with a tag or digest, such as registry.example.com/app:1.4.2'),
    );
  });

  test('fails when the service of network policies or a monitor is not a DNS label', () => {
    expect(() => new NetworkPolicies(chart(), 'network', { service: 'Shop' })).toThrow(new Error('shop/network: service "Shop" must be a DNS label: lower-case letters, digits and "-", starting with a letter'));
    expect(() => new ServiceMonitor(chart(), 'monitor', { identity: { service: 'shop', component: 'API' } })).toThrow(
      new Error('shop/monitor: identity.component "API" must be a DNS label: lower-case letters, digits and "-", starting with a letter'),
    );
  });
});
