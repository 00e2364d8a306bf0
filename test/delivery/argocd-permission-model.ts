/**
 * A model of Argo CD's AppProject permission check, to prove over synthesized output that every
 * object an Application syncs is one its project permits, and that anything else is refused.
 *
 * The semantics, from Argo CD's documentation (docs/user-guide/projects.md, "Projects") and the
 * AppProject CRD in ../shared/k8s/crds/appproject-crd.yaml:
 * - `sourceRepos`: the Application's `spec.source.repoURL` must match one entry (a glob; `*` is
 *   any repository).
 * - `destinations`: the Application's destination, and the namespace of every namespaced object
 *   it syncs (its own `metadata.namespace`, or the destination namespace when it has none), must
 *   match an entry's `server` and `namespace` globs.
 * - Cluster-scoped kinds: permitted only when `clusterResourceWhitelist` is not empty and holds
 *   an entry matching group and kind (globs) and, when the entry names one, the object's name (a
 *   Go filepath.Match glob); an entry of `clusterResourceBlacklist` that matches refuses it.
 * - Namespaced kinds: an absent `namespaceResourceWhitelist` permits every kind; a present one
 *   needs a matching entry (berth always writes a non-empty one, so how Argo CD reads an empty
 *   list does not matter here). A matching `namespaceResourceBlacklist` entry refuses it.
 * - `CreateNamespace=true` makes Argo CD create the destination Namespace, which is then checked
 *   like a Namespace object in Git (argoproj/argo-cd#20233: "Namespace is not permitted in
 *   project" without it).
 */

type Obj = Record<string, any>;

/** Kinds the model treats as cluster-scoped (the ones a test plants, and the one berth writes). */
export const CLUSTER_SCOPED_KINDS = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass', 'PersistentVolume', 'IngressClass']);

/** A shell-style glob (`*` any run of characters, `?` one), anchored. */
export function globMatch(pattern: string, value: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(value);
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '');

const inList = (list: readonly Obj[] | undefined, group: string, kind: string, name?: string) =>
  (list ?? []).some((e) => globMatch(e.group, group) && globMatch(e.kind, kind) && (e.name === undefined || name === undefined || globMatch(e.name, name)));

/** Why a project refuses an object an Application syncs, or undefined when it permits it. */
export function refusal(project: Obj, app: Obj, object: Obj): string | undefined {
  const spec = project.spec ?? {};
  const repo = app.spec.source.repoURL;
  if (!(spec.sourceRepos ?? []).some((p: string) => globMatch(p, repo))) return `repository ${repo} is not in sourceRepos`;
  const server = app.spec.destination.server;
  const group = groupOf(object.apiVersion);
  const { kind } = object;
  const name = object.metadata?.name;
  if (CLUSTER_SCOPED_KINDS.has(kind)) {
    const white = spec.clusterResourceWhitelist ?? [];
    if (!white.length || !inList(white, group, kind, name)) return `cluster-scoped ${group || 'core'}/${kind} ${name} is not in clusterResourceWhitelist`;
    if (inList(spec.clusterResourceBlacklist, group, kind, name)) return `cluster-scoped ${kind} ${name} is in clusterResourceBlacklist`;
    return undefined;
  }
  const namespace = object.metadata?.namespace ?? app.spec.destination.namespace;
  if (!(spec.destinations ?? []).some((d: Obj) => globMatch(d.server ?? '*', server) && globMatch(d.namespace, namespace))) {
    return `destination ${server} namespace ${namespace} is not in destinations`;
  }
  const white = spec.namespaceResourceWhitelist;
  if (white !== undefined && !inList(white, group, kind)) return `${group || 'core'}/${kind} is not in namespaceResourceWhitelist`;
  if (inList(spec.namespaceResourceBlacklist, group, kind)) return `${kind} is in namespaceResourceBlacklist`;
  return undefined;
}

/** The objects Argo CD itself creates for an Application: the destination Namespace with `CreateNamespace=true`. */
export function implicitObjects(app: Obj): Obj[] {
  const options: string[] = app.spec.syncPolicy?.syncOptions ?? [];
  return options.includes('CreateNamespace=true') ? [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: app.spec.destination.namespace } }] : [];
}
