/**
 * explain's account of who the pods are and where they run (src/explain/pods.ts), from objects.
 */
import { explainPods } from '../../src/explain/pods';
import { SECURITY_EXCEPTION_ANNOTATION } from '../../src/util/annotations';

const account = (annotations: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'shop', annotations } });
const deployment = (spec: Record<string, unknown>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'shop-api' },
  spec: { template: { metadata: { labels: { 'app.kubernetes.io/component': 'api' } }, spec: { containers: [], ...spec } } },
});

describe('explainPods', () => {
  test('shows only workload identity annotations, the API token, projected tokens and placement', () => {
    const text = explainPods(
      [
        account({ 'argocd.argoproj.io/sync-wave': '-2', 'example.com/owner': 'shop@example.com', 'iam.gke.io/gcp-service-account': 'shop@p.iam.gserviceaccount.com' }),
        deployment({
          automountServiceAccountToken: true,
          volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { audience: 'vault', path: 'token' } }] } }],
          tolerations: [{ operator: 'Exists' }, { key: 'dedicated', operator: 'Equal', value: 'shop', effect: 'NoSchedule' }],
          priorityClassName: 'high',
        }),
      ],
      'shop',
    );
    expect(text).toBe(
      'Identity and placement of the pods of shop:\n' +
        '  service account shop: iam.gke.io/gcp-service-account: shop@p.iam.gserviceaccount.com\n' +
        '  api  API token mounted; token for vault; tolerates every taint, dedicated=shop:NoSchedule; priority high\n',
    );
  });

  test("names a pod whose root filesystem is writable, with the recorded reason", () => {
    const d = deployment({});
    const template = d.spec.template as { metadata: Record<string, unknown> };
    template.metadata.annotations = { [SECURITY_EXCEPTION_ANNOTATION]: 'the PDF renderer caches fonts beside its code' };
    expect(explainPods([account({}), d], 'shop')).toBe(
      'Identity and placement of the pods of shop:\n' +
        '  service account shop: no workload identity annotations; Kubernetes API token not mounted\n' +
        '  api  writable root filesystem: the PDF renderer caches fonts beside its code\n',
    );
  });

  test('is empty when the pods use none of it', () => {
    expect(explainPods([account({ 'argocd.argoproj.io/sync-wave': '-2' }), deployment({ automountServiceAccountToken: false })], 'shop')).toBe('');
  });
});
