// A JSON patch whose path is not in the object: it fails when the chart renders, after the hook returned.
import { ApiObject, Chart, JsonPatch } from 'cdk8s';

export default function (chart: Chart): void {
  const api = chart.node.findAll().find((c): c is ApiObject => c instanceof ApiObject && c.kind === 'Deployment' && c.name === 'ledger-api');
  api?.addJsonPatch(JsonPatch.add('/spec/template/spec/sidecars/0/name', 'proxy'));
}
