/**
 * The public entrance on Traefik v3 (Kubernetes Ingress provider), with `traefik.io/v1alpha1`
 * Middlewares attached through `traefik.ingress.kubernetes.io/router.middlewares`:
 *
 * - `<name>`: the public routers on the HTTPS entry point (`router.tls: "true"`), with an HSTS
 *   `headers` Middleware and a `buffering` Middleware that caps the request body.
 * - `<name>-internal`: routers for the internal paths with an `ipAllowList` that admits loopback
 *   only (Traefik answers 403), and `router.priority` above any default priority. Traefik orders
 *   routers by priority, which defaults to the length of the rule, not by path specificity.
 * - `<name>-http`: a router on the plain-HTTP entry point whose `redirectScheme` Middleware sends
 *   every request to HTTPS.
 *
 * Timeouts are not per router in Traefik: they live on the entry point
 * (`transport.respondingTimeouts`), which docs/edge.md says how to set for WebSockets, SSE and
 * uploads.
 */
import { DEFAULT_HSTS_MAX_AGE_SECONDS } from '../../util/hsts';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as traefik from '../../../imports/traefik.io';
import * as k8s from '../k8s';
import { kube } from '../resource';
import { EdgeCertificate, endpointCertificate } from './certificate';
import { ingressPair, ingressRules } from './ingress-rules';
import { EdgeTls, PublicEndpointProps, resolveEndpoint, routeAnnotations, syncAnnotations } from './public-endpoint';

const ROUTER = 'traefik.ingress.kubernetes.io/router';

/**
 * `router.priority` of the blocking routers. A default priority is the rule's length, e.g.
 * ``Host(`rag.example.com`) && PathPrefix(`/`)`` is 44; a host name is at most 253 characters,
 * so no default rule comes near this value.
 */
export const TRAEFIK_BLOCK_PRIORITY = 100000;

/** The only source the blocking `ipAllowList` admits: loopback, which no client connects from. */
const TRAEFIK_BLOCK_SOURCE_RANGE: readonly string[] = ['127.0.0.1/32'];

/** Props of {@link TraefikIngress}. */
export interface TraefikIngressProps extends PublicEndpointProps {
  /** The namespace of the objects: Middleware references are `<namespace>-<name>@kubernetescrd`. */
  readonly namespace: string;
  /** The IngressClass of the Traefik controller. */
  readonly className: string;
  /** Where the certificate comes from. @default - no cert-manager: the `<name>-tls` Secret must exist */
  readonly tls?: EdgeTls;
  /** Largest request body, `buffering.maxRequestBodyBytes`. @default 1 */
  readonly maxBodyMiB?: number;
  /**
   * Server-sent events. The `buffering` Middleware also buffers whole responses, which holds SSE
   * back, and the `disableResponseBuffer` switch is newer than the Traefik 3.7 CRD; so a streaming
   * service gets no body-size limit at the edge (the app must enforce its own).
   * @default false
   */
  readonly streaming?: boolean;
  /** HSTS `max-age`; 0 sends no Strict-Transport-Security header. @default DEFAULT_HSTS_MAX_AGE_SECONDS (a year) */
  readonly hstsMaxAgeSeconds?: number;
  /** The HTTPS entry point. @default 'websecure' */
  readonly entryPoint?: string;
  /** The plain-HTTP entry point, redirected to HTTPS. @default 'web' */
  readonly httpEntryPoint?: string;
}

/** The Ingresses and Middlewares of a service on Traefik. */
export class TraefikIngress extends Construct {
  /** The public Ingress, `<name>`. */
  readonly ingress: ApiObject;
  /** The Ingress that blocks the internal paths, `<name>-internal`, when there are any. */
  readonly internalIngress?: ApiObject;
  /** The plain-HTTP Ingress that redirects to HTTPS, `<name>-http`. */
  readonly redirectIngress: ApiObject;
  /** Every Middleware, by name. */
  readonly middlewares: ReadonlyMap<string, ApiObject>;
  /** The explicit Certificate, when `tls` asks for one. */
  readonly certificate?: EdgeCertificate;

  constructor(scope: Construct, id: string, props: TraefikIngressProps) {
    super(scope, id);
    const ep = resolveEndpoint('TraefikIngress', props);
    if (!props.className) throw new Error('TraefikIngress: className is empty; name the IngressClass of the Traefik controller, e.g. traefik');
    if (!props.namespace) throw new Error('TraefikIngress: namespace is empty; Middleware references need the namespace of the Ingress');
    const maxBodyMiB = props.maxBodyMiB ?? 1;
    const hsts = props.hstsMaxAgeSeconds ?? DEFAULT_HSTS_MAX_AGE_SECONDS;
    if (!Number.isInteger(maxBodyMiB) || maxBodyMiB < 1) throw new Error(`TraefikIngress: maxBodyMiB is ${maxBodyMiB}; use a whole number of MiB, at least 1`);
    if (!Number.isInteger(hsts) || hsts < 0) throw new Error(`TraefikIngress: hstsMaxAgeSeconds is ${hsts}; use a whole number of seconds (0 turns HSTS off)`);
    const entryPoint = props.entryPoint ?? 'websecure';
    const httpEntryPoint = props.httpEntryPoint ?? 'web';

    const middlewares = new Map<string, ApiObject>();
    const middleware = (suffix: string, spec: traefik.MiddlewareSpec): string => {
      const name = `${ep.name}-${suffix}`;
      middlewares.set(
        name,
        new traefik.Middleware(this, `Middleware-${suffix}`, {
          metadata: { name, labels: { ...ep.labels }, annotations: syncAnnotations('Middleware', true) },
          spec,
        }),
      );
      return `${props.namespace}-${name}@kubernetescrd`;
    };
    const headers = hsts > 0 ? [middleware('headers', { headers: { stsSeconds: hsts, stsIncludeSubdomains: true } })] : [];
    const bodyLimit = props.streaming ? [] : [middleware('body-limit', { buffering: { maxRequestBodyBytes: maxBodyMiB * 1024 * 1024 } })];
    const redirect = middleware('redirect-https', { redirectScheme: { scheme: 'https', permanent: true } });
    const internalOnly = ep.internalPaths.length ? [middleware('internal-only', { ipAllowList: { sourceRange: [...TRAEFIK_BLOCK_SOURCE_RANGE] } })] : [];
    this.middlewares = middlewares;

    const https = (chain: readonly string[]) => ({
      [`${ROUTER}.entrypoints`]: entryPoint,
      [`${ROUTER}.tls`]: 'true',
      ...(chain.length ? { [`${ROUTER}.middlewares`]: chain.join(',') } : {}),
    });

    ({ ingress: this.ingress, internalIngress: this.internalIngress } = ingressPair(this, ep, props.className, props.tls, {
      public: https([...headers, ...bodyLimit]),
      block: { ...https([...internalOnly, ...headers]), [`${ROUTER}.priority`]: String(TRAEFIK_BLOCK_PRIORITY) },
    }));

    // Every plain-HTTP request is redirected, whatever its path; the backend is never reached.
    this.redirectIngress = kube(this, 'Redirect', k8s.KubeIngress, {
      metadata: {
        name: `${ep.name}-http`,
        labels: { ...ep.labels },
        annotations: {
          ...syncAnnotations('Ingress', false),
          ...routeAnnotations('redirect', ep.internalPaths),
          [`${ROUTER}.entrypoints`]: httpEntryPoint,
          [`${ROUTER}.middlewares`]: redirect,
        },
      },
      spec: { ingressClassName: props.className, rules: ingressRules(ep.hosts, [{ path: '/', backend: ep.routes[0].backend }]) },
    });

    this.certificate = endpointCertificate(this, ep, props.tls);
  }
}
