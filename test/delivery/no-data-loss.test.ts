/**
 * Removing or renaming a service, a volume or an environment never deletes data: the reference
 * systems, synthesized before and after each change, run through the model of Argo CD's
 * deletion semantics (argocd-deletion-model.ts). No PersistentVolumeClaim, no Namespace and no
 * hand-made Secret inside one is ever deleted, while the stateless objects of what was removed
 * do go away (the service Applications keep their cascading finalizer on purpose).
 */
import { resolveService } from '../../src/model/service-model';
import * as yaml from 'js-yaml';
import { buildOutput, SynthOutput } from '../../src/app';
import { LoadedProject, loadProject, ServiceUnit } from '../../src/spec/load';
import { readSources } from '../../src/main';
import { REPO } from '../helpers';
import { Cluster, FileObject, HAND_MADE_SECRET, changeGit, deploy, objectKey } from './argocd-deletion-model';

// The repo's own berth.yaml and charts/, read once; each change below edits them in memory, as
// a user would on disk, and synthesizes again.
const sources = readSources(REPO);
const project = loadProject(sources.config, sources.charts);
/** Objects by file, in file order: the order of files is not one Argo CD reads (it reads folders). */
const byFile = (units: SynthOutput['units']): FileObject[] =>
  (units.flatMap((u) => u.objects) as unknown as FileObject[]).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
const manifests = (p: LoadedProject): FileObject[] => byFile(buildOutput(p).units);
const output = buildOutput(project);
const before = byFile(output.units);

/**
 * The output after a change to one service (`service`, named `renamed` afterwards, or removed):
 * that service synthesized again, with its Applications and the roots, and every other file as
 * `before` has it. buildOutput synthesizes each unit and each Application from berth.yaml and
 * that unit alone, so the other files cannot change; a test below checks it against whole synths.
 */
function resynthesized(p: LoadedProject, service: string, renamed: string | undefined = service): FileObject[] {
  const fresh = buildOutput({ ...p, units: p.units.filter((u) => u.name === renamed) }).units;
  return byFile([...output.units.filter((u) => u.service !== undefined && u.service !== service), ...fresh]);
}
const services = [...new Set(project.units.map((u) => u.name))].sort();
const environments = Object.keys(project.config.environments).sort();

/** Data an Argo CD or Kubernetes deletion must never take: claims, Namespaces, and Secrets made by hand. */
const DATA_KINDS = new Set(['PersistentVolumeClaim', 'Namespace']);
function lostData(clusters: Map<string, Cluster>): string[] {
  return [...clusters].flatMap(([root, c]) =>
    c.deleted
      .filter((d) => DATA_KINDS.has(d.object.kind) || (d.object.kind === 'Secret' && d.object.metadata.name === HAND_MADE_SECRET))
      .map((d) => `${root}: ${d.key} (${d.cause})`),
  );
}

/** The project with one service's specs changed (or, returning undefined, removed). */
function editUnits(p: LoadedProject, edit: (u: ServiceUnit) => ServiceUnit | undefined): LoadedProject {
  return { ...p, units: p.units.map(edit).filter((u): u is ServiceUnit => u !== undefined) };
}

/** The project after `git rm -r charts/<service>`. */
function withoutService(service: string): LoadedProject {
  return loadProject(sources.config, sources.charts.filter((f) => !f.path.startsWith(`charts/${service}/`)));
}

const withoutRag = withoutService('rag');

/** The project after removing an environment from berth.yaml and its overlays (`charts/<service>/<env>.yaml`). */
function withoutEnvironment(env: string): LoadedProject {
  const config = yaml.load(sources.config.text) as { environments: Record<string, unknown> };
  delete config.environments[env];
  return loadProject({ path: sources.config.path, text: yaml.dump(config) }, sources.charts.filter((f) => !f.path.endsWith(`/${env}.yaml`)));
}

/** The spec with a volume gone (and every mount of it), or renamed. */
function withoutVolume(unit: ServiceUnit, volume: string, renameTo?: string): ServiceUnit {
  const spec = structuredClone(unit.spec);
  const rename = (mounts: string[]) => mounts.flatMap((m) => (m !== volume ? [m] : renameTo ? [renameTo] : []));
  if (renameTo) spec.volumes[renameTo] = spec.volumes[volume];
  delete spec.volumes[volume];
  for (const group of [spec.web, spec.workers, spec.singletons, spec.cron.jobs] as Array<Record<string, { mounts: string[] }>>) {
    for (const process of Object.values(group)) process.mounts = rename(process.mounts);
  }
  if (spec.cron.tmpCleanup?.volume === volume) {
    if (renameTo) spec.cron.tmpCleanup.volume = renameTo;
    else delete spec.cron.tmpCleanup;
  }
  // The charts read the model: resolved again from the changed spec.
  return { ...unit, spec, model: resolveService(spec, project.config.environments[unit.env], unit.env) };
}

/** The service of a unit renamed to `<name>-v2`. */
function renamedService(u: ServiceUnit): ServiceUnit {
  const name = `${u.name}-v2`;
  // A person renaming the service renames the objects its patches target too.
  const patches = u.spec.patches.map((p) => ({ ...p, target: { ...p.target, name: p.target.name.replace(u.name, name) } }));
  const spec = { ...u.spec, name, patches };
  // The charts read the model: resolved again, or the rename would change no object name.
  return { ...u, name, spec, model: resolveService(spec, project.config.environments[u.env], u.env) };
}

describe('the model over the reference systems', () => {
  test('a first sync deletes nothing, and every Namespace has its hand-made Secret', () => {
    const clusters = deploy(before);
    expect([...clusters.keys()].sort()).toEqual(environments.map((e) => `berth-${e}`));
    for (const c of clusters.values()) {
      expect(c.deleted).toEqual([]);
      expect(c.objects().filter((o) => o.object.kind === 'Namespace')).toHaveLength(services.length);
      expect(c.objects().filter((o) => o.object.kind === 'Secret' && o.object.metadata.name === HAND_MADE_SECRET)).toHaveLength(services.length);
    }
  });

  test('synthesizing a changed service alone (or none, for a removed one), beside the other files of before, gives what a whole synth gives', () => {
    // ledger has patches, extra objects and pod settings; rag's uploads claim is used by a cleanup job.
    const renamed = editUnits(project, (u) => (u.name === 'ledger' ? renamedService(u) : u));
    expect(resynthesized(renamed, 'ledger', 'ledger-v2')).toEqual(manifests(renamed));
    const volumeless = editUnits(project, (u) => (u.name === 'rag' ? withoutVolume(u, 'uploads') : u));
    expect(resynthesized(volumeless, 'rag')).toEqual(manifests(volumeless));
    expect(resynthesized(withoutRag, 'rag', undefined)).toEqual(manifests(withoutRag));
  });

  test('the model is not vacuous: with the sync-options stripped, removing a service loses its Namespace, claims and Secret', () => {
    const strip = (ms: FileObject[]) => ms.map((m) => ({ ...m, object: { ...m.object, metadata: { ...m.object.metadata, annotations: undefined } } }));
    const without = resynthesized(withoutRag, 'rag', undefined);
    expect(lostData(changeGit(strip(before), strip(without)))).toEqual(
      expect.arrayContaining(['berth-prod: Namespace//rag (cascade of Application rag-prod)', 'berth-prod: PersistentVolumeClaim/rag/rag-uploads (Namespace rag deleted)']),
    );
  });
});

describe('no data is ever deleted', () => {
  test('deleting any Application by hand (cascading) deletes no claim, Namespace or hand-made Secret', () => {
    for (const [root, cluster] of deploy(before)) {
      const apps = cluster.objects().filter((o) => o.object.kind === 'Application').map((o) => objectKey(o.object));
      for (const app of apps) {
        const c = deploy(before).get(root)!;
        c.delete(app);
        expect({ app, lost: lostData(new Map([[root, c]])) }).toEqual({ app, lost: [] });
      }
    }
  });

  test.each(services)('removing charts/%s/: its stateless objects go, its data stays', (service) => {
    // The project is loaded without the service's files; what is left of it is synthesized as before.
    const clusters = changeGit(before, resynthesized(withoutService(service), service, undefined));
    expect(lostData(clusters)).toEqual([]);
    for (const [root, c] of clusters) {
      const gone = c.deleted.map((d) => d.key);
      expect(gone).toContain(`Application/argocd/${service}-${root.replace(/^berth-/, '')}`);
      expect(gone.some((k) => k.startsWith('Deployment/'))).toBe(true);
      expect(c.get(`Namespace//${service}`)).toBeDefined();
    }
  });

  test.each(services)('renaming %s: the old Namespace and claims stay', (service) => {
    const renamed = resynthesized(editUnits(project, (u) => (u.name === service ? renamedService(u) : u)), service, `${service}-v2`);
    // The renamed service's objects carry the new name (its claims too).
    expect(renamed.some((m) => m.object.kind === 'PersistentVolumeClaim' || m.object.kind === 'Namespace' ? String(m.object.metadata.name).startsWith(`${service}-v2`) : false)).toBe(true);
    expect(lostData(changeGit(before, renamed))).toEqual([]);
  });

  const volumes = [...new Set(project.units.flatMap((u) => Object.keys(u.spec.volumes).map((v) => `${u.name}/${v}`)))].sort();
  test('the reference systems have volumes to remove', () => expect(volumes.length).toBeGreaterThanOrEqual(4));

  test.each(volumes)('removing or renaming the volume %s keeps its claim', (id) => {
    const [service, volume] = id.split('/');
    for (const renameTo of [undefined, `${volume}-v2`]) {
      const after = resynthesized(editUnits(project, (u) => (u.name === service ? withoutVolume(u, volume, renameTo) : u)), service);
      const clusters = changeGit(before, after);
      expect({ renameTo, lost: lostData(clusters) }).toEqual({ renameTo, lost: [] });
      for (const c of clusters.values()) expect(c.get(`PersistentVolumeClaim/${project.units.find((u) => u.name === service)!.spec.namespace ?? service}/${service}-${volume}`)).toBeDefined();
    }
  });

  test.each(environments)('removing the environment %s from berth.yaml (its root prunes every service) keeps all data', (env) => {
    const after = withoutEnvironment(env);
    expect(Object.keys(after.config.environments)).toEqual(environments.filter((e) => e !== env));
    const clusters = changeGit(before, manifests(after));
    expect(lostData(clusters)).toEqual([]);
    // The worst case was modelled: the root, left in the cluster, found its folder gone and pruned every service.
    const c = clusters.get(`berth-${env}`)!;
    expect(c.deleted.filter((d) => d.object.kind === 'Application')).toHaveLength(services.length);
    // Then the root is deleted by hand: it has no cascading finalizer, so that deletes only itself.
    const deletedBefore = c.deleted.length;
    c.delete(`Application/argocd/berth-${env}`);
    expect(c.deleted.slice(deletedBefore).map((d) => d.key)).toEqual([`Application/argocd/berth-${env}`]);
  });
});
