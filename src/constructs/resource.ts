/**
 * A Kubernetes object declared with cdk8s-plus's typed props, rendered in one pass.
 *
 * The typed classes (`k8s.KubeDeployment` …) render through three walks of every value: cdk8s's
 * token resolution, a generated converter per type (which copies each object once per key), and
 * a sanitizer. berth uses no tokens or Lazy values, so `kube()` keeps the typed props and renders
 * them in a single walk with the same result: union values (Quantity, IntOrString) unwrapped,
 * undefined dropped, keys sorted, the handful of API field names the converters rename mapped
 * back (hostIP, clusterIP …). `test/constructs/resource.test.ts` compares it with the typed
 * classes' own output for every object of the reference systems.
 */
import { ApiObject, GroupVersionKind, JsonPatch } from 'cdk8s';
import { Construct } from 'constructs';
import type { KubeKind } from './k8s';

/** JSON field names the typed props spell differently (props name → API name). A Map: looked up for every key rendered. */
const API_NAMES: ReadonlyMap<string, string> = new Map(Object.entries({
  clusterIp: 'clusterIP', datasetUuid: 'datasetUUID', diskUri: 'diskURI', externalId: 'externalID', hostIp: 'hostIP',
  hostIpc: 'hostIPC', hostPid: 'hostPID', insecureSkipTlsVerify: 'insecureSkipTLSVerify', loadBalancerIp: 'loadBalancerIP',
  nodeId: 'nodeID', nonResourceUrLs: 'nonResourceURLs', pdId: 'pdID', podCidr: 'podCIDR', podCidRs: 'podCIDRs',
  providerId: 'providerID', setHostnameAsFqdn: 'setHostnameAsFQDN', storagePolicyId: 'storagePolicyID',
  targetCpuUtilizationPercentage: 'targetCPUUtilizationPercentage', targetWwNs: 'targetWWNs', volumeId: 'volumeID',
}));

/** Maps whose keys are data (labels, env names, file names), never renamed. */
const FREE_FORM = new Set(['labels', 'annotations', 'data', 'binaryData', 'stringData', 'matchLabels', 'nodeSelector', 'selector', 'capacity', 'requests', 'limits']);

/**
 * Sorts strings in place by UTF-16 code units, as the default sort does. An object has a handful
 * of keys, so an insertion sort, which allocates nothing (Array.prototype.sort copies the array
 * into a work area first, and a synth sorts tens of thousands of key lists).
 */
function sortNames(names: string[]): void {
  if (names.length > 32) {
    names.sort();
    return;
  }
  for (let i = 1; i < names.length; i++) {
    const x = names[i];
    let j = i - 1;
    while (j >= 0 && names[j] > x) {
      names[j + 1] = names[j];
      j--;
    }
    names[j + 1] = x;
  }
}

/** Typed props → the JSON the API server reads. */
export function toPlainJson(value: unknown, freeForm = false): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'object') return value;
  // Indexed loops and no closures: this walks every value of every object a synth writes.
  if (Array.isArray(value)) {
    const items = new Array(value.length);
    for (let i = 0; i < value.length; i++) items[i] = toPlainJson(value[i]);
    return items;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    // Quantity, IntOrString and the other number-or-string unions of the typed props.
    const inner = (value as { value?: unknown }).value;
    if (typeof inner === 'string' || typeof inner === 'number') return inner;
    // Not a user error: a construct passed something other than plain data. (Class names are not
    // in the message: the bundle is minified.)
    throw new Error(`cannot render a class instance (fields: ${Object.keys(value).join(', ') || 'none'}); only plain data, Quantity and IntOrString`);
  }
  const out: Record<string, unknown> = {};
  const src = value as Record<string, unknown>;
  // Sorted by API name. A rename is rare (a handful of field names), so the key list is copied
  // only when one occurs. The default sort orders by UTF-16 code units, as `<` does.
  const keys = Object.keys(src);
  let names = keys;
  let renamed: Map<string, string> | undefined;
  if (!freeForm) {
    for (let i = 0; i < keys.length; i++) {
      const api = API_NAMES.get(keys[i]);
      if (api === undefined) continue;
      if (names === keys) names = keys.slice();
      names[i] = api;
      (renamed ??= new Map()).set(api, keys[i]);
    }
  }
  sortNames(names);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    const k = renamed === undefined ? name : (renamed.get(name) ?? name);
    const v = src[k];
    // Scalars, most values, are copied as they are; null and undefined are dropped.
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object') out[name] = v;
    else {
      const json = toPlainJson(v, !freeForm && FREE_FORM.has(k));
      if (json !== undefined) out[name] = json;
    }
  }
  return out;
}

/** An ApiObject whose body is typed props, rendered by `toPlainJson`. */
export class Resource extends ApiObject {
  private readonly body: Record<string, unknown>;
  private readonly ownPatches: JsonPatch[] = [];
  private readonly clusterScoped: boolean;

  constructor(
    scope: Construct,
    id: string,
    gvk: GroupVersionKind,
    /** The typed props, as given. */
    readonly typedProps: Record<string, unknown> & { metadata?: object },
    clusterScoped = false,
  ) {
    const { metadata, ...body } = typedProps;
    super(scope, id, { ...gvk, metadata: metadata as never });
    this.body = body;
    this.clusterScoped = clusterScoped;
  }

  /** The rendering before JSON patches, for comparison with the typed class's own. */
  renderUnpatched(): Record<string, unknown> {
    const metadata = toPlainJson(this.metadata.toJson(), false) as Record<string, unknown>;
    if (this.clusterScoped) delete metadata.namespace;
    return { apiVersion: this.apiVersion, kind: this.kind, metadata, ...(toPlainJson(this.body) as object) };
  }

  override addJsonPatch(...ops: JsonPatch[]): void {
    this.ownPatches.push(...ops);
  }

  override toJson(): any {
    const json = this.renderUnpatched();
    if (!this.ownPatches.length) return json;
    // Patched objects are sorted again, so a patch lands where the field would have been.
    const { apiVersion, kind, metadata: md, ...rest } = toPlainJson(JsonPatch.apply(json, ...this.ownPatches)) as Record<string, unknown>;
    return { apiVersion, kind, metadata: md, ...rest };
  }
}

/**
 * Declares a Kubernetes object with the props of its typed class, e.g.
 * `kube(this, 'Deployment', k8s.KubeDeployment, { metadata, spec })`. The kind is one of ./k8s
 * (or a typed class itself: only its GVK is read).
 */
export function kube<P extends object>(scope: Construct, id: string, cls: KubeKind<P>, props: NoInfer<P>, opts: { clusterScoped?: boolean } = {}): Resource {
  return new Resource(scope, id, cls.GVK, props as Record<string, unknown>, opts.clusterScoped);
}
