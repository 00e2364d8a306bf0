/**
 * kube() renders typed props in one pass; it must produce exactly what the typed classes of
 * cdk8s-plus-28 produce (through cdk8s's resolve, the generated converters and the sanitizer).
 */
import { ApiObject, App, Chart } from 'cdk8s';
import * as fc from 'fast-check';
import { ServiceChart } from '../../src/chart/service-chart';
import { k8s } from '../../src/constructs/kplus';
import * as kinds from '../../src/constructs/k8s';
import { kube, Resource, toPlainJson } from '../../src/constructs/resource';
import { loadRepo } from '../../src/main';
import * as prom from '../../imports/monitoring.coreos.com';
import { anyCodePoints } from '../fuzz/arbitraries';
import { REPO } from '../helpers';

// cdk8s-plus-28's classes, and the CRD classes of imports/ that berth declares with kube().
const classes = [...Object.values(k8s), prom.PrometheusRule].filter((c): c is any => typeof c === 'function' && 'GVK' in c);
const classOf = (r: Resource) => classes.find((c) => c.GVK.apiVersion === r.apiVersion && c.GVK.kind === r.kind);

describe('kube()', () => {
  const project = loadRepo(REPO);

  test.each(project.units.map((u) => [`${u.env}/${u.name}`, u] as const))('renders every object of %s exactly like its typed class', (_, unit) => {
    const chart = new ServiceChart(new App({ outdir: '/nonexistent' }), unit.name, { spec: unit.spec, env: project.config.environments[unit.env], envName: unit.env });
    // ApiObject answers instanceof for every ApiObject (Symbol.hasInstance), so check the method.
    const resources = chart.node.findAll().filter((c): c is Resource => typeof (c as Partial<Resource>).renderUnpatched === 'function');
    expect(resources.length).toBeGreaterThan(5);
    const reference = new Chart(new App({ outdir: '/nonexistent' }), 'reference', { namespace: chart.namespace, disableResourceNameHashes: true });
    for (const r of resources) {
      const cls = classOf(r);
      expect({ kind: r.kind, apiVersion: r.apiVersion, found: cls !== undefined }).toEqual({ kind: r.kind, apiVersion: r.apiVersion, found: true });
      // Metadata as the object ends up with it: the chart adds the spec's labels and annotations
      // to every object through cdk8s's metadata API after construction (chart/service-chart.ts).
      const typed: ApiObject = new cls(reference, r.node.path, { ...r.typedProps, metadata: r.metadata.toJson() });
      const expected = typed.toJson();
      const actual = r.renderUnpatched();
      if (r.kind === 'Namespace') delete expected.metadata.namespace;
      expect(actual).toEqual(expected);
      expect(JSON.stringify(Object.keys(actual))).toBe(JSON.stringify(Object.keys(expected)));
    }
  });

  test('maps the field names the typed props spell differently, but never data keys', () => {
    expect(toPlainJson({ clusterIp: 'None', selector: { hostIp: 'x' }, template: { metadata: { labels: { podCidr: 'y' } } } })).toEqual({
      clusterIP: 'None',
      selector: { hostIp: 'x' },
      template: { metadata: { labels: { podCidr: 'y' } } },
    });
  });

  test('unwraps Quantity and IntOrString, drops undefined, sorts keys', () => {
    const json = toPlainJson({ b: k8s.Quantity.fromString('1Gi'), a: k8s.IntOrString.fromNumber(0), c: undefined, d: [k8s.IntOrString.fromString('http')] });
    expect(json).toEqual({ a: 0, b: '1Gi', d: ['http'] });
    expect(Object.keys(json as object)).toEqual(['a', 'b', 'd']);
  });

  test('orders keys as the default sort does, for short and long key lists and any characters', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.oneof(anyCodePoints(6), fc.nat({ max: 20 }).map(String)), { maxLength: 40 }), (keys) => {
        const data = Object.fromEntries(keys.map((k, i) => [k, i]));
        // Free-form (a labels map): keys are data, none is renamed.
        const rendered = toPlainJson({ labels: data }) as { labels?: Record<string, number> };
        // What inserting the keys in default-sort order gives (integer-like keys enumerate first in JS).
        const expected = Object.fromEntries(Object.keys(data).sort().map((k) => [k, data[k]]));
        expect(Object.keys(rendered.labels ?? {})).toEqual(Object.keys(expected));
      }),
      { seed: 20261122, numRuns: 300 },
    );
  });

  test('fails on a value it cannot render', () => {
    class Odd {
      a = 1;
      b = 'x';
    }
    expect(() => toPlainJson({ x: new Odd() })).toThrow('cannot render a class instance (fields: a, b); only plain data, Quantity and IntOrString');
  });

  test('every kind in k8s.ts has the group/version/kind of the typed class of its name', () => {
    const declared = Object.entries(kinds).filter(([, v]) => typeof v === 'object' && v !== null && 'GVK' in v);
    expect(declared.length).toBeGreaterThanOrEqual(12);
    for (const [name, kind] of declared) expect([name, (kind as { GVK: unknown }).GVK]).toEqual([name, (k8s as any)[name].GVK]);
  });

  test("k8s.ts's Quantity and IntOrString render like the typed classes'", () => {
    const ours = toPlainJson({ q: kinds.Quantity.fromString('1Gi'), n: kinds.Quantity.fromNumber(2), i: kinds.IntOrString.fromString('http'), p: kinds.IntOrString.fromNumber(80) });
    const theirs = toPlainJson({ q: k8s.Quantity.fromString('1Gi'), n: k8s.Quantity.fromNumber(2), i: k8s.IntOrString.fromString('http'), p: k8s.IntOrString.fromNumber(80) });
    expect(ours).toEqual({ i: 'http', n: 2, p: 80, q: '1Gi' });
    expect(ours).toEqual(theirs);
  });

  test('keeps data keys named like Object members (constructor, toString) as plain data', () => {
    expect(toPlainJson({ data: { constructor: 'y', toString: 'z' }, metadata: { labels: { hasOwnProperty: 'a' } } })).toEqual({
      data: { constructor: 'y', toString: 'z' },
      metadata: { labels: { hasOwnProperty: 'a' } },
    });
    expect(toPlainJson({ constructor: { value: 1 } })).toEqual({ constructor: { value: 1 } });
  });

  test('keeps a cluster-scoped object out of the chart namespace', () => {
    const chart = new Chart(new App({ outdir: '/nonexistent' }), 'c', { namespace: 'ns', disableResourceNameHashes: true });
    const ns = kube(chart, 'n', k8s.KubeNamespace, { metadata: { name: 'ns' } }, { clusterScoped: true });
    const sa = kube(chart, 's', k8s.KubeServiceAccount, { metadata: { name: 'sa' } });
    expect(ns.toJson().metadata).toEqual({ name: 'ns' });
    expect(sa.toJson().metadata).toEqual({ name: 'sa', namespace: 'ns' });
  });
});
