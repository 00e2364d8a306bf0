/**
 * berth's own scratch directories: emptyDirs every pod (or every pod of a kind) gets, so a
 * read-only root filesystem still has the writable places Python servers need. The pod
 * construct mounts them; validation refuses a volume or secret directory over them.
 */

/** Each scratch directory, by the pod prop that turns it on. */
export const SCRATCH_PATHS = {
  tmp: '/tmp',
  gunicornTmp: '/run/gunicorn',
  prometheusMultiproc: '/run/prometheus-multiproc',
} as const;

/** A scratch directory's key. */
export type ScratchDir = keyof typeof SCRATCH_PATHS;

/** What each scratch directory is for, as messages name it. */
const SCRATCH_PURPOSES: Readonly<Record<ScratchDir, string>> = {
  tmp: 'the /tmp scratch volume',
  gunicornTmp: "gunicorn's heartbeat directory",
  prometheusMultiproc: 'the metrics scratch volume',
};

/** Every scratch directory with its purpose, in a fixed order. */
export const SCRATCH_DIRS: ReadonlyArray<{ readonly path: string; readonly purpose: string }> = (Object.keys(SCRATCH_PATHS) as ScratchDir[]).map((k) => ({ path: SCRATCH_PATHS[k], purpose: SCRATCH_PURPOSES[k] }));
