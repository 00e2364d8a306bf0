// A debugging Pod added by the hook: restricted in every way but one, it asks to run privileged.
import type { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-28/lib/imports/k8s';

export default function (chart: Chart): void {
  new k8s.KubePod(chart, 'debug', {
    metadata: { name: 'ledger-debug' },
    spec: {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'debug',
          image: 'registry.example.com/debug-tools:1.4.2',
          resources: { limits: { memory: k8s.Quantity.fromString('64Mi') } },
          securityContext: { privileged: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  });
}
