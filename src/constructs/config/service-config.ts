/**
 * Non-secret configuration as a ConfigMap, loaded with `envFrom`, plus a content checksum on
 * every pod template that uses it: a config change changes the template, so the pods roll.
 */
import { CONFIG_CHECKSUM_ANNOTATION } from '../../util/annotations';
import { createHash } from 'crypto';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../k8s';
import { kube } from '../resource';
import { PodContribution } from '../workloads/pod';

/** Props of {@link ServiceConfig}. */
export interface ServiceConfigProps {
  /** The ConfigMap's name, e.g. `rag-config`. */
  readonly name: string;
  /** Labels of the ConfigMap. */
  readonly labels: Readonly<Record<string, string>>;
  /** The env vars every consuming process gets (`envFrom`). */
  readonly data: Readonly<Record<string, string>>;
}


/** A ConfigMap and the pod contribution that loads it. */
export class ServiceConfig extends Construct {
  readonly configMap: ApiObject;
  readonly checksum: string;
  readonly contribution: PodContribution;

  constructor(scope: Construct, id: string, props: ServiceConfigProps) {
    super(scope, id);
    const data = Object.fromEntries(Object.entries(props.data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    this.checksum = createHash('sha256').update(JSON.stringify(data)).digest('hex').slice(0, 16);
    this.configMap = kube(this, 'ConfigMap', k8s.KubeConfigMap, { metadata: { name: props.name, labels: { ...props.labels } }, data });
    this.contribution = { envFromConfigMaps: [props.name], annotations: { [CONFIG_CHECKSUM_ANNOTATION]: this.checksum } };
  }
}
