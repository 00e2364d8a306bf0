/**
 * A web process: Deployment + Service with named ports, probes, graceful shutdown, a
 * PodDisruptionBudget when it has more than one replica, optional topology spread and an
 * optional HorizontalPodAutoscaler.
 */
import { ApiObject, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../k8s';
import { kube } from '../resource';
import { addDisruptionBudget } from './disruption-budget';
import { objectName, selectorLabels, workloadLabels } from './labels';
import { refuseProp, portProblem } from '../../util/validate';
import { checkProcessProps, httpProbe, ProcessPodProps, renderProcessPod, ScratchProps } from './pod';

/** Probe paths on the web port. */
export interface WebProbes {
  /** The path that answers while the process is alive. */
  readonly liveness: string;
  /** @default - the liveness path */
  readonly readiness?: string;
  /** @default - the readiness path */
  readonly startup?: string;
  /** How long the app may take to start before liveness applies. @default 120 */
  readonly startupTimeoutSeconds?: number;
}

/** Props of {@link WebService}. */
export interface WebServiceProps extends ProcessPodProps {
  /** The port the app listens on, named `http` on the container and the Service. */
  readonly port: number;
  /** A separate metrics port, never routed at the edge. @default - metrics on the web port */
  readonly metricsPort?: number;
  /**
   * The `appProtocol` of the Service port `http`: `kubernetes.io/ws` tells a Gateway API
   * implementation that needs an opt-in (GEP-1911) to upgrade WebSocket connections.
   * @default 'http'
   */
  readonly appProtocol?: 'http' | 'kubernetes.io/ws';
  /** The HTTP paths the kubelet probes on the web port. */
  readonly probes: WebProbes;
  /** @default 2 */
  readonly replicas?: number;
  /** With autoscaling the Deployment has no fixed replica count. @default - no autoscaler */
  readonly autoscaling?: { readonly minReplicas: number; readonly maxReplicas: number; readonly cpuUtilization: number };
  /** The server's own graceful timeout; the pod gets this plus the preStop delay and a margin. @default 30 */
  readonly gracefulTimeoutSeconds?: number;
  /** Spread replicas across nodes and zones. @default false */
  readonly spreadAcrossZones?: boolean;
  /** Recreate instead of RollingUpdate (a ReadWriteOnce claim, a single writer). @default false */
  readonly recreate?: boolean;
  /** berth's writable scratch directories. @default - an emptyDir at /tmp */
  readonly scratch?: ScratchProps;
  /** Annotations of the Deployment and Service themselves (not the pods). @default - none */
  readonly objectAnnotations?: Readonly<Record<string, string>>;
}

/** Seconds the preStop hook waits so endpoints and proxies drop the pod before SIGTERM. */
const PRESTOP_SLEEP_SECONDS = 5;

/** A Deployment and its Service for an HTTP process. */
export class WebService extends Construct {
  /** The Deployment and Service name. */
  readonly name: string;
  /** The name of the Service port that serves the app (`http`). */
  readonly portName = 'http';
  /** The name of the metrics port (`metrics` when separate, otherwise `http`). */
  readonly metricsPortName: string;
  readonly deployment: ApiObject;
  readonly service: ApiObject;

  constructor(scope: Construct, id: string, props: WebServiceProps) {
    super(scope, id);
    checkProcessProps(this, props, { prop: 'container.image', value: props.container.image });
    refuseProp(this.node.path, 'port', props.port, portProblem(props.port));
    if (props.metricsPort !== undefined) refuseProp(this.node.path, 'metricsPort', props.metricsPort, portProblem(props.metricsPort));
    this.name = objectName(props.identity);
    const labels = workloadLabels(props.identity);
    const selector = selectorLabels(props.identity);
    this.metricsPortName = props.metricsPort ? 'metrics' : 'http';
    const graceful = props.gracefulTimeoutSeconds ?? 30;
    const replicas = props.autoscaling ? undefined : (props.replicas ?? 2);
    const minReplicas = props.autoscaling?.minReplicas ?? replicas ?? 1;
    const readiness = props.probes.readiness ?? props.probes.liveness;
    const startup = props.probes.startup ?? readiness;
    const startupTimeout = props.probes.startupTimeoutSeconds ?? 120;

    const ports = [{ name: 'http', containerPort: props.port }];
    if (props.metricsPort) ports.push({ name: 'metrics', containerPort: props.metricsPort });

    const template = renderProcessPod(props, {
      scratch: props.scratch,
      terminationGracePeriodSeconds: graceful + PRESTOP_SLEEP_SECONDS + 5,
      spreadSelector: props.spreadAcrossZones ? selector : undefined,
      container: {
        ports,
        startupProbe: { ...httpProbe(startup, 'http', { periodSeconds: 5 }), failureThreshold: Math.ceil(startupTimeout / 5) },
        readinessProbe: httpProbe(readiness, 'http', { periodSeconds: 5, failureThreshold: 2 }),
        livenessProbe: httpProbe(props.probes.liveness, 'http', { periodSeconds: 15, failureThreshold: 4, timeoutSeconds: 5 }),
      },
    });

    this.deployment = kube(this, 'Deployment', k8s.KubeDeployment, {
      metadata: { name: this.name, labels, annotations: props.objectAnnotations ? { ...props.objectAnnotations } : undefined },
      spec: {
        replicas,
        revisionHistoryLimit: 5,
        selector: { matchLabels: selector },
        strategy: props.recreate ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromString('25%') } },
        template,
      },
    });

    // The native sleep action (Kubernetes 1.30+) needs no `sleep` binary in the image; the 1.28
    // typed props predate it, so it is added as a patch.
    this.deployment.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/lifecycle', { preStop: { sleep: { seconds: PRESTOP_SLEEP_SECONDS } } }));

    this.service = kube(this, 'Service', k8s.KubeService, {
      metadata: { name: this.name, labels },
      spec: {
        type: 'ClusterIP',
        selector,
        ports: ports.map((p) => ({
          name: p.name,
          port: p.containerPort,
          targetPort: k8s.IntOrString.fromString(p.name),
          protocol: 'TCP',
          appProtocol: p.name === 'http' ? (props.appProtocol ?? 'http') : 'http',
        })),
      },
    });

    addDisruptionBudget(this, props.identity, minReplicas);

    if (props.autoscaling) {
      kube(this, 'Autoscaler', k8s.KubeHorizontalPodAutoscalerV2, {
        metadata: { name: this.name, labels },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
          minReplicas: props.autoscaling.minReplicas,
          maxReplicas: props.autoscaling.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: props.autoscaling.cpuUtilization } } }],
        },
      });
    }
  }
}
