// The hook writes a Secret with its value into dist/ (and so into Git).
import { ApiObject, Chart } from 'cdk8s';

export default function (chart: Chart): void {
  new ApiObject(chart, 'webhook-secret', {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'ledger-webhook' },
    stringData: { WEBHOOK_SIGNING_SECRET: 'whsec_9f8e7d6c5b4a39281706f5e4d3c2b1a0' },
  });
}
