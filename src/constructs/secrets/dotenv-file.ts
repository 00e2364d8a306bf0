/**
 * Secrets as a `.env` file in the app's working directory, for apps that load one with
 * python-dotenv and cannot read `NAME_FILE` or the environment (fluxion's `run.py`).
 *
 * The Secret's `.env` key (rendered by the ExternalSecret or SealedSecret, see
 * dotenv-template.ts, or put there by whoever owns an existing Secret) is mounted as that single
 * file with `subPath`, read-only. `subPath` is unavoidable: the directory belongs to the image
 * and mounting a volume there would hide the app. It also means the file never sees an update,
 * so the pods must be restarted instead: set `version` and `reloadOnChange`.
 */
import { CLEAN_ABSOLUTE_PATH } from '../../util/paths';
import { Construct } from 'constructs';
import type { BERTH_VOLUMES } from '../../util/pod-volumes';
import { PodContribution } from '../workloads/pod';
import { deliver, SecretDeliveryProps } from './delivery';
import { DOTENV_KEY } from './dotenv-template';
import { SECRET_FILE_MODE } from './secret-files';
import { pick, ResolvedSecretItem } from './secret-item';

/** Props of {@link DotEnvFile}. */
export interface DotEnvFileProps extends SecretDeliveryProps {
  /** Absolute path of the file the app loads, e.g. `/app/.env` in its working directory. */
  readonly path: string;
}

/** Name of the pod volume holding the `.env`. */
export const DOTENV_VOLUME: keyof typeof BERTH_VOLUMES = 'dotenv';


/** A secret-backed `.env` file mounted into every consuming process. */
export class DotEnvFile extends Construct {
  /** Where the file appears in the container. */
  readonly path: string;
  readonly items: readonly ResolvedSecretItem[];
  /** What each consuming process's pods get, keyed by process. */
  readonly contributions: ReadonlyMap<string, PodContribution>;

  constructor(scope: Construct, id: string, props: DotEnvFileProps) {
    super(scope, id);
    this.path = props.path;
    // A path that ends in "/" (or is a bare directory) would mount the file over a directory.
    if (!CLEAN_ABSOLUTE_PATH.test(props.path)) {
      throw new Error(`DotEnvFile: path "${props.path}" must be the absolute path of a file, such as /app/.env; the .env is mounted as that one file, never over a directory`);
    }
    const delivery = deliver('DotEnvFile', props, () => ({
      volumes: [{ name: DOTENV_VOLUME, secret: { secretName: props.secretName, defaultMode: SECRET_FILE_MODE, items: [{ key: DOTENV_KEY, path: DOTENV_KEY }] } }],
      mounts: [{ name: DOTENV_VOLUME, mountPath: props.path, subPath: DOTENV_KEY, readOnly: true }],
    }));
    // Every item is a line of the one file: a process either gets the whole file or none of it.
    const [first, ...rest] = delivery.items;
    const differs = rest.find((i) => !sameSet(i.consumers, first.consumers));
    if (differs) {
      throw new Error(
        `DotEnvFile: every item lands in the one .env file, so all items must have the same consumers; ${first.name} goes to [${first.consumers.join(', ')}] but ${differs.name} to [${differs.consumers.join(', ')}]. Use the same consumers, or delivery files or env`,
      );
    }
    this.items = delivery.items;
    this.contributions = delivery.contributions;
  }

  /** What an init container or sidecar gets for the named items: the whole `.env` at the same path (every item is a line of it). */
  forContainer(names: readonly string[]): PodContribution {
    pick('DotEnvFile', this.items, names);
    return { mounts: [{ name: DOTENV_VOLUME, mountPath: this.path, subPath: DOTENV_KEY, readOnly: true }] };
  }
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}
