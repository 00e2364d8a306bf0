/**
 * The public entrance on ingress-nginx: one Ingress for the public paths, with TLS from
 * cert-manager and the per-Ingress proxy settings, and a second Ingress `<name>-internal` for the
 * internal paths whose source-range annotations admit no client, so ingress-nginx answers 403
 * before proxying. No snippets: they are off by default since ingress-nginx v1.9.
 *
 * HSTS is not a per-Ingress setting in ingress-nginx: the controller adds
 * `Strict-Transport-Security` on every TLS server from its ConfigMap (`hsts`, `hsts-max-age`,
 * `hsts-include-subdomains`); docs/edge.md says what the cluster must set.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { EdgeCertificate, endpointCertificate } from './certificate';
import { ingressPair } from './ingress-rules';
import { EdgeTls, PublicEndpointProps, resolveEndpoint } from './public-endpoint';

const NGINX = 'nginx.ingress.kubernetes.io';

/**
 * The source ranges of the blocking Ingress. `allowlist-source-range` is the current name;
 * ingress-nginx reads `whitelist-source-range` as its alias, and releases before the rename read
 * only that one, so both are written. The allowlist admits loopback only, which no client reaches
 * the controller from; `denylist-source-range` refuses every address, so even a client that
 * forges `X-Forwarded-For` on a controller configured to trust it is refused.
 */
const NGINX_BLOCK_ANNOTATIONS: Readonly<Record<string, string>> = {
  [`${NGINX}/allowlist-source-range`]: '127.0.0.1/32',
  [`${NGINX}/whitelist-source-range`]: '127.0.0.1/32',
  [`${NGINX}/denylist-source-range`]: '0.0.0.0/0,::/0',
};

/** Props of {@link NginxIngress}. */
export interface NginxIngressProps extends PublicEndpointProps {
  /** The IngressClass of the ingress-nginx controller. */
  readonly className: string;
  /** Where the certificate comes from. @default - no cert-manager: the `<name>-tls` Secret must exist */
  readonly tls?: EdgeTls;
  /** Largest request body, `proxy-body-size`. @default 1 */
  readonly maxBodyMiB?: number;
  /** `proxy-read-timeout` and `proxy-send-timeout`: the longest silence on an open request, WebSocket or stream. @default 60 */
  readonly timeoutSeconds?: number;
  /** Server-sent events: `proxy-buffering: "off"` so events reach the client as they are written. @default false */
  readonly streaming?: boolean;
}

/** The Ingress objects of a service on ingress-nginx. */
export class NginxIngress extends Construct {
  /** The public Ingress, `<name>`. */
  readonly ingress: ApiObject;
  /** The Ingress that blocks the internal paths, `<name>-internal`, when there are any. */
  readonly internalIngress?: ApiObject;
  /** The explicit Certificate, when `tls` asks for one. */
  readonly certificate?: EdgeCertificate;

  constructor(scope: Construct, id: string, props: NginxIngressProps) {
    super(scope, id);
    const ep = resolveEndpoint('NginxIngress', props);
    if (!props.className) throw new Error('NginxIngress: className is empty; name the IngressClass of the ingress-nginx controller, e.g. nginx');
    const maxBodyMiB = props.maxBodyMiB ?? 1;
    const timeoutSeconds = props.timeoutSeconds ?? 60;
    if (!Number.isInteger(maxBodyMiB) || maxBodyMiB < 1) throw new Error(`NginxIngress: maxBodyMiB is ${maxBodyMiB}; use a whole number of MiB, at least 1`);
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1) throw new Error(`NginxIngress: timeoutSeconds is ${timeoutSeconds}; use a whole number of seconds, at least 1`);

    ({ ingress: this.ingress, internalIngress: this.internalIngress } = ingressPair(this, ep, props.className, props.tls, {
      public: {
        [`${NGINX}/ssl-redirect`]: 'true',
        [`${NGINX}/proxy-body-size`]: `${maxBodyMiB}m`,
        [`${NGINX}/proxy-read-timeout`]: String(timeoutSeconds),
        [`${NGINX}/proxy-send-timeout`]: String(timeoutSeconds),
        ...(props.streaming ? { [`${NGINX}/proxy-buffering`]: 'off' } : {}),
      },
      block: { [`${NGINX}/ssl-redirect`]: 'true', ...NGINX_BLOCK_ANNOTATIONS },
    }));

    this.certificate = endpointCertificate(this, ep, props.tls);
  }
}
