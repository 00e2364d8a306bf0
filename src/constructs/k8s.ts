/**
 * The Kubernetes API as berth's constructs declare it (`import * as k8s from './k8s'`): the typed
 * props of cdk8s-plus-28's L1 classes, as types only, and at run time only what `kube()` needs of a
 * class, its group/version/kind, plus the two union values the props hold (Quantity, IntOrString).
 *
 * berth renders typed props itself, in one pass (`kube()` in resource.ts), so it never constructs
 * the typed classes and never loads their module: 2.7 MB of generated classes and converters that
 * took a tenth of a synth's start-up to load for a dozen GVK constants. The classes themselves are
 * in kplus.ts, where test/constructs/resource.test.ts renders every object of the reference systems
 * with them too and checks that both agree, group/version/kind included.
 */
import type { GroupVersionKind } from 'cdk8s';
import type * as typed from 'cdk8s-plus-28/lib/imports/k8s';

export type * from 'cdk8s-plus-28/lib/imports/k8s';

/** A kind `kube()` can declare: its group/version/kind, and (as a type) its props. */
export interface KubeKind<P> {
  /** Its apiVersion and kind. */
  readonly GVK: GroupVersionKind;
  /** Type only: the props of the kind. @default - never set at run time */
  readonly props?: P;
}

function kind<P>(apiVersion: string, kindName: string): KubeKind<P> {
  return { GVK: { apiVersion, kind: kindName } };
}

/* The kinds berth declares with kube(), named like their typed classes. */
export const KubeConfigMap = kind<typed.KubeConfigMapProps>('v1', 'ConfigMap');
export const KubeCronJob = kind<typed.KubeCronJobProps>('batch/v1', 'CronJob');
export const KubeDeployment = kind<typed.KubeDeploymentProps>('apps/v1', 'Deployment');
export const KubeHorizontalPodAutoscalerV2 = kind<typed.KubeHorizontalPodAutoscalerV2Props>('autoscaling/v2', 'HorizontalPodAutoscaler');
export const KubeIngress = kind<typed.KubeIngressProps>('networking.k8s.io/v1', 'Ingress');
export const KubeJob = kind<typed.KubeJobProps>('batch/v1', 'Job');
export const KubeNamespace = kind<typed.KubeNamespaceProps>('v1', 'Namespace');
export const KubeNetworkPolicy = kind<typed.KubeNetworkPolicyProps>('networking.k8s.io/v1', 'NetworkPolicy');
export const KubePersistentVolumeClaim = kind<typed.KubePersistentVolumeClaimProps>('v1', 'PersistentVolumeClaim');
export const KubePodDisruptionBudget = kind<typed.KubePodDisruptionBudgetProps>('policy/v1', 'PodDisruptionBudget');
export const KubeService = kind<typed.KubeServiceProps>('v1', 'Service');
export const KubeServiceAccount = kind<typed.KubeServiceAccountProps>('v1', 'ServiceAccount');

/** A quantity (`1Gi`, `500m`) as the typed props hold it; `kube()` renders its value. */
export class Quantity {
  static fromString(value: string): Quantity {
    return new Quantity(value);
  }

  static fromNumber(value: number): Quantity {
    return new Quantity(value);
  }

  private constructor(readonly value: string | number) {}
}

/** A port or percentage that may be a number or a name (`8000`, `http`, `25%`). */
export class IntOrString {
  static fromString(value: string): IntOrString {
    return new IntOrString(value);
  }

  static fromNumber(value: number): IntOrString {
    return new IntOrString(value);
  }

  private constructor(readonly value: string | number) {}
}
