/**
 * Nightly removal of old temporary files from the volume the app writes them to.
 *
 * The job mounts the app's claim at the app's own path, so paths in its log are the paths the
 * app sees, and runs with the app's uid/gid so it may delete what the app wrote. It runs either
 * the app's own cleanup command in the app image (the rag seed's `python -m scripts.cleanup_tmp`,
 * told where and how old through `TMP_DIR` and `TMP_MAX_AGE_HOURS`) or berth's built-in script
 * (`TMP_CLEANUP_SCRIPT`) in a small pinned BusyBox image, with the same two env vars.
 */
import { hasDotSegment } from '../../util/paths';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { objectName } from '../workloads/labels';
import { checkProcessProps, PodContribution, ResourceProps } from '../workloads/pod';
import { JOB_RESOURCES, JobPodProps, JobScheduleProps, ScheduledJob } from './scheduled-job';
import { TMP_CLEANUP_SCRIPT } from './scripts';
import type { BERTH_VOLUMES } from '../../util/pod-volumes';

/**
 * BusyBox 1.37.0, pinned by tag and by the digest of its multi-platform image index (the tag
 * is rebuilt from time to time; the digest keeps every sync pulling the same bytes).
 */
export const BUSYBOX_IMAGE = 'busybox:1.37.0@sha256:9db7b59979c38555a39def84a31fb98b5296952f9e3afd4f6f11f05b07adfab0';

/** The app's own cleanup command, run in the app image. */
export interface AppCleanupCommand {
  /** The app's image, with a tag or digest. */
  readonly image: string;
  /** e.g. `['python', '-m', 'scripts.cleanup_tmp']` */
  readonly command: readonly string[];
  /** @default - none */
  readonly args?: readonly string[];
  /** @default - the image's working directory */
  readonly workingDir?: string;
}

/** Which volume to clean, of what, and with which command. */
export interface TmpCleanupProps extends JobScheduleProps, JobPodProps {
  /** The PersistentVolumeClaim the app writes temporary files to. */
  readonly claimName: string;
  /**
   * Where the app mounts that claim; the job mounts it at the same path (so do not pass the
   * claim in `contributions` too).
   */
  readonly mountPath: string;
  /** The directory inside the volume that holds the temporary files. @default - the whole volume */
  readonly subPath?: string;
  /** Files last modified longer ago than this are deleted. @default 24 */
  readonly maxAgeHours?: number;
  /** @default '0 3 * * *' */
  readonly schedule?: string;
  /** Run the app's own cleanup command instead of the built-in script. @default - the built-in script in BUSYBOX_IMAGE */
  readonly app?: AppCleanupCommand;
  /** @default - 50m CPU, 128Mi memory */
  readonly resources?: ResourceProps;
}

/** The name of the volume that mounts the app's claim in the cleanup pod. */
const VOLUME: keyof typeof BERTH_VOLUMES = 'tmp-files';

/** A CronJob that deletes old files from a shared volume. */
export class TmpCleanup extends Construct {
  /** The CronJob name. */
  readonly name: string;
  /** The directory cleaned: `mountPath`, or `mountPath/subPath`. */
  readonly directory: string;
  readonly cronJob: ApiObject;

  constructor(scope: Construct, id: string, props: TmpCleanupProps) {
    super(scope, id);
    checkProcessProps(this, props, props.app && { prop: 'app.image', value: props.app.image });
    const where = `TmpCleanup ${objectName(props.identity)}`;
    if (!/^\/[^/]/.test(props.mountPath) || hasDotSegment(props.mountPath)) {
      throw new Error(`${where}: mountPath "${props.mountPath}" must be an absolute path below / with no "." or ".." segments, such as /tmp/rag_uploads`);
    }
    if (props.subPath !== undefined && (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(props.subPath) || hasDotSegment(props.subPath))) {
      throw new Error(`${where}: subPath "${props.subPath}" must be a relative path inside the volume with no "." or ".." segments, such as tmp or uploads/tmp`);
    }
    const maxAgeHours = props.maxAgeHours ?? 24;
    if (!Number.isInteger(maxAgeHours) || maxAgeHours < 1) {
      throw new Error(`${where}: maxAgeHours must be a whole number of hours of at least 1, got ${maxAgeHours}: set it to how long the app may still need a file, such as 24`);
    }
    const mountPath = props.mountPath.replace(/\/+$/, '');
    this.directory = props.subPath ? `${mountPath}/${props.subPath}` : mountPath;

    const claim: PodContribution = {
      volumes: [{ name: VOLUME, persistentVolumeClaim: { claimName: props.claimName } }],
      mounts: [{ name: VOLUME, mountPath }],
    };
    const env = [
      { name: 'TMP_DIR', value: this.directory },
      { name: 'TMP_MAX_AGE_HOURS', value: String(maxAgeHours) },
    ];
    const resources = props.resources ?? JOB_RESOURCES;

    const job = new ScheduledJob(this, 'Job', {
      ...props,
      schedule: props.schedule ?? '0 3 * * *',
      // A claim mounted at /tmp itself replaces the scratch emptyDir there.
      scratch: { tmp: mountPath !== '/tmp' },
      contributions: [...(props.contributions ?? []), claim],
      container: props.app
        ? { image: props.app.image, command: props.app.command, args: props.app.args, workingDir: props.app.workingDir, env, resources }
        : { image: BUSYBOX_IMAGE, command: ['/bin/sh', '-c', TMP_CLEANUP_SCRIPT], env, resources },
    });
    this.name = job.name;
    this.cronJob = job.cronJob;
  }
}
