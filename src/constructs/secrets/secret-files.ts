/**
 * Secrets as files, with a `NAME_FILE` env var pointing at each: the convention of the official
 * Docker images and of rag (`{NAME}_FILE` under /run/secrets).
 *
 * Each process gets one secret volume holding only the items it consumes (projected `items`),
 * mounted read-only at the directory, never with `subPath`: the kubelet refreshes a secret
 * volume in place when the Secret changes, but a `subPath` mount is a bind mount of one file
 * and keeps the old value forever.
 */
import { CLEAN_ABSOLUTE_PATH } from '../../util/paths';
import { Construct } from 'constructs';
import type { BERTH_VOLUMES } from '../../util/pod-volumes';
import { PodContribution } from '../workloads/pod';
import { deliver, SecretDeliveryProps } from './delivery';
import { pick, ResolvedSecretItem } from './secret-item';

/** Props of {@link SecretFiles}. */
export interface SecretFilesProps extends SecretDeliveryProps {
  /** The directory the files appear in. @default '/run/secrets' */
  readonly mountPath?: string;
}

/** Name of the pod volume holding a process's secret files. */
export const SECRET_FILES_VOLUME: keyof typeof BERTH_VOLUMES = 'secrets';

/**
 * 0440: readable by the owner (root) and the group, nobody else. The kubelet gives secret volume
 * files the pod's fsGroup as their group, so a pod running as a non-root uid with that fsGroup
 * (every berth pod: runAsUser 10001, fsGroup 10001) reads them through the group bit; 0400
 * would leave them readable by root alone, and the Kubernetes default 0644 by everyone.
 */
export const SECRET_FILE_MODE = 0o440;


/** One secret volume and `NAME_FILE` env vars per consuming process. */
export class SecretFiles extends Construct {
  /** The directory the files appear in. */
  readonly mountPath: string;
  readonly items: readonly ResolvedSecretItem[];
  /** What each consuming process's pods get, keyed by process. */
  readonly contributions: ReadonlyMap<string, PodContribution>;

  constructor(scope: Construct, id: string, props: SecretFilesProps) {
    super(scope, id);
    this.mountPath = props.mountPath ?? '/run/secrets';
    if (!CLEAN_ABSOLUTE_PATH.test(this.mountPath)) {
      throw new Error(`SecretFiles: mountPath "${this.mountPath}" must be an absolute directory other than "/", without a trailing slash or "." / ".." segments, e.g. /run/secrets`);
    }
    const delivery = deliver('SecretFiles', props, (items) => ({
      volumes: [
        {
          name: SECRET_FILES_VOLUME,
          secret: { secretName: props.secretName, defaultMode: SECRET_FILE_MODE, items: items.map((i) => ({ key: i.key, path: i.file })) },
        },
      ],
      mounts: [{ name: SECRET_FILES_VOLUME, mountPath: this.mountPath, readOnly: true }],
      env: items.map((i) => ({ name: `${i.name}_FILE`, value: this.pathOf(i) })),
    }));
    this.items = delivery.items;
    this.contributions = delivery.contributions;
  }

  /**
   * What an init container or sidecar of a consuming process gets for the named items: the
   * process's secret volume at the same directory and their `NAME_FILE` env vars. The volume is
   * the process's, which holds only the items the process consumes.
   */
  forContainer(names: readonly string[]): PodContribution {
    const items = pick('SecretFiles', this.items, names);
    return {
      mounts: [{ name: SECRET_FILES_VOLUME, mountPath: this.mountPath, readOnly: true }],
      env: items.map((i) => ({ name: `${i.name}_FILE`, value: this.pathOf(i) })),
    };
  }

  /** Where an item's file appears in the container. */
  pathOf(item: Pick<ResolvedSecretItem, 'file'>): string {
    return `${this.mountPath}/${item.file}`;
  }
}
