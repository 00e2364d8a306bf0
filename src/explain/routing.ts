/**
 * Which route answers a request at the edge? A small model of how each controller profile picks
 * a route for (host, path) from synthesized objects, so tests and `berth explain` can show that
 * `/` reaches the app and `/metrics` does not, without a cluster.
 *
 * - `nginx` (ingress-nginx, Kubernetes Ingress semantics): per host, an `Exact` path wins, then
 *   the longest `Prefix`, matched element by element (`/api` matches `/api/x`, not `/apix`); a
 *   trailing `/` is ignored. The winning path's Ingress then applies its source ranges
 *   (`denylist-source-range`, then `allowlist-source-range` or its alias
 *   `whitelist-source-range`): a client outside them gets 403.
 * - `traefik` (Traefik v3 Kubernetes Ingress provider): every path of every Ingress on the HTTPS
 *   entry point is a router; `Prefix` becomes ``PathPrefix(`/api`)``, a plain string prefix
 *   (`/apix` matches too), `Exact` becomes ``Path(`/api`)``. The router with the highest
 *   priority whose rule matches wins; the priority is `router.priority` or, by default, the
 *   length of the rule. A router whose Middleware does not exist is disabled. An `ipAllowList`
 *   that does not admit the client answers 403.
 * - `gateway` (Gateway API HTTPRoute): across all rules of all routes, an `Exact` match wins, then
 *   the `PathPrefix` with the most characters (element-wise); ties go to the older route (then
 *   `namespace/name` order), then to the first rule. A rule with no backendRefs (or only
 *   zero-weight ones) answers 500: the request is blocked.
 *
 * The request comes from a public client (`203.0.113.10`, a documentation address), over HTTPS
 * unless asked otherwise. Headers, methods and query parameters are not modelled: a match that
 * needs them does not match.
 */

import type { EdgeProfile } from '../spec/schema';
import { ipBlockContains } from './reachability';

// Kubernetes objects are open-ended JSON; the model reads them defensively.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

/** How a controller profile chooses between routes: one model per edge profile. */
export type RoutingModel = EdgeProfile;

/** The client address the model assumes: a public address (TEST-NET-3, RFC 5737). */
const PUBLIC_CLIENT_IP = '203.0.113.10';

/** One request at the edge. */
export interface RouteRequest {
  /** The Host header, e.g. `rag.example.com`. */
  readonly host: string;
  /** The request path, e.g. `/api/chat`. */
  readonly path: string;
  /** The client address the controller sees. @default PUBLIC_CLIENT_IP */
  readonly clientIp?: string;
}

/** What happens to the request. */
export interface RouteDecision {
  /**
   * `service:port` (the port by name when the Service is among the objects), `blocked` (the edge
   * answers 403 or 500 and forwards nothing), `redirected` (the edge answers a redirect) or
   * `none` (no route matches: 404).
   */
  readonly routed: `${string}:${string}` | 'blocked' | 'redirected' | 'none';
  /** `Kind/namespace/name` of the object whose route decided. */
  readonly by?: string;
  /** Why, in a sentence. */
  readonly reason: string;
}

/** Options of {@link routeRequest}. */
export interface RouteOptions {
  /** @default - inferred from the objects: HTTPRoutes → gateway, Traefik annotations or class → traefik, other Ingresses → nginx */
  readonly model?: RoutingModel;
  /**
   * The scheme of the request. Plain HTTP is redirected by ingress-nginx (`ssl-redirect`, on a
   * host with TLS) and by a `redirectScheme` Middleware; the Gateway model ignores it (the
   * platform's plain-HTTP listener decides).
   * @default 'https'
   */
  readonly scheme?: 'https' | 'http';
  /** Traefik: the entry point the request arrives on. @default - 'websecure' for HTTPS, 'web' for HTTP */
  readonly entryPoint?: string;
}

/** The routing model the objects were written for, or undefined when there is no route object. */
export function inferModel(objects: readonly Obj[]): RoutingModel | undefined {
  if (objects.some((o) => o?.kind === 'HTTPRoute')) return 'gateway';
  const ingresses = objects.filter((o) => o?.kind === 'Ingress');
  if (ingresses.length === 0) return undefined;
  const traefik = ingresses.some(
    (o) => o.spec?.ingressClassName === 'traefik' || Object.keys(o.metadata?.annotations ?? {}).some((k) => k.startsWith('traefik.ingress.kubernetes.io/')),
  );
  return traefik ? 'traefik' : 'nginx';
}

/** Decides which route, if any, serves one request. */
export function routeRequest(objects: readonly Obj[], request: RouteRequest, options: RouteOptions = {}): RouteDecision {
  const model = options.model ?? inferModel(objects);
  const clientIp = request.clientIp ?? PUBLIC_CLIENT_IP;
  const host = request.host.toLowerCase();
  const scheme = options.scheme ?? 'https';
  if (model === undefined) return { routed: 'none', reason: 'there is no Ingress or HTTPRoute among the objects' };
  // One router per edge profile: a new profile does not compile until it has one.
  const route: Record<RoutingModel, () => RouteDecision> = {
    nginx: () => routeNginx(objects, host, request.path, clientIp, scheme),
    traefik: () => routeTraefik(objects, host, request.path, clientIp, scheme, options.entryPoint ?? (scheme === 'https' ? 'websecure' : 'web')),
    gateway: () => routeGateway(objects, host, request.path),
  };
  return route[model]();
}

// ---------------------------------------------------------------------------------------------
// Shared
// ---------------------------------------------------------------------------------------------

const ref = (o: Obj): string => [o.kind, o.metadata?.namespace, o.metadata?.name].filter(Boolean).join('/');

/** Element-wise prefix match; a trailing `/` on the prefix is ignored. */
export function elementPrefixMatches(prefix: string, path: string): boolean {
  const p = prefix.replace(/\/+$/, '');
  if (p === '') return true;
  return path === p || path.startsWith(`${p}/`);
}

/** `service:port`, with a numeric port turned into its name when the Service is among the objects. */
function target(objects: readonly Obj[], namespace: string | undefined, service: string, port: string | number | undefined): `${string}:${string}` {
  if (typeof port === 'number') {
    const svc = objects.find((o) => o?.kind === 'Service' && o.metadata?.name === service && (namespace === undefined || o.metadata?.namespace === namespace));
    const named = (svc?.spec?.ports ?? []).find((p: Obj) => p.port === port && p.name);
    if (named) return `${service}:${named.name}`;
  }
  return `${service}:${port ?? '?'}`;
}

/** Is an IPv4 client inside any of these CIDRs (IPv6 ranges never hold an IPv4 client)? */
function inRanges(clientIp: string, ranges: readonly string[]): boolean {
  return ranges
    .map((r) => r.trim())
    .filter((r) => r && !r.includes(':'))
    .some((r) => ipBlockContains({ cidr: r.includes('/') ? r : `${r}/32` }, clientIp));
}

const csv = (v: unknown): string[] => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

/** Does a rule host (exact, or `*.` one label) match? An absent host matches every host. */
function ingressHostMatches(ruleHost: string | undefined, host: string): 'exact' | 'wildcard' | 'any' | undefined {
  if (!ruleHost) return 'any';
  const h = ruleHost.toLowerCase();
  if (h === host) return 'exact';
  if (h.startsWith('*.')) {
    const suffix = h.slice(1);
    const label = host.slice(0, host.length - suffix.length);
    if (host.endsWith(suffix) && label.length > 0 && !label.includes('.')) return 'wildcard';
  }
  return undefined;
}

/** Every (Ingress, rule host, path) of the objects. */
function ingressPaths(objects: readonly Obj[]): Array<{ ingress: Obj; host?: string; path: string; pathType: string; backend: Obj }> {
  const out: Array<{ ingress: Obj; host?: string; path: string; pathType: string; backend: Obj }> = [];
  for (const ingress of objects.filter((o) => o?.kind === 'Ingress')) {
    for (const rule of ingress.spec?.rules ?? []) {
      for (const p of rule?.http?.paths ?? []) {
        out.push({ ingress, host: rule.host, path: p.path ?? '/', pathType: p.pathType ?? 'ImplementationSpecific', backend: p.backend ?? {} });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// ingress-nginx
// ---------------------------------------------------------------------------------------------

const NGINX = 'nginx.ingress.kubernetes.io';

function routeNginx(objects: readonly Obj[], host: string, path: string, clientIp: string, scheme: 'https' | 'http'): RouteDecision {
  const all = ingressPaths(objects).map((p) => ({ ...p, hostMatch: ingressHostMatches(p.host, host) })).filter((p) => p.hostMatch);
  // A host with its own server block is served by it alone; wildcard and host-less rules only
  // answer hosts nothing names exactly.
  const best = (['exact', 'wildcard', 'any'] as const).find((m) => all.some((p) => p.hostMatch === m));
  const candidates = all.filter((p) => p.hostMatch === best);
  const exact = candidates.find((p) => p.pathType === 'Exact' && p.path === path);
  const prefix = candidates
    .filter((p) => p.pathType !== 'Exact' && elementPrefixMatches(p.path, path))
    .sort((a, b) => b.path.replace(/\/+$/, '').length - a.path.replace(/\/+$/, '').length)[0];
  const chosen = exact ?? prefix;
  if (!chosen) return { routed: 'none', reason: `no Ingress path for ${host} matches ${path}` };

  const annotations: Obj = chosen.ingress.metadata?.annotations ?? {};
  const how = `${chosen.pathType} ${chosen.path}`;
  // ingress-nginx redirects (308) before it checks source ranges, on any host its Ingresses give TLS.
  const hasTls = ingressPaths(objects).length > 0 && objects.some((o) => o?.kind === 'Ingress' && (o.spec?.tls ?? []).some((t: Obj) => (t.hosts ?? []).some((h: string) => ingressHostMatches(h, host))));
  if (scheme === 'http' && hasTls && annotations[`${NGINX}/ssl-redirect`] !== 'false') {
    return { routed: 'redirected', by: ref(chosen.ingress), reason: `${how} wins; ssl-redirect sends plain HTTP to HTTPS (308)` };
  }
  const deny = csv(annotations[`${NGINX}/denylist-source-range`]);
  if (deny.length && inRanges(clientIp, deny)) {
    return { routed: 'blocked', by: ref(chosen.ingress), reason: `${how} wins; denylist-source-range ${deny.join(',')} refuses ${clientIp} (403)` };
  }
  const allow = csv(annotations[`${NGINX}/allowlist-source-range`] ?? annotations[`${NGINX}/whitelist-source-range`]);
  if (allow.length && !inRanges(clientIp, allow)) {
    return { routed: 'blocked', by: ref(chosen.ingress), reason: `${how} wins; its source-range allowlist ${allow.join(',')} does not admit ${clientIp} (403)` };
  }
  const svc = chosen.backend.service ?? {};
  return {
    routed: target(objects, chosen.ingress.metadata?.namespace, svc.name ?? '?', svc.port?.name ?? svc.port?.number),
    by: ref(chosen.ingress),
    reason: `${how} is the ${exact ? 'exact' : 'longest prefix'} match for ${path}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Traefik
// ---------------------------------------------------------------------------------------------

const ROUTER = 'traefik.ingress.kubernetes.io/router';

/** The rule Traefik's Ingress provider builds for a host and path: its length is the default priority. */
export function traefikRule(host: string | undefined, path: string, pathType: string): string {
  const parts: string[] = [];
  if (host) {
    parts.push(host.startsWith('*.') ? `HostRegexp(\`^${host.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace('\\*\\.', '[a-zA-Z0-9-]+\\.')}$\`)` : `Host(\`${host}\`)`);
  }
  parts.push(`${pathType === 'Exact' ? 'Path' : 'PathPrefix'}(\`${path}\`)`);
  return parts.join(' && ');
}

function routeTraefik(objects: readonly Obj[], host: string, path: string, clientIp: string, scheme: 'https' | 'http', entryPoint: string): RouteDecision {
  const middlewares = new Map<string, Obj>();
  for (const m of objects.filter((o) => o?.kind === 'Middleware')) middlewares.set(`${m.metadata?.namespace}-${m.metadata?.name}@kubernetescrd`, m);

  const routers = ingressPaths(objects)
    .filter((p) => {
      const eps = csv(p.ingress.metadata?.annotations?.[`${ROUTER}.entrypoints`]);
      return eps.length === 0 || eps.includes(entryPoint);
    })
    .map((p, order) => {
      const annotations: Obj = p.ingress.metadata?.annotations ?? {};
      const rule = traefikRule(p.host, p.path, p.pathType);
      const explicit = Number(annotations[`${ROUTER}.priority`] ?? 0);
      return { ...p, order, rule, priority: explicit || rule.length, chain: csv(annotations[`${ROUTER}.middlewares`]) };
    })
    .filter((r) => {
      if (r.host && !ingressHostMatches(r.host, host)) return false;
      return r.pathType === 'Exact' ? path === r.path : path.startsWith(r.path);
    })
    .sort((a, b) => b.priority - a.priority || a.order - b.order);

  for (const r of routers) {
    const missing = r.chain.find((m) => !middlewares.has(m));
    if (missing) continue; // Traefik disables a router whose Middleware does not exist.
    const how = `router ${r.rule} (priority ${r.priority})`;
    for (const name of r.chain) {
      const spec: Obj = middlewares.get(name)?.spec ?? {};
      const allow = spec.ipAllowList ?? spec.ipWhiteList;
      if (allow && !inRanges(clientIp, allow.sourceRange ?? [])) {
        return { routed: 'blocked', by: ref(r.ingress), reason: `${how} wins; ipAllowList ${name} does not admit ${clientIp} (${allow.rejectStatusCode ?? 403})` };
      }
      if (spec.redirectScheme && spec.redirectScheme.scheme !== scheme) {
        return { routed: 'redirected', by: ref(r.ingress), reason: `${how} wins; ${name} redirects to ${spec.redirectScheme.scheme}` };
      }
    }
    const svc = r.backend.service ?? {};
    return {
      routed: target(objects, r.ingress.metadata?.namespace, svc.name ?? '?', svc.port?.name ?? svc.port?.number),
      by: ref(r.ingress),
      reason: `${how} has the highest priority among the routers matching ${path}`,
    };
  }
  return { routed: 'none', reason: `no enabled router on ${entryPoint} matches ${host}${path}` };
}

// ---------------------------------------------------------------------------------------------
// Gateway API
// ---------------------------------------------------------------------------------------------

function gatewayHostMatches(hostnames: readonly string[] | undefined, host: string): boolean {
  if (!hostnames || hostnames.length === 0) return true;
  return hostnames.some((h) => {
    const name = h.toLowerCase();
    return name === host || (name.startsWith('*.') && host.endsWith(name.slice(1)) && host.length > name.length - 1);
  });
}

function routeGateway(objects: readonly Obj[], host: string, path: string): RouteDecision {
  const routes = objects
    .filter((o) => o?.kind === 'HTTPRoute' && gatewayHostMatches(o.spec?.hostnames, host))
    .sort((a, b) =>
      String(a.metadata?.creationTimestamp ?? '').localeCompare(String(b.metadata?.creationTimestamp ?? '')) ||
      `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(`${b.metadata?.namespace}/${b.metadata?.name}`),
    );
  type Hit = { route: Obj; rule: Obj; exact: boolean; length: number; order: number };
  const hits: Hit[] = [];
  routes.forEach((route, routeIndex) => {
    (route.spec?.rules ?? []).forEach((rule: Obj, ruleIndex: number) => {
      const matches: Obj[] = rule.matches?.length ? rule.matches : [{}];
      for (const m of matches) {
        if (m.method || m.headers?.length || m.queryParams?.length) continue;
        const type = m.path?.type ?? 'PathPrefix';
        const value: string = m.path?.value ?? '/';
        const ok = type === 'Exact' ? path === value : type === 'PathPrefix' ? elementPrefixMatches(value, path) : new RegExp(`^(?:${value})$`).test(path);
        if (ok) hits.push({ route, rule, exact: type === 'Exact', length: value.length, order: routeIndex * 10000 + ruleIndex });
      }
    });
  });
  hits.sort((a, b) => Number(b.exact) - Number(a.exact) || b.length - a.length || a.order - b.order);
  const hit = hits[0];
  if (!hit) return { routed: 'none', reason: `no HTTPRoute rule for ${host} matches ${path} (404)` };

  const value = (hit.rule.matches ?? []).map((m: Obj) => m.path?.value).filter(Boolean).join(', ') || '/';
  const filters: Obj[] = hit.rule.filters ?? [];
  if (filters.some((f) => f.type === 'RequestRedirect')) return { routed: 'redirected', by: ref(hit.route), reason: `the rule for ${value} redirects` };
  const backends: Obj[] = (hit.rule.backendRefs ?? []).filter((b: Obj) => b.weight === undefined || b.weight > 0);
  if (backends.length === 0) {
    return { routed: 'blocked', by: ref(hit.route), reason: `the rule for ${value} wins and has no backendRefs: the implementation answers 500` };
  }
  const b = backends[0];
  return {
    routed: target(objects, b.namespace ?? hit.route.metadata?.namespace, b.name, b.port),
    by: ref(hit.route),
    reason: `the rule for ${value} is the ${hit.exact ? 'exact' : 'longest prefix'} match for ${path}`,
  };
}
