/**
 * Golden test: every spec under charts/ synthesizes, and the result is exactly the committed
 * dist/. Plus the invariants every object must keep whatever the spec says.
 */
import * as path from 'path';
import { readTree } from '../src/output/atomic-write';
import { checkOutput } from '../src/app';
import { checkPodSecurity } from '../src/check/pod-security';
import { validateSchema } from '../src/check/schema';
import { loadRepo, synthRepo } from '../src/main';
import { podTemplates, REPO } from './helpers';

const output = synthRepo({ root: REPO });
const objects = output.manifests.map((m) => m.object);

describe('golden output', () => {
  test('dist/ is exactly what a fresh synth writes (run `npm run synth` and commit)', () => {
    const onDisk = readTree(path.join(REPO, 'dist'));
    const fresh = new Map([...output.files].map(([f, t]) => [f.replace(/^dist\//, ''), t]));
    expect([...onDisk.keys()].sort()).toEqual([...fresh.keys()].sort());
    for (const [file, text] of fresh) expect({ file, text: onDisk.get(file) }).toEqual({ file, text });
  });

  test('synthesizing twice gives the same bytes', () => {
    const again = synthRepo({ root: REPO });
    expect([...again.files]).toEqual([...output.files]);
  });

  test('writes one folder per service per environment', () => {
    const folders = [...new Set([...output.files.keys()].filter((f) => !f.startsWith('dist/argocd/')).map((f) => f.split('/').slice(1, 3).join('/')))].sort();
    for (const env of ['prod', 'staging']) {
      for (const svc of ['fluxion', 'george', 'rag', 'reporting', 'vector-chat']) expect(folders).toContain(`${env}/${svc}`);
    }
  });

  test('every pod template passes Pod Security "restricted"', () => {
    expect(checkPodSecurity(output.manifests)).toEqual([]);
  });

  test('every object passes every check berth runs (strict schema, guardrails, leak guard)', () => {
    expect(checkOutput(loadRepo(REPO), output, { schema: validateSchema })).toEqual([]);
  });

  test('no object has a hash-suffixed name or a construct-path label or selector', () => {
    const text = [...output.files.values()].join('\n');
    expect(text).not.toContain('cdk8s.io/metadata.addr');
    for (const o of objects) expect(o.metadata.name).not.toMatch(/-c8[0-9a-f]{6}$|-[0-9a-f]{8}$/);
  });

  test('every Deployment selects its pods by app.kubernetes.io name and component only', () => {
    for (const d of objects.filter((o) => o.kind === 'Deployment')) {
      const sel = d.spec.selector.matchLabels;
      expect(Object.keys(sel).sort()).toEqual(['app.kubernetes.io/component', 'app.kubernetes.io/name']);
      expect(d.metadata.name).toBe(`${sel['app.kubernetes.io/name']}-${sel['app.kubernetes.io/component']}`);
      for (const [k, v] of Object.entries(sel)) expect(d.spec.template.metadata.labels[k]).toBe(v);
    }
  });

  test('every Service selects exactly the pods of its Deployment and targets named ports', () => {
    for (const s of objects.filter((o) => o.kind === 'Service')) {
      const d = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === s.metadata.name && o.metadata.namespace === s.metadata.namespace);
      expect(d).toBeDefined();
      expect(s.spec.selector).toEqual(d!.spec.selector.matchLabels);
      const portNames = d!.spec.template.spec.containers[0].ports.map((p: any) => p.name);
      for (const p of s.spec.ports) expect(portNames).toContain(p.targetPort);
    }
  });

  test('every container has explicit requests and a memory limit, and web containers have probes', () => {
    for (const { owner, template } of podTemplates(objects)) {
      for (const c of template.spec.containers) {
        expect({ owner: owner.metadata.name, requests: Object.keys(c.resources.requests).sort() }).toEqual({ owner: owner.metadata.name, requests: ['cpu', 'memory'] });
        expect(c.resources.limits.memory).toBeDefined();
        if (c.ports?.some((p: any) => p.name === 'http')) {
          expect(c.livenessProbe.httpGet.path).toMatch(/^\//);
          expect(c.readinessProbe.httpGet.path).toMatch(/^\//);
          expect(c.startupProbe).toBeDefined();
        }
      }
    }
  });
});
