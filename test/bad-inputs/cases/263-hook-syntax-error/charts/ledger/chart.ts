import { ApiObject, Chart } from 'cdk8s';

export default function (chart: Chart): void {
  new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', data: { A: '1' } };
}
