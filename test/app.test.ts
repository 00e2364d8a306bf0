/**
 * buildOutput's units: the output keyed by environment and service, so that nothing reads an
 * environment back out of a path.
 */
import { buildOutput, checkOutput, envFolderOf } from '../src/app';
import { loadRepo } from '../src/main';
import { REPO } from './helpers';

const project = loadRepo(REPO);
const output = buildOutput(project);

describe('SynthOutput units', () => {
  test('one manifests unit per service and environment, with its file and objects', () => {
    const rag = output.units.filter((u) => u.service === 'rag');
    expect(rag.map((u) => [u.env, u.kind, u.files])).toEqual([
      ['prod', 'manifests', ['dist/prod/rag/manifests.yaml']],
      ['staging', 'manifests', ['dist/staging/rag/manifests.yaml']],
      ['prod', 'argocd', ['dist/argocd/prod/rag-prod.yaml']],
      ['staging', 'argocd', ['dist/argocd/staging/rag-staging.yaml']],
    ]);
    const prod = rag[0];
    expect(prod.objects.length).toBeGreaterThan(10);
    expect(prod.objects.every((m) => m.file === 'dist/prod/rag/manifests.yaml')).toBe(true);
    expect(new Set(prod.objects.map((m) => m.object.metadata.namespace ?? m.object.metadata.name))).toEqual(new Set(['rag']));
  });

  test('every file is in exactly one unit; the root Application has no service', () => {
    expect(output.units.flatMap((u) => u.files).sort()).toEqual([...output.files.keys()].sort());
    expect(output.units.filter((u) => u.service === undefined).map((u) => u.files[0]).sort()).toEqual(['dist/argocd/root-prod.yaml', 'dist/argocd/root-staging.yaml']);
  });

  test('checkOutput reads the environment of each unit, not of its path', () => {
    // A Deployment with DEBUG=true breaks a production guardrail; its file path names no environment.
    const object = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'demo-api', namespace: 'demo' },
      spec: { selector: { matchLabels: { app: 'demo' } }, template: { metadata: { labels: { app: 'demo' } }, spec: { containers: [{ name: 'app', image: 'demo:1', env: [{ name: 'DEBUG', value: 'true' }] }] } } },
    };
    const file = 'manifests.yaml';
    const unit = (env: string) => ({ files: new Map([[file, '']]), manifests: [{ file, object }], objects: 1, units: [{ env, service: 'demo', kind: 'manifests' as const, files: [file], objects: [{ file, object }] }] });
    const debug = (env: string) => checkOutput(project, unit(env)).filter((f) => f.message.includes('DEBUG=true'));
    expect(debug('prod')).toHaveLength(1);
    expect(debug('staging')).toEqual([]);
  });
});

describe('envFolderOf', () => {
  test('the first folder below the output folder, or nothing outside it', () => {
    expect(envFolderOf('dist/prod/rag/manifests.yaml', 'dist')).toBe('prod');
    expect(envFolderOf('prod/rag/manifests.yaml')).toBe('prod');
    expect(envFolderOf('elsewhere/prod/x.yaml', 'dist')).toBeUndefined();
  });
});
