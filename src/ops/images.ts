/**
 * `berth promote` and `berth set-image`: which image references of a service change, in which
 * file, at which key. Pure: main.ts reads the files, applies the edits and writes them.
 *
 * A service runs its image (`image`) and, per process, an image of its own or that one
 * (`web.<p>.image`, `workers.<p>.image`, `singletons.<p>.image`, `cron.jobs.<j>.image`,
 * `migration.image`), and each of its init containers and sidecars runs one (`sidecars.<n>.image`,
 * `initContainers.<n>.image`, or a process's own: `web.<p>.sidecars.<n>.image`). An environment's
 * overlay (`charts/<service>/<env>.yaml`) is where one environment's references differ from the
 * others, so a promotion writes there only.
 */
import { UsageError } from '../util/argv';
import { Problem, SpecError, suggest, valueAt } from '../spec/errors';
import { ExtraContainerModel, ProcessModel } from '../model/service-model';
import { LoadedProject, ServiceUnit } from '../spec/load';
import { ImageRef, ServiceSpec } from '../spec/schema';
import { KeyPath } from './yaml-edit';

/** One image reference to write: the file, the key, the value it had and the one it gets. */
export interface ImageEdit {
  readonly file: string;
  readonly keys: KeyPath;
  /** What the environment ran before (resolved: a process without an image of its own runs the service's). */
  readonly from: string;
  readonly to: string;
}

/** A process (or job) that runs an image, and where its own image would be set. */
interface ImageSlot {
  readonly name: string;
  readonly keys: KeyPath;
  /** Its own image, if it sets one. */
  readonly image?: string;
}

/** Every process and job of a spec that runs a container image of the service. */
function imageSlots(spec: ServiceSpec): ImageSlot[] {
  const slots: ImageSlot[] = [];
  for (const section of ['web', 'workers', 'singletons'] as const) {
    for (const [name, p] of Object.entries(spec[section])) slots.push({ name, keys: [section, name, 'image'], image: p.image });
  }
  for (const [name, j] of Object.entries(spec.cron.jobs)) slots.push({ name, keys: ['cron', 'jobs', name, 'image'], image: j.image });
  if (spec.migration) slots.push({ name: 'migration', keys: ['migration', 'image'], image: spec.migration.image });
  return slots;
}

/** The two spec fields that declare a pod's extra containers (the schema's names). */
const CONTAINER_GROUPS = ['initContainers', 'sidecars'] as const;

/** A sidecar or init container a spec declares itself, at the service level or in one process. */
interface ContainerSlot {
  readonly name: string;
  readonly group: (typeof CONTAINER_GROUPS)[number];
  /** Where its image is set, e.g. `['sidecars', 'otel-collector', 'image']`. */
  readonly keys: KeyPath;
}

/**
 * The init containers and sidecars declared at `base` (`[]` for the service's, a process's keys
 * for its own): a process's `false` (it leaves the service's out) declares none.
 */
function containerSlots(spec: ServiceSpec, base: KeyPath): ContainerSlot[] {
  return CONTAINER_GROUPS.flatMap((group) => {
    const declared = valueAt(spec, [...base, group]);
    if (!declared || typeof declared !== 'object') return [];
    return Object.entries(declared as Record<string, unknown>)
      .filter(([, c]) => c !== false)
      .map(([name]) => ({ name, group, keys: [...base, group, name, 'image'] }));
  });
}

/** What `berth set-image` sets: the service's image, a process's, or (`container`) an init container's or sidecar's. */
export interface ImageTarget {
  /** @default - the service's image, or the container's at the service level */
  readonly process?: string;
  /** @default - the app container */
  readonly container?: string;
}

/** The image a unit runs where `target` points: a process's own or the service's; a container's, if the unit has it. */
export function runningImage(unit: ServiceUnit, target: ImageTarget = {}): string | undefined {
  if (target.container !== undefined) {
    const base = target.process === undefined ? [] : (imageSlots(unit.spec).find((s) => s.name === target.process)?.keys.slice(0, -1) ?? []);
    const slot = containerSlots(unit.spec, base).find((c) => c.name === target.container);
    return slot && (valueAt(unit.spec, slot.keys) as string);
  }
  if (target.process === undefined) return unit.spec.image;
  return imageSlots(unit.spec).find((s) => s.name === target.process)?.image ?? unit.spec.image;
}

/** The overlay file of a service in an environment (it may not exist yet). */
export function overlayFile(unit: ServiceUnit): string {
  return `${unit.files[0].slice(0, unit.files[0].lastIndexOf('/'))}/${unit.env}.yaml`;
}

/** The schema's own image rule, applied to a reference given on the command line. */
function checkImage(image: string, file: string, keys: KeyPath): void {
  const r = ImageRef.safeParse(image);
  if (!r.success) {
    throw new SpecError([{ file, path: keys.join('.'), message: `"${image}" ${r.error.issues[0].message}`, fix: 'pass an image with a pinned tag or digest, e.g. registry.example.com/app:1.4.2' }]);
  }
}

/** The unit of a service in an environment; usage errors name what exists. */
export function unitOf(project: LoadedProject, service: string, env: string, flag: string): ServiceUnit {
  const envs = Object.keys(project.config.environments).sort();
  const hint = (name: string, known: readonly string[]) => {
    const close = suggest(name, known);
    return close === undefined ? `use one of: ${known.join(', ')}` : `did you mean "${close}"? (${known.join(', ')})`;
  };
  if (!envs.includes(env)) throw new UsageError(`${flag} ${env}: berth.yaml defines no environment "${env}" under environments; ${hint(env, envs)}`, false);
  const unit = project.units.find((u) => u.name === service && u.env === env);
  if (!unit) {
    const services = [...new Set(project.units.map((u) => u.name))].sort();
    throw new UsageError(`no service "${service}": no charts/*/service.yaml has name: ${service}; ${hint(service, services)}`, false);
  }
  return unit;
}

/**
 * The edits that make `to` run the images `from` runs: the service image where it differs, then
 * each process of `to` whose resolved image still differs from the same process in `from`, then
 * the init containers and sidecars ({@link containerPromotionEdits}). Processes and containers
 * that only one of the two environments has are left alone.
 */
export function promotionEdits(from: ServiceUnit, to: ServiceUnit): ImageEdit[] {
  const file = overlayFile(to);
  const edits: ImageEdit[] = [];
  const toImage = from.spec.image;
  if (to.spec.image !== toImage) edits.push({ file, keys: ['image'], from: to.spec.image, to: toImage });
  const source = new Map(imageSlots(from.spec).map((s) => [s.keys.join('.'), s.image ?? from.spec.image]));
  for (const slot of imageSlots(to.spec)) {
    const wanted = source.get(slot.keys.join('.'));
    if (wanted === undefined) continue;
    const runs = slot.image ?? toImage;
    if (runs !== wanted) edits.push({ file, keys: slot.keys, from: slot.image ?? to.spec.image, to: wanted });
  }
  return [...edits, ...containerPromotionEdits(from, to)];
}

/**
 * The init-container and sidecar images of `to` set to those of `from`: first the service-level
 * ones (`sidecars.<n>.image`) where they differ, then, per process both environments run, each
 * container of the process whose image (resolved by the model, after those edits) still differs
 * and that the process of `to` declares itself (`web.<p>.sidecars.<n>.image`). A container `to`
 * takes from the service while `from`'s process declares its own is left: writing its image
 * alone into the overlay would declare a new container with nothing but an image
 * ({@link promotionGaps} reports it).
 */
function containerPromotionEdits(from: ServiceUnit, to: ServiceUnit): ImageEdit[] {
  const file = overlayFile(to);
  const edits: ImageEdit[] = [];
  // The image each container field of `to` runs once these edits are made.
  const planned = new Map<string, string>();
  for (const slot of containerSlots(to.spec, [])) {
    const runs = valueAt(to.spec, slot.keys) as string;
    const wanted = valueAt(from.spec, slot.keys);
    if (typeof wanted !== 'string' || wanted === runs) continue;
    edits.push({ file, keys: slot.keys, from: runs, to: wanted });
    planned.set(slot.keys.slice(0, -1).join('.'), wanted);
  }
  for (const [p, q] of commonProcesses(from, to)) {
    for (const c of [...p.initContainers, ...p.sidecars]) {
      const wanted = sameContainer(q, c)?.image;
      if (wanted === undefined || (planned.get(c.field) ?? c.image) === wanted || !c.field.startsWith(`${p.field}.`)) continue;
      // The model's field is the spec path joined by "."; its names are DNS labels, which have none.
      edits.push({ file, keys: [...c.field.split('.'), 'image'], from: c.image, to: wanted });
    }
  }
  return edits;
}

/** The processes of `to` paired with the same process (by spec field) of `from`. */
function commonProcesses(from: ServiceUnit, to: ServiceUnit): Array<[ProcessModel, ProcessModel]> {
  const source = new Map(from.model.processes.map((q) => [q.field, q]));
  return to.model.processes.flatMap((p): Array<[ProcessModel, ProcessModel]> => {
    const q = source.get(p.field);
    return q ? [[p, q]] : [];
  });
}

/** The container of a process with the name and role of `c`, if it has one. */
const sameContainer = (q: ProcessModel, c: ExtraContainerModel) => [...q.initContainers, ...q.sidecars].find((s) => s.name === c.name && s.role === c.role);

/**
 * What a promotion could not carry: containers that both environments run in a process, with
 * different images, where `to` takes the service's container and `from`'s process declares its
 * own. Each says what to copy by hand.
 */
export function promotionGaps(from: ServiceUnit, to: ServiceUnit): string[] {
  return commonProcesses(from, to).flatMap(([p, q]) =>
    [...p.initContainers, ...p.sidecars].flatMap((c) => {
      const s = sameContainer(q, c);
      if (s === undefined || s.image === c.image) return [];
      return [`${to.env} ${p.field} runs ${c.name} ${c.image} (from ${c.field}), ${from.env} ${s.image} (from ${s.field}): copy ${s.field} into ${overlayFile(to)} by hand to promote it`];
    }),
  );
}

/**
 * The edit that sets one image: the service's, one process's (`process`), or one init
 * container's or sidecar's (`container`: the service's, or with `process` that process's own), in
 * the base spec or, with `env`, in that environment's overlay. None when the environment(s)
 * already run it.
 */
export function setImageEdits(project: LoadedProject, service: string, image: string, opts: ImageTarget & { env?: string }): ImageEdit[] {
  const envs = Object.keys(project.config.environments).sort();
  const unit = unitOf(project, service, opts.env ?? envs[0], '--env');
  const file = opts.env === undefined ? unit.files[0] : overlayFile(unit);
  let keys: KeyPath = ['image'];
  if (opts.process !== undefined) {
    const slots = imageSlots(unit.spec);
    const slot = slots.find((s) => s.name === opts.process);
    if (!slot) {
      const problem: Problem = {
        file: unit.files[0],
        path: '',
        message: `Service "${service}" has no process "${opts.process}"${opts.env === undefined ? '' : ` in ${opts.env}`}`,
        fix: `--process takes one of: ${slots.map((s) => `${s.name} (${s.keys.slice(0, -1).join('.')})`).join(', ')}; or leave it out to set the service image`,
      };
      throw new SpecError([problem]);
    }
    keys = slot.keys;
  }
  // Without --env the base spec changes every environment that does not override the key.
  const affected = project.units.filter((u) => u.name === service && (opts.env === undefined || u.env === opts.env));
  if (opts.container !== undefined) keys = containerKeys(unit, affected, opts, keys.slice(0, -1));
  checkImage(image, file, keys);
  if (affected.every((u) => runningImage(u, opts) === image)) return [];
  return [{ file, keys, from: runningImage(unit, opts)!, to: image }];
}

/**
 * Where `set-image --container` writes: the container's image key at `base` (the service level,
 * or the process's own), declared in every affected environment, since writing an image alone
 * where no container is declared would declare a new one. An unknown name is refused with the
 * names that exist.
 */
function containerKeys(unit: ServiceUnit, affected: readonly ServiceUnit[], opts: ImageTarget & { env?: string }, base: KeyPath): KeyPath {
  const name = opts.container!;
  const declared = containerSlots(unit.spec, base).filter((c) => affected.every((u) => containerSlots(u.spec, base).some((d) => d.name === c.name && d.group === c.group)));
  const slot = declared.find((c) => c.name === name);
  if (slot) return slot.keys;
  const where = `${opts.process === undefined ? '' : ` of process "${opts.process}"`}${opts.env === undefined ? '' : ` in ${opts.env}`}`;
  const names = declared.map((c) => `${c.name} (${c.keys.slice(0, -1).join('.')})`);
  const inherited = opts.process !== undefined && containerSlots(unit.spec, []).some((c) => c.name === name);
  const fix = inherited
    ? `${name} is the service's (${containerSlots(unit.spec, []).find((c) => c.name === name)!.keys.slice(0, -1).join('.')}), not ${opts.process}'s own: leave out --process to set it for every process that runs it`
    : names.length
      ? `--container takes one of: ${names.join(', ')}${opts.process === undefined ? "; add --process P for a process's own" : ''}`
      : `${base.length ? base.join('.') : `service "${unit.name}"`} declares no initContainers or sidecars${opts.env === undefined ? ' that every environment runs' : ''}; add the container to the spec first (docs/escape-hatches.md)`;
  throw new SpecError([{ file: unit.files[0], path: base.join('.'), message: `Service "${unit.name}" has no init container or sidecar "${name}"${where}`, fix }]);
}
