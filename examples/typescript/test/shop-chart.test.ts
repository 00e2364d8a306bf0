/**
 * The shop chart, as cdk8s users test charts: one snapshot of everything it writes, and targeted
 * assertions on what matters (a snapshot alone proves nothing), plus berth's checks.
 */
import { Testing } from 'cdk8s';
import { checkManifests, formatFindings } from 'berth';
import { ShopChart } from '../src/shop-chart';

const objects = Testing.synth(new ShopChart(Testing.app(), 'shop', { image: 'registry.example.com/shop:1.8.0' }));
const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);

test('snapshot', () => {
  expect(objects).toMatchSnapshot();
});

test('the API selects its pods by stable labels, never by a construct path', () => {
  expect(find('Deployment', 'shop-api').spec.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/component': 'api' });
  expect(find('Service', 'shop-api').spec.ports.map((p: { name: string; port: number }) => `${p.name}:${p.port}`)).toEqual(['http:8000', 'metrics:9100']);
});

test('the database URL is a file from the ExternalSecret, never a value in the manifest', () => {
  expect(find('ExternalSecret', 'shop-secrets').spec.data).toEqual([{ secretKey: 'database_url', remoteRef: { key: 'shop/database', property: 'url' } }]);
  for (const [kind, name] of [['Deployment', 'shop-api'], ['Deployment', 'shop-worker']]) {
    const container = find(kind, name).spec.template.spec.containers[0];
    expect(container.env).toContainEqual({ name: 'DATABASE_URL_FILE', value: '/run/secrets/database_url' });
  }
  expect(find('CronJob', 'shop-prune').spec.jobTemplate.spec.template.spec.containers[0].env).toContainEqual({ name: 'PRUNE_DAYS', value: '30' });
});

test('everything is denied but the paths the policies open', () => {
  expect(find('NetworkPolicy', 'shop-default-deny').spec).toEqual({
    podSelector: { matchLabels: { 'app.kubernetes.io/name': 'shop' } },
    policyTypes: ['Ingress', 'Egress'],
  });
  expect(find('NetworkPolicy', 'shop-to-postgres').spec.egress[0].ports).toEqual([{ port: 5432, protocol: 'TCP' }]);
});

test("passes berth's checks as production manifests", () => {
  expect(formatFindings(checkManifests(objects), 'text')).toBe(formatFindings([], 'text'));
});

test('fails when the image is not pinned', () => {
  expect(() => new ShopChart(Testing.app(), 'shop', { image: 'registry.example.com/shop:latest' })).toThrow(
    'shop/api: container.image "registry.example.com/shop:latest" must not use the "latest" tag: pin a version so a sync is reproducible',
  );
});
