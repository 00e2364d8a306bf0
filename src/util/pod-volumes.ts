/**
 * The names of berth's own pod volumes: the scratch emptyDirs, the secret volumes, the claims.
 * The constructs name their volumes from here, and validation refuses an `extraVolumes` key that
 * would give a pod two volumes of one name (the API server rejects such a pod).
 */
import type { ScratchDir } from './scratch-paths';

/** The emptyDir of each scratch directory. */
export const SCRATCH_VOLUMES: Readonly<Record<ScratchDir, string>> = {
  tmp: 'tmp',
  gunicornTmp: 'gunicorn-tmp',
  prometheusMultiproc: 'prometheus-multiproc',
};

/** berth's other fixed pod volume names, with what each holds (for messages). */
export const BERTH_VOLUMES = {
  secrets: 'the secret files of the process',
  dotenv: 'the .env of the process',
  'database-url': "the retention job's database URL",
  'tmp-files': "the tmp cleanup job's claim",
  'service-account-token': 'the projected service-account token (serviceAccount.token)',
} as const;

/** The prefix of the pod volume of each claim of `volumes`. */
const CLAIM_VOLUME_PREFIX = 'data-';

/** The pod volume of the claim of `volumes.<name>`. */
export function claimVolumeName(name: string): string {
  return `${CLAIM_VOLUME_PREFIX}${name}`;
}

/** What berth uses this pod volume name for, when it does. @returns undefined when the name is free */
export function berthVolumeUse(name: string): string | undefined {
  const scratch = (Object.keys(SCRATCH_VOLUMES) as ScratchDir[]).find((k) => SCRATCH_VOLUMES[k] === name);
  if (scratch) return `a scratch directory (${name})`;
  if (Object.hasOwn(BERTH_VOLUMES, name)) return BERTH_VOLUMES[name as keyof typeof BERTH_VOLUMES];
  if (name.startsWith(CLAIM_VOLUME_PREFIX)) return `the claims of volumes (${CLAIM_VOLUME_PREFIX}<name>)`;
  return undefined;
}
