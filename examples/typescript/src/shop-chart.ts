/**
 * The `shop` service, written in TypeScript with berth's constructs: a web API, a background
 * worker and a nightly retention prune, their database URL from a secret store (an
 * ExternalSecret, delivered as a file), and NetworkPolicies that deny everything else.
 */
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { ExternalSecretSource, NetworkPeer, NetworkPolicies, NetworkPort, RetentionPrune, SecretFiles, ServiceMonitor, WebService, Worker } from 'berth';

/** Props of {@link ShopChart}. */
export interface ShopChartProps {
  /** The image of the API and the worker, pinned by tag or digest. */
  readonly image: string;
  /** Replicas of the API. @default 2 */
  readonly replicas?: number;
}

/** Everything the shop service runs, in its own namespace. */
export class ShopChart extends Chart {
  constructor(scope: Construct, id: string, props: ShopChartProps) {
    super(scope, id, { namespace: 'shop', disableResourceNameHashes: true });
    const service = 'shop';
    // Every pod: the service's ServiceAccount (berth mounts no token), a non-root uid.
    const pod = { serviceAccountName: 'default', security: { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 } };
    const resources = { cpu: '100m', memory: '256Mi' };

    const source = new ExternalSecretSource(this, 'secrets', {
      name: 'shop-secrets',
      secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' },
      items: [{ name: 'DATABASE_URL', remoteKey: 'shop/database', property: 'url' }],
    });
    // DATABASE_URL_FILE=/run/secrets/database_url in every process that uses it; a new checksum rolls them.
    const files = new SecretFiles(this, 'secret-files', {
      secretName: source.secretName,
      items: [{ name: 'DATABASE_URL' }],
      processes: ['api', 'worker', 'prune'],
      version: source.checksum,
    });
    const secretsOf = (process: string) => [files.contributions.get(process)!];

    const api = new WebService(this, 'api', {
      ...pod,
      identity: { service, component: 'api' },
      container: { image: props.image, command: ['gunicorn', 'shop.main:app', '--bind', '0.0.0.0:8000'], resources },
      contributions: secretsOf('api'),
      port: 8000,
      metricsPort: 9100,
      replicas: props.replicas ?? 2,
      probes: { liveness: '/healthz', readiness: '/readyz' },
    });
    new ServiceMonitor(this, 'monitor', { identity: { service, component: 'api' }, portName: api.metricsPortName, selectorLabels: { release: 'kube-prometheus-stack' } });
    new Worker(this, 'worker', {
      ...pod,
      identity: { service, component: 'worker' },
      container: { image: props.image, command: ['arq', 'shop.worker.Settings'], resources },
      contributions: secretsOf('worker'),
    });
    new RetentionPrune(this, 'prune', { ...pod, identity: { service, component: 'prune' }, tables: ['events', 'audit.sessions'], days: 30, contributions: secretsOf('prune') });

    new NetworkPolicies(this, 'network', {
      service,
      ingress: {
        api: [
          { peers: [NetworkPeer.pods('traefik', { 'app.kubernetes.io/name': 'traefik' })], ports: [NetworkPort.tcp(8000)] },
          { peers: [NetworkPeer.pods('monitoring', { 'app.kubernetes.io/name': 'prometheus' })], ports: [NetworkPort.tcp(9100)] },
        ],
      },
      egress: [{ name: 'postgres', processes: ['api', 'worker', 'prune'], to: [NetworkPeer.pods('databases', { 'cnpg.io/cluster': 'shop' })], ports: [NetworkPort.tcp(5432)], secrets: ['DATABASE_URL'] }],
    });
  }
}
