/**
 * A prometheus-operator ServiceMonitor (`monitoring.coreos.com/v1`) for one web process: it
 * scrapes the named metrics port of the process's Service, selected by the same immutable labels
 * the Service selects its pods by. The labels on the ServiceMonitor itself are what the
 * Prometheus resource's `serviceMonitorSelector` matches (`release: kube-prometheus-stack` for
 * the kube-prometheus-stack chart).
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as prom from '../../../imports/monitoring.coreos.com';
import { syncAnnotations } from '../edge/public-endpoint';
import { objectName, selectorLabels, workloadLabels, WorkloadIdentity } from '../workloads/labels';
import { checkProcessProps } from '../workloads/pod';

/** Props of {@link ServiceMonitor}. */
export interface ServiceMonitorProps {
  /** The process whose Service is scraped; the ServiceMonitor is named like the Service. */
  readonly identity: WorkloadIdentity;
  /** The Service port name to scrape: `metrics` for a separate port, otherwise `http`. @default 'metrics' */
  readonly portName?: string;
  /** @default '/metrics' */
  readonly path?: string;
  /** Labels the Prometheus `serviceMonitorSelector` expects. @default - none */
  readonly selectorLabels?: Readonly<Record<string, string>>;
  /** Scrape interval, e.g. `30s`. @default - the Prometheus default */
  readonly interval?: string;
}

/** Prometheus scraping of one web process. */
export class ServiceMonitor extends Construct {
  readonly monitor: ApiObject;

  constructor(scope: Construct, id: string, props: ServiceMonitorProps) {
    super(scope, id);
    checkProcessProps(this, props);
    const path = props.path ?? '/metrics';
    if (!path.startsWith('/')) throw new Error(`ServiceMonitor: path "${path}" does not start with "/"; write it as /${path}`);
    if (props.interval !== undefined && !/^([0-9]+(ms|s|m|h))+$/.test(props.interval)) {
      throw new Error(`ServiceMonitor: interval "${props.interval}" is not a duration; write it like 30s or 1m`);
    }
    this.monitor = new prom.ServiceMonitor(this, 'Resource', {
      metadata: {
        name: objectName(props.identity),
        labels: { ...workloadLabels(props.identity), ...(props.selectorLabels ?? {}) },
        annotations: syncAnnotations('ServiceMonitor', true),
      },
      spec: {
        selector: { matchLabels: selectorLabels(props.identity) },
        endpoints: [{ port: props.portName ?? 'metrics', path, interval: props.interval }],
      },
    });
  }
}
