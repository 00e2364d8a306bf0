/**
 * A background process (an ARQ worker, a queue consumer): a Deployment with no Service and no
 * inbound traffic, an optional exec probe, a long termination grace so running jobs drain, and a
 * PodDisruptionBudget when it has more than one replica (as a web process has).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../k8s';
import { kube } from '../resource';
import { addDisruptionBudget } from './disruption-budget';
import { objectName, selectorLabels, workloadLabels } from './labels';
import { checkProcessProps, ProbeProps, ProcessPodProps, renderProcessPod, ScratchProps } from './pod';

/** Props of {@link Worker}. */
export interface WorkerProps extends ProcessPodProps {
  /** @default 1 */
  readonly replicas?: number;
  /** An exec liveness probe (a worker has no port to probe). @default - none */
  readonly probe?: { readonly exec: readonly string[]; readonly periodSeconds?: number };
  /** Time for running jobs to finish after SIGTERM. @default 120 */
  readonly terminationGracePeriodSeconds?: number;
  /** Recreate instead of RollingUpdate (exactly-once processes, ReadWriteOnce claims). @default false */
  readonly recreate?: boolean;
  /** berth's writable scratch directories. @default - an emptyDir at /tmp */
  readonly scratch?: ScratchProps;
}

/** A Deployment that serves nothing. */
export class Worker extends Construct {
  readonly name: string;
  readonly deployment: ApiObject;

  constructor(scope: Construct, id: string, props: WorkerProps) {
    super(scope, id);
    checkProcessProps(this, props, { prop: 'container.image', value: props.container.image });
    this.name = objectName(props.identity);
    const labels = workloadLabels(props.identity);
    const probe: ProbeProps | undefined = props.probe
      ? { exec: [...props.probe.exec], periodSeconds: props.probe.periodSeconds ?? 30, timeoutSeconds: 10, failureThreshold: 3 }
      : undefined;
    this.deployment = kube(this, 'Deployment', k8s.KubeDeployment, {
      metadata: { name: this.name, labels },
      spec: {
        replicas: props.replicas ?? 1,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selectorLabels(props.identity) },
        strategy: props.recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: renderProcessPod(props, {
          scratch: props.scratch,
          terminationGracePeriodSeconds: props.terminationGracePeriodSeconds ?? 120,
          container: { livenessProbe: probe },
        }),
      },
    });
    // A singleton (one replica, Recreate) gets none: a budget would only block node drains.
    addDisruptionBudget(this, props.identity, props.replicas ?? 1);
  }
}
