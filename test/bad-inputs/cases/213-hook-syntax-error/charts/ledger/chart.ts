import { ApiObject } from 'cdk8s';
import type { ServiceChart } from 'berth';

export default function (chart: ServiceChart): void {
  new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', data: { A: '1' } };
}
