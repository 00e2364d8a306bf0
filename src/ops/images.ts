/**
 * `berth promote` and `berth set-image`: which image references of a service change, in which
 * file, at which key. Pure: main.ts reads the files, applies the edits and writes them.
 *
 * A service runs its image (`image`) and, per process, an image of its own or that one
 * (`web.<p>.image`, `workers.<p>.image`, `singletons.<p>.image`, `cron.jobs.<j>.image`,
 * `migration.image`). An environment's overlay (`charts/<service>/<env>.yaml`) is where one
 * environment's references differ from the others, so a promotion writes there only.
 */
import { UsageError } from '../util/argv';
import { Problem, SpecError, suggest } from '../spec/errors';
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

/** The image a unit's process (or, without one, its service) runs: its own, or the service's. */
export function runningImage(unit: ServiceUnit, process?: string): string {
  if (process === undefined) return unit.spec.image;
  return imageSlots(unit.spec).find((s) => s.name === process)?.image ?? unit.spec.image;
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
 * each process of `to` whose resolved image still differs from the same process in `from`.
 * Processes that only one of the two environments has are left alone.
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
  return edits;
}

/**
 * The edit that sets one image: the service's, or one process's (`process`), in the base spec or,
 * with `env`, in that environment's overlay. None when the environment(s) already run it.
 */
export function setImageEdits(project: LoadedProject, service: string, image: string, opts: { process?: string; env?: string }): ImageEdit[] {
  const envs = Object.keys(project.config.environments).sort();
  const unit = unitOf(project, service, opts.env ?? envs[0], '--env');
  const file = opts.env === undefined ? unit.files[0] : overlayFile(unit);
  let keys: KeyPath = ['image'];
  const runs = (u: ServiceUnit) => runningImage(u, opts.process);
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
  checkImage(image, file, keys);
  // Without --env the base spec changes every environment that does not override the key.
  const affected = project.units.filter((u) => u.name === service && (opts.env === undefined || u.env === opts.env));
  if (affected.every((u) => runs(u) === image)) return [];
  return [{ file, keys, from: runs(unit), to: image }];
}
