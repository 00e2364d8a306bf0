import { EdgeCertificate } from '../../../src/constructs/edge/certificate';
import { EdgeTls, normalizePrefix, prefixCovers, shadowedBackend } from '../../../src/constructs/edge/public-endpoint';
import { validateSchema } from '../../../src/check/schema';
import { find, synthConstruct } from '../../helpers';

describe('EdgeCertificate', () => {
  const minimal = synthConstruct((c) => new EdgeCertificate(c, 'cert', { secretName: 'demo-tls', dnsNames: ['demo.example.com'], issuer: 'letsencrypt-prod' }));
  const full = synthConstruct(
    (c) =>
      new EdgeCertificate(c, 'cert', {
        secretName: 'demo-tls',
        dnsNames: ['demo.example.com', '*.demo.example.com'],
        issuer: 'internal-ca',
        issuerKind: 'Issuer',
        labels: { 'app.kubernetes.io/name': 'demo' },
      }),
  );

  test('minimal props', () => expect(minimal).toMatchSnapshot());
  test('full props', () => expect(full).toMatchSnapshot());

  test('passes the strict schema check, named like its secret, skips the dry run while the CRD installs', () => {
    expect(validateSchema([...minimal, ...full].map((object) => ({ file: 'test', object })))).toEqual([]);
    const cert = find(full, 'Certificate', 'demo-tls');
    expect(cert.apiVersion).toBe('cert-manager.io/v1');
    expect(cert.metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '1', 'argocd.argoproj.io/sync-options': 'SkipDryRunOnMissingResource=true' });
    expect(cert.spec.dnsNames).toEqual(['demo.example.com', '*.demo.example.com']);
  });

  test('fails when dnsNames is empty', () => {
    expect(() => synthConstruct((c) => new EdgeCertificate(c, 'cert', { secretName: 'demo-tls', dnsNames: [], issuer: 'x' }))).toThrow(
      'EdgeCertificate: dnsNames is empty; list the hosts of the Ingress or Gateway listener',
    );
  });
});

describe('public-endpoint helpers', () => {
  test('prefixes match element by element and ignore a trailing slash', () => {
    expect(prefixCovers('/api', '/api')).toBe(true);
    expect(prefixCovers('/api', '/api/x')).toBe(true);
    expect(prefixCovers('/api', '/apix')).toBe(false);
    expect(prefixCovers('/__debug/', '/__debug')).toBe(true);
    expect(prefixCovers('/', '/anything')).toBe(true);
    expect(normalizePrefix('/metrics//')).toBe('/metrics');
    expect(normalizePrefix('/')).toBe('/');
  });

  test('a blocked path points at the backend of the longest public prefix covering it', () => {
    const routes = [
      { path: '/', backend: { service: 'web', port: 80 } },
      { path: '/api', backend: { service: 'api', port: 8000 } },
    ];
    expect(shadowedBackend('/api/metrics', routes).service).toBe('api');
    expect(shadowedBackend('/metrics', routes).service).toBe('web');
  });

  test('fails when an issuer name is empty', () => {
    expect(() => EdgeTls.clusterIssuer('')).toThrow('EdgeTls.clusterIssuer: the issuer name is empty; name the cert-manager issuer, e.g. letsencrypt-prod');
  });
});
