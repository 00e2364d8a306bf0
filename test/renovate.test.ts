/**
 * renovate.json's custom manager, as Renovate would run it: its file pattern selects every spec
 * under charts/, and its regex finds every image reference in them, split into the name, tag and
 * digest Renovate looks up and rewrites. The pattern is read from renovate.json itself.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { CHART_SERVICES, REPO } from './helpers';

const config = JSON.parse(fs.readFileSync(path.join(REPO, 'renovate.json'), 'utf8'));
const [manager] = config.customManagers;
/** Renovate writes regex file patterns between slashes. */
const filePattern = new RegExp(/^\/(.*)\/$/.exec(manager.managerFilePatterns[0])![1]);
const imagePattern = () => new RegExp(manager.matchStrings[0], 'g');

/** What Renovate reads out of a text: each match as `name[:tag][@digest]`. */
function found(text: string): string[] {
  return [...text.matchAll(imagePattern())].map((m) => `${m.groups!.depName}${m.groups!.currentValue ? `:${m.groups!.currentValue}` : ''}${m.groups!.currentDigest ? `@${m.groups!.currentDigest}` : ''}`);
}

/** The oracle: every `image` value in the parsed YAML, in document order. */
function images(data: unknown): string[] {
  if (!data || typeof data !== 'object') return [];
  return Object.entries(data).flatMap(([k, v]) => (k === 'image' && typeof v === 'string' ? [v] : images(v)));
}

function specFiles(dir = 'charts'): string[] {
  return fs.readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? specFiles(`${dir}/${e.name}`) : /\.ya?ml$/.test(e.name) ? [`${dir}/${e.name}`] : []));
}

describe('renovate.json custom manager', () => {
  test('is a regex manager for docker images', () => {
    expect(manager.customType).toBe('regex');
    expect(manager.datasourceTemplate).toBe('docker');
  });

  test('its file pattern selects every spec, overlay and extra-object file under charts/, and nothing else', () => {
    const files = specFiles();
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const f of files) expect([f, filePattern.test(f)]).toEqual([f, true]);
    for (const f of ['dist/prod/rag/manifests.yaml', 'berth.yaml', 'charts/rag/README.md', 'bench/charts/x/service.yaml', 'charts/rag/extra/a/b/deep.yaml']) expect([f, filePattern.test(f)]).toEqual([f, false]);
  });

  test('its regex finds every image line in charts/, as name, tag and digest', () => {
    const withImages = new Set<string>();
    for (const f of specFiles()) {
      const text = fs.readFileSync(path.join(REPO, f), 'utf8');
      // An extra file may hold several objects.
      const expected = yaml.loadAll(text).flatMap(images);
      expect({ f, found: found(text) }).toEqual({ f, found: expected });
      if (expected.length) withImages.add(f);
    }
    // Every service's spec names its image: a loop that found none anywhere would prove nothing.
    expect(CHART_SERVICES.filter((s) => !withImages.has(`charts/${s}/service.yaml`))).toEqual([]);
  });

  test("finds a container image in an extra object's file", () => {
    const text = 'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: exporter\n          image: quay.io/prometheus/statsd-exporter:v0.28.0\n';
    expect(filePattern.test('charts/ledger/extra/prod/exporter.yaml')).toBe(true);
    expect(found(text)).toEqual(['quay.io/prometheus/statsd-exporter:v0.28.0']);
  });

  test.each([
    ['block', 'image: registry.example.com/rag-backend:1.4.2', ['registry.example.com/rag-backend:1.4.2']],
    ['flow mapping', '  worker: { replicas: 2, image: gcr.io/george-ai/backend:3.2.0 }', ['gcr.io/george-ai/backend:3.2.0']],
    ['quoted', '    image: "registry.example.com/app:1.0.0-rc.1"  # comment', ['registry.example.com/app:1.0.0-rc.1']],
    ['registry with a port', 'image: localhost:5000/team/app:2.1', ['localhost:5000/team/app:2.1']],
    ['no registry, numeric tag', 'image: redis:7', ['redis:7']],
    ['digest', `image: registry.example.com/app@sha256:${'a'.repeat(64)}`, [`registry.example.com/app@sha256:${'a'.repeat(64)}`]],
    ['tag and digest (refused by the schema; pinDigests is off)', `image: app:1.2@sha256:${'b'.repeat(64)}`, [`app:1.2@sha256:${'b'.repeat(64)}`]],
    ['not another key ending in image', 'baseimage: x:1\nimagePullPolicy: Always', []],
  ])('%s', (_, line, expected) => {
    expect(found(line)).toEqual(expected);
  });
});
