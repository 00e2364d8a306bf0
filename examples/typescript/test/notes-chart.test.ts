/**
 * The notes service, from its YAML spec: what berth builds for it in production.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { checkManifests } from 'berth';
import { notesChart } from '../src/notes-chart';

const spec = (file: string) => ({ path: file, text: fs.readFileSync(path.join(__dirname, '..', file), 'utf8') });
const objects = Testing.synth(notesChart(Testing.app(), spec('specs/notes/service.yaml'), spec('specs/notes/prod.yaml')));
const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

test('snapshot', () => {
  expect(objects).toMatchSnapshot();
});

test('the production overlay sets the replicas', () => {
  expect(find('Deployment', 'notes-api').spec.replicas).toBe(3);
});

test('the host is routed to the API through Traefik with TLS', () => {
  const ingress = find('Ingress', 'notes');
  expect(ingress.spec.ingressClassName).toBe('traefik');
  expect(ingress.spec.tls).toEqual([{ hosts: ['notes.example.com'], secretName: 'notes-tls' }]);
});

test('Argo CD applies the namespace first and the workloads after their config, as berth synth orders them', () => {
  expect(find('Namespace', 'notes').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('-3');
  expect(find('Deployment', 'notes-api').metadata.annotations['argocd.argoproj.io/sync-wave']).toBe('0');
});

test('the namespace enforces the restricted Pod Security profile', () => {
  expect(find('Namespace', 'notes').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
});

test("passes berth's checks as production manifests", () => {
  expect(checkManifests(objects)).toEqual([]);
});

test('fails with the file, line and fix when the spec is wrong', () => {
  const bad = { path: 'specs/notes/prod.yaml', text: 'web:\n  api: { replicas: 0 }\n' };
  expect(() => notesChart(Testing.app(), spec('specs/notes/service.yaml'), bad)).toThrow(/^specs\/notes\/prod.yaml\n  ✖ .*\n    → at web.api.replicas \(line 2\)/);
});
