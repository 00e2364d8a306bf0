/**
 * A scheduled job: a `batch/v1` CronJob whose pods are hardened like every other berth pod.
 *
 * Defaults differ from cdk8s-plus on purpose: runs never overlap (`Forbid`), a run missed by up
 * to ten minutes (a controller restart, a node drain) still starts (cdk8s-plus gives 10 s), and
 * the schedule is read in an explicit time zone rather than the controller's local time.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../k8s';
import { CRON_MACRO_LIST, isCronMacro } from '../../util/cron';
import { kube } from '../resource';
import { objectName, selectorLabels, workloadLabels, WorkloadIdentity } from '../workloads/labels';
import { checkProcessProps, ProcessContainerProps, ProcessPodProps, renderProcessPod, ResourceProps, ScratchProps } from '../workloads/pod';

/** When a CronJob's runs start, how long they may take and how many are kept. */
export interface JobScheduleProps {
  /** IANA time zone the schedule is read in. @default 'Etc/UTC' */
  readonly timeZone?: string;
  /** How late a missed run may still start. @default 600 */
  readonly startingDeadlineSeconds?: number;
  /** How long one run may take, retries included, before it is stopped. @default 3600 */
  readonly activeDeadlineSeconds?: number;
  /** Retries of a failed run. @default 2 */
  readonly backoffLimit?: number;
  /** Restart the container in place (`OnFailure`) or start a new pod (`Never`) on failure. @default 'OnFailure' */
  readonly restartPolicy?: 'OnFailure' | 'Never';
  /** Finished runs kept for inspection. @default 3 */
  readonly successfulJobsHistoryLimit?: number;
  /** Failed runs kept for inspection. @default 3 */
  readonly failedJobsHistoryLimit?: number;
  /**
   * Delete a finished run's Job (and its pods and logs) this long after it ends, whatever the
   * history limits say.
   * @default - none: the history limits decide which runs are kept
   */
  readonly ttlSecondsAfterFinished?: number;
}

/** Who a scheduled job's pod runs as, and what other constructs add to it. */
export interface JobPodProps extends Omit<ProcessPodProps, 'container'> {
  /**
   * Run on a node where a pod of this workload runs: a ReadWriteOnce claim that workload has
   * mounted can only be attached to that node.
   * @default - any node
   */
  readonly colocateWith?: WorkloadIdentity;
}

/** A CronJob running one container on a schedule. */
export interface ScheduledJobProps extends JobScheduleProps, JobPodProps {
  /** Cron schedule with five fields (minute hour day month weekday) or a macro such as `@daily`, read in `timeZone`. */
  readonly schedule: string;
  /** Image, command, env and resources; the container is named after the component. */
  readonly container: ProcessContainerProps;
  /** @default - an emptyDir at /tmp */
  readonly scratch?: ScratchProps;
}

/** Requests and limits of berth's own small jobs (cleanup, pruning). */
export const JOB_RESOURCES: ResourceProps = { cpu: '50m', memory: '128Mi' };

/** A CronJob named `<service>-<component>` running one hardened container. */
export class ScheduledJob extends Construct {
  /** The CronJob name. */
  readonly name: string;
  readonly cronJob: ApiObject;

  constructor(scope: Construct, id: string, props: ScheduledJobProps) {
    super(scope, id);
    checkProcessProps(this, props, { prop: 'container.image', value: props.container.image });
    this.name = objectName(props.identity);
    checkSchedule(this.name, props.schedule);
    const labels = workloadLabels(props.identity);

    const template = renderProcessPod(props, {
      scratch: props.scratch,
      restartPolicy: props.restartPolicy ?? 'OnFailure',
      colocateWith: props.colocateWith && selectorLabels(props.colocateWith),
    });

    this.cronJob = kube(this, 'CronJob', k8s.KubeCronJob, {
      metadata: { name: this.name, labels },
      spec: {
        schedule: props.schedule,
        timeZone: props.timeZone ?? 'Etc/UTC',
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: props.startingDeadlineSeconds ?? 600,
        successfulJobsHistoryLimit: props.successfulJobsHistoryLimit ?? 3,
        failedJobsHistoryLimit: props.failedJobsHistoryLimit ?? 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: props.backoffLimit ?? 2,
            activeDeadlineSeconds: props.activeDeadlineSeconds ?? 3600,
            ttlSecondsAfterFinished: props.ttlSecondsAfterFinished,
            template,
          },
        },
      },
    });
  }
}

function checkSchedule(name: string, schedule: string): void {
  if (/\b(CRON_)?TZ=/.test(schedule)) {
    throw new Error(`ScheduledJob ${name}: schedule "${schedule}" sets a time zone, which Kubernetes rejects: remove it and set timeZone instead`);
  }
  if (schedule.trim().split(/\s+/).length !== 5 && !isCronMacro(schedule)) {
    throw new Error(`ScheduledJob ${name}: schedule "${schedule}" must be a cron expression with five fields (minute hour day month weekday), such as "0 3 * * *", or one of ${CRON_MACRO_LIST}`);
  }
}
