/**
 * A process that must run exactly once: a scheduler leader such as the reporting system's
 * `RUN_SCHEDULER=1` instance. One replica, strategy Recreate (the old pod is gone before the new
 * one starts, so two leaders never overlap), and its leader flag set to "1". The chart sets the
 * same flag to "0" on every other process of the service.
 */
import { Construct } from 'constructs';
import { checkProcessProps, ProcessPodProps, ScratchProps } from './pod';
import { Worker } from './worker';

/** Props of {@link Singleton}. */
export interface SingletonProps extends ProcessPodProps {
  /** The env var that makes this process the leader, e.g. `RUN_SCHEDULER`. */
  readonly flag: string;
  /** An exec liveness probe. @default - none */
  readonly probe?: { readonly exec: readonly string[]; readonly periodSeconds?: number };
  /** @default 60 */
  readonly terminationGracePeriodSeconds?: number;
  /** berth's writable scratch directories. @default - an emptyDir at /tmp */
  readonly scratch?: ScratchProps;
}

/** Values of the leader flag. */
export const LEADER = '1';
export const FOLLOWER = '0';

/** Exactly one replica, never two at once. */
export class Singleton extends Construct {
  readonly name: string;
  readonly worker: Worker;

  constructor(scope: Construct, id: string, props: SingletonProps) {
    super(scope, id);
    checkProcessProps(this, props, { prop: 'container.image', value: props.container.image });
    this.worker = new Worker(this, 'Process', {
      ...props,
      replicas: 1,
      recreate: true,
      terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 60,
      container: { ...props.container, env: [...(props.container.env ?? []).filter((e) => e.name !== props.flag), { name: props.flag, value: LEADER }] },
    });
    this.name = this.worker.name;
  }
}
