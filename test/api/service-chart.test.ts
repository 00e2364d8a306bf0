/**
 * The public ServiceChart and parseServiceSpec (src/index.ts): a spec object or YAML text builds
 * exactly what `berth synth` builds for it, bad input is a plain Error naming the field and the
 * fix, and checkManifests holds `Testing.synth` output to what `berth check` holds dist/ to.
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Testing } from 'cdk8s';
import * as yaml from 'js-yaml';
import { runbookBase } from '../../src/alerts/plan';
import { synthUnit, sortObjects } from '../../src/app';
import { checkManifests, parseServiceSpec, ServiceChart, WebService } from '../../src/index';
import { loadRepo } from '../../src/main';
import { REPO, specInput } from '../helpers';

const read = (rel: string) => ({ path: rel, text: fs.readFileSync(path.join(REPO, rel), 'utf8') });

describe('ServiceChart from a spec', () => {
  const project = loadRepo(REPO);
  const berthYaml = yaml.load(fs.readFileSync(path.join(REPO, 'berth.yaml'), 'utf8')) as { environments: Record<string, object> };

  test.each([
    ['rag', 'prod'],
    ['fluxion', 'staging'],
  ])('a YAML spec read with parseServiceSpec builds what berth synth builds (%s in %s)', (service, envName) => {
    const unit = project.units.find((u) => u.name === service && u.env === envName)!;
    const expected = synthUnit(project, unit);
    const spec = parseServiceSpec(read(`charts/${service}/service.yaml`), read(`charts/${service}/${envName}.yaml`));
    // berth.yaml's settings as written: ServiceChart applies the schema's defaults itself.
    const chart = new ServiceChart(new App({ outdir: '/nonexistent' }), service, spec, { env: berthYaml.environments[envName], envName, runbookBase: runbookBase(project.config) });
    expect(expected.length).toBeGreaterThan(10);
    // Sync waves included: only the order of objects in a file is the CLI's.
    expect(sortObjects(Testing.synth(chart))).toEqual(expected);
  });

  test("applies the spec's patches, an overlay's after the service's, as berth synth does", () => {
    const unit = project.units.find((u) => u.name === 'ledger' && u.env === 'prod')!;
    const ttl = 'external-dns.alpha.kubernetes.io/ttl';
    const fromSynth = synthUnit(project, unit).find((o) => o.kind === 'Ingress')!;
    expect(fromSynth.metadata.annotations[ttl]).toBe('60');
    const overlay = { path: 'prod.yaml', text: `${read('charts/ledger/prod.yaml').text}\npatches:\n  - target: { kind: Ingress, name: ledger }\n    patch:\n      - { op: add, path: /metadata/annotations/example.com~1team, value: payments }\n` };
    const spec = parseServiceSpec(read('charts/ledger/service.yaml'), overlay);
    expect(spec.patches.map((p) => p.target.name)).toEqual(['ledger', 'ledger-worker', 'ledger']);
    const chart = new ServiceChart(new App({ outdir: '/nonexistent' }), 'ledger', spec, { env: berthYaml.environments.prod, envName: 'prod', runbookBase: runbookBase(project.config) });
    const ingress = Testing.synth(chart).find((o) => o.kind === 'Ingress');
    expect(ingress.metadata.annotations).toEqual({ ...fromSynth.metadata.annotations, 'example.com/team': 'payments' });
  });

  test('takes a spec object as written, with defaults, and no environment', () => {
    const objects = Testing.synth(new ServiceChart(Testing.app(), 'demo', specInput()));
    const web = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'demo-api');
    expect(web.spec.replicas).toBe(2);
    expect(web.metadata.namespace).toBe('demo');
    expect(checkManifests(objects, { production: false })).toEqual([]);
  });

  test('fails when the spec is invalid, with the field and the fix, no stack of zod internals', () => {
    expect(() => new ServiceChart(Testing.app(), 'demo', specInput({ web: { api: { port: 0, health: { liveness: '/health' } } } }))).toThrow(
      new Error(['ServiceChart demo', '  ✖ must be between 1 and 65535 (got 0)', '    → at web.api.port', '    → fix: use at least 1'].join('\n')),
    );
  });

  test('fails when the environment is invalid', () => {
    expect(() => new ServiceChart(Testing.app(), 'demo', specInput(), { env: { edgeProfile: 'haproxy' as never } })).toThrow(/^ServiceChart demo: env\n  ✖ .*\n    → at edgeProfile/);
  });

  test('fails when a cross-field rule is broken, as berth synth does', () => {
    const spec = specInput({ web: { api: { port: 8000, health: { liveness: '/health' }, allowFrom: ['nope'] } } });
    expect(() => new ServiceChart(Testing.app(), 'demo', spec)).toThrow(/^ServiceChart demo\n  ✖ .*nope/);
  });
});

describe('parseServiceSpec', () => {
  test('fails with the file, line and field of a problem in the overlay', () => {
    const base = { path: 'service.yaml', text: 'name: demo\nimage: registry.example.com/demo:1.0.0\nweb:\n  api:\n    port: 8000\n    health: { liveness: /health }\n' };
    const overlay = { path: 'prod.yaml', text: 'web:\n  api:\n    port: 0\n' };
    expect(() => parseServiceSpec(base, overlay)).toThrow(new Error(['prod.yaml', '  ✖ must be between 1 and 65535 (got 0)', '    → at web.api.port (line 3)', '    → fix: use at least 1'].join('\n')));
  });

  test('refuses a secret literal without echoing it', () => {
    const base = { path: 'service.yaml', text: 'name: demo\nimage: registry.example.com/demo:1.0.0\nenv:\n  DATABASE_PASSWORD: hunter2-very-secret\nweb:\n  api:\n    port: 8000\n    health: { liveness: /health }\n' };
    let message = '';
    try {
      parseServiceSpec(base);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^service.yaml\n  ✖ /);
    expect(message).not.toContain('hunter2');
  });
});

describe('checkManifests', () => {
  test('finds a privileged container in Testing.synth output, and reads YAML text too', () => {
    const chart = Testing.chart();
    new WebService(chart, 'api', {
      identity: { service: 'shop', component: 'api' },
      serviceAccountName: 'shop',
      security: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 },
      container: { image: 'registry.example.com/shop:1.0.0', resources: { cpu: '100m', memory: '256Mi' } },
      port: 8000,
      probes: { liveness: '/health' },
    });
    const objects = Testing.synth(chart);
    expect(checkManifests(objects)).toEqual([]);
    objects[0].spec.template.spec.containers[0].securityContext.privileged = true;
    const findings = checkManifests(yaml.dump(objects.find((o) => o.kind === 'Deployment')), { file: 'api.yaml' });
    expect(findings.map((f) => `${f.check} ${f.file} ${f.object} ${f.path}`)).toContain('pod-security api.yaml Deployment/shop-api spec.template.spec.containers[0].securityContext.privileged');
  });
});
