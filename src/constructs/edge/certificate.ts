/**
 * A cert-manager Certificate written by berth, for when the spec asks for one explicitly rather
 * than letting cert-manager's ingress-shim derive it from the Ingress annotations. Its name is
 * the secret's name, as ingress-shim would have named it, so switching between the two keeps the
 * same object.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as cm from '../../../imports/cert-manager.io';
import { EdgeTls, ResolvedEndpoint, syncAnnotations } from './public-endpoint';

/** Props of {@link EdgeCertificate}. */
export interface EdgeCertificateProps {
  /** The Secret cert-manager writes the key pair into; also the Certificate's name. */
  readonly secretName: string;
  /** Every host the certificate covers (its DNS subject alternative names). */
  readonly dnsNames: readonly string[];
  /** The cert-manager issuer. */
  readonly issuer: string;
  /** @default 'ClusterIssuer' */
  readonly issuerKind?: 'ClusterIssuer' | 'Issuer';
  /** @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A `cert-manager.io/v1` Certificate for the edge hosts. */
export class EdgeCertificate extends Construct {
  /** The Certificate object. */
  readonly certificate: ApiObject;

  constructor(scope: Construct, id: string, props: EdgeCertificateProps) {
    super(scope, id);
    if (props.dnsNames.length === 0) throw new Error(`EdgeCertificate: dnsNames is empty; list the hosts of the Ingress or Gateway listener`);
    this.certificate = new cm.Certificate(this, 'Resource', {
      metadata: {
        name: props.secretName,
        labels: props.labels ? { ...props.labels } : undefined,
        annotations: syncAnnotations('Certificate', true),
      },
      spec: {
        secretName: props.secretName,
        dnsNames: [...props.dnsNames],
        issuerRef: { group: 'cert-manager.io', kind: props.issuerKind ?? 'ClusterIssuer', name: props.issuer },
      },
    });
  }
}

/**
 * The endpoint's Certificate when its TLS asks for an explicit one (every profile writes it the
 * same way), else undefined: ingress-shim or the platform's listener provides the certificate.
 */
export function endpointCertificate(scope: Construct, ep: ResolvedEndpoint, tls: EdgeTls | undefined): EdgeCertificate | undefined {
  if (!tls?.certificateIssuer) return undefined;
  return new EdgeCertificate(scope, 'Certificate', {
    secretName: ep.tlsSecretName,
    dnsNames: ep.hosts,
    issuer: tls.certificateIssuer.name,
    issuerKind: tls.certificateIssuer.kind,
    labels: ep.labels,
  });
}
