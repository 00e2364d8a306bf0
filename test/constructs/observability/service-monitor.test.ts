import { ServiceMonitor } from '../../../src/constructs/observability/service-monitor';
import { validateSchema } from '../../../src/check/schema';
import { find, synthConstruct } from '../../helpers';

const identity = { service: 'demo', component: 'api' };

describe('ServiceMonitor', () => {
  const minimal = synthConstruct((c) => new ServiceMonitor(c, 'monitor', { identity }));
  const full = synthConstruct(
    (c) => new ServiceMonitor(c, 'monitor', { identity, portName: 'http', path: '/api/metrics', interval: '30s', selectorLabels: { release: 'kube-prometheus-stack' } }),
  );

  test('minimal props', () => expect(minimal).toMatchSnapshot());
  test('full props', () => expect(full).toMatchSnapshot());

  test('passes the strict schema check', () => {
    expect(validateSchema([...minimal, ...full].map((object) => ({ file: 'test', object })))).toEqual([]);
  });

  test('scrapes the named port and path of the Service selected by its immutable labels', () => {
    const sm = find(full, 'ServiceMonitor', 'demo-api');
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.spec.selector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': 'api' } });
    expect(sm.spec.endpoints).toEqual([{ port: 'http', path: '/api/metrics', interval: '30s' }]);
    expect(find(minimal, 'ServiceMonitor').spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics' }]);
  });

  test('carries the labels the Prometheus serviceMonitorSelector expects, and skips the dry run while the CRD installs', () => {
    const sm = find(full, 'ServiceMonitor', 'demo-api');
    expect(sm.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', 'app.kubernetes.io/name': 'demo', 'app.kubernetes.io/component': 'api' });
    expect(sm.metadata.annotations['argocd.argoproj.io/sync-options']).toBe('SkipDryRunOnMissingResource=true');
  });

  test('fails when interval is not a duration', () => {
    expect(() => synthConstruct((c) => new ServiceMonitor(c, 'monitor', { identity, interval: '30' }))).toThrow(
      'ServiceMonitor: interval "30" is not a duration; write it like 30s or 1m',
    );
  });
});
