/**
 * The public entrance on the Gateway API: an HTTPRoute (`gateway.networking.k8s.io/v1`) attached
 * to a Gateway the platform runs, and a second HTTPRoute `<name>-internal` whose rules match the
 * internal paths and forward nowhere.
 *
 * Across every rule of every route attached to a listener, the Gateway API gives precedence to an
 * `Exact` match, then to the `PathPrefix` with the most characters; so `PathPrefix /metrics`
 * beats `PathPrefix /`. A rule with no backendRefs and no filters must answer 500 (conformance test
 * `HTTPRouteNoBackendRefs`, Gateway API v1.6): the request never reaches the app.
 *
 * TLS terminates on the Gateway's listener, which this construct does not own: the platform
 * provides the HTTPS listener (its certificate, and the HTTP → HTTPS redirect on the plain
 * listener); see docs/edge.md.
 */
import { DEFAULT_HSTS_MAX_AGE_SECONDS } from '../../util/hsts';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as gw from '../../../imports/gateway.networking.k8s.io';
import { EdgeCertificate, endpointCertificate } from './certificate';
import { EdgeBackend, EdgeTls, normalizePrefix, PublicEndpointProps, resolveEndpoint, routeAnnotations, syncAnnotations } from './public-endpoint';

/** The Gateway (and listener) the routes attach to. */
export interface GatewayParent {
  /** The Gateway's name. */
  readonly name: string;
  /** The Gateway's namespace. */
  readonly namespace: string;
  /** The HTTPS listener. @default - every listener of the Gateway, plain HTTP included */
  readonly sectionName?: string;
}

/** Props of {@link GatewayRoute}. */
export interface GatewayRouteProps extends PublicEndpointProps {
  /** The Gateway (and listener) the routes attach to. */
  readonly gateway: GatewayParent;
  /**
   * HSTS `max-age`, sent through a `ResponseHeaderModifier` filter (Extended support); 0 adds no
   * filter.
   * @default DEFAULT_HSTS_MAX_AGE_SECONDS (a year)
   */
  readonly hstsMaxAgeSeconds?: number;
  /**
   * Only an explicit Certificate is written (`EdgeTls.certificate`), for the platform to reference
   * from its listener; the issuer factories have no Ingress to annotate and are ignored.
   * @default - no Certificate: the listener's certificate is the platform's
   */
  readonly tls?: EdgeTls;
}

/** The HTTPRoutes of a service on a Gateway API implementation. */
export class GatewayRoute extends Construct {
  /** The public HTTPRoute, `<name>`. */
  readonly route: ApiObject;
  /** The HTTPRoute that blocks the internal paths, `<name>-internal`, when there are any. */
  readonly internalRoute?: ApiObject;
  /** The explicit Certificate, when `tls` asks for one. */
  readonly certificate?: EdgeCertificate;

  constructor(scope: Construct, id: string, props: GatewayRouteProps) {
    super(scope, id);
    const ep = resolveEndpoint('GatewayRoute', props);
    if (!props.gateway.name || !props.gateway.namespace) {
      throw new Error('GatewayRoute: gateway needs name and namespace; name the Gateway the platform runs, e.g. { name: public, namespace: gateway }');
    }
    const hsts = props.hstsMaxAgeSeconds ?? DEFAULT_HSTS_MAX_AGE_SECONDS;
    if (!Number.isInteger(hsts) || hsts < 0) throw new Error(`GatewayRoute: hstsMaxAgeSeconds is ${hsts}; use a whole number of seconds (0 turns HSTS off)`);

    const parentRefs: gw.HttpRouteSpecParentRefs[] = [
      { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: props.gateway.name, namespace: props.gateway.namespace, sectionName: props.gateway.sectionName },
    ];
    const filters: gw.HttpRouteSpecRulesFilters[] = hsts > 0
      ? [{ type: gw.HttpRouteSpecRulesFiltersType.RESPONSE_HEADER_MODIFIER, responseHeaderModifier: { set: [{ name: 'Strict-Transport-Security', value: `max-age=${hsts}; includeSubDomains` }] } }]
      : [];

    // One rule per backend, its paths as matches, in the order the routes were given.
    const byBackend = new Map<string, { backend: EdgeBackend; paths: string[] }>();
    for (const r of ep.routes) {
      const key = `${r.backend.service}:${r.backend.port}`;
      const entry = byBackend.get(key) ?? { backend: r.backend, paths: [] };
      entry.paths.push(r.path);
      byBackend.set(key, entry);
    }
    this.route = new gw.HttpRoute(this, 'Public', {
      metadata: {
        name: ep.name,
        labels: { ...ep.labels },
        annotations: { ...syncAnnotations('HTTPRoute', true), ...routeAnnotations('public', ep.internalPaths) },
      },
      spec: {
        parentRefs,
        hostnames: [...ep.hosts],
        rules: [...byBackend.values()].map(({ backend, paths }) => ({
          matches: paths.map((p) => ({ path: { type: gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: normalizePrefix(p) } })),
          filters: filters.length ? filters : undefined,
          backendRefs: [{ kind: 'Service', name: backend.service, port: backend.port }],
        })),
      },
    });

    if (ep.internalPaths.length) {
      this.internalRoute = new gw.HttpRoute(this, 'Internal', {
        metadata: {
          name: ep.internalRouteName,
          labels: { ...ep.labels },
          annotations: { ...syncAnnotations('HTTPRoute', true), ...routeAnnotations('block', ep.internalPaths) },
        },
        spec: {
          parentRefs,
          hostnames: [...ep.hosts],
          // No backendRefs and no filters: the implementation answers 500 and forwards nothing.
          rules: [{ matches: ep.internalPaths.map((p) => ({ path: { type: gw.HttpRouteSpecRulesMatchesPathType.PATH_PREFIX, value: p } })) }],
        },
      });
    }

    this.certificate = endpointCertificate(this, ep, props.tls);
  }
}
