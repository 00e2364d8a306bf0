/**
 * A model of what Argo CD (and Kubernetes behind it) deletes, to prove over synthesized output
 * that no change to the Git repository can delete user data. It is deliberately small: objects,
 * the Applications that track them, the folders of Git those Applications sync, and four ways an
 * object goes away.
 *
 * The semantics, from Argo CD's own documentation:
 * - Sync options (https://argo-cd.readthedocs.io/en/stable/user-guide/sync-options/, source
 *   docs/user-guide/sync-options.md in argoproj/argo-cd):
 *   - "No Prune Resources": `argocd.argoproj.io/sync-options: Prune=false` on an object keeps it
 *     when it is no longer in Git and a sync prunes; "Resource Pruning With Confirmation":
 *     `Prune=confirm` waits for a human, so an automated sync deletes nothing.
 *   - "No Resource Deletion": `Delete=false` keeps an object "even after your application is
 *     deleted, e.g. for Persistent Volume Claims"; `Delete=confirm` waits for a human.
 *   - Both can also be set for the whole Application in `spec.syncPolicy.syncOptions`; the
 *     object's annotation "will always override" the Application's option.
 *   - Several options share one annotation, comma-separated, white space trimmed.
 * - App deletion (https://argo-cd.readthedocs.io/en/stable/user-guide/app_deletion/): an
 *   Application with the `resources-finalizer.argocd.argoproj.io` finalizer (or its
 *   `/background` variant) is deleted with its resources (a cascade); without it, only the
 *   Application goes and its resources stay. "Adding the finalizer enables cascading deletes when
 *   implementing the App of Apps pattern": a parent that prunes a child Application cascades
 *   into the child's resources when the child has the finalizer.
 * - Automated sync (https://argo-cd.readthedocs.io/en/stable/user-guide/auto_sync/): an
 *   automated sync prunes objects that left Git only when `spec.syncPolicy.automated.prune` is
 *   true.
 * - Kubernetes (https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/):
 *   deleting a Namespace deletes every object in it, whatever annotations they carry: Argo CD is
 *   not asked. This is the path by which an unprotected Namespace takes its PVCs with it.
 */

/** An object as Argo CD reads it: the fields that decide its deletion. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly annotations?: Readonly<Record<string, string>>;
    readonly finalizers?: readonly string[];
  };
  readonly spec?: any;
}

/** The Git repository as Argo CD reads it: the objects of each folder an Application syncs. */
export type GitTree = ReadonlyMap<string, readonly K8sObject[]>;

/** An object in the cluster, and the Application that tracks it (none: made by hand). */
export interface LiveObject {
  readonly object: K8sObject;
  readonly trackedBy?: string;
}

const SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';
const RESOURCES_FINALIZERS = ['resources-finalizer.argocd.argoproj.io', 'resources-finalizer.argocd.argoproj.io/background'];
const CLUSTER_SCOPED = new Set(['Namespace', 'PersistentVolume', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'StorageClass']);

/** `Kind/namespace/name`, the identity of an object in one cluster. */
export function objectKey(o: K8sObject): string {
  return `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** The value of one sync option (`Prune`, `Delete`) on an object, else on its Application. */
export function syncOption(object: K8sObject, app: K8sObject | undefined, name: string): string | undefined {
  const parse = (list: readonly string[]) => {
    for (const entry of list) {
      const [key, value] = entry.split('=').map((s) => s.trim());
      if (key === name) return value;
    }
    return undefined;
  };
  const own = parse((object.metadata.annotations?.[SYNC_OPTIONS] ?? '').split(','));
  return own ?? parse(app?.spec?.syncPolicy?.syncOptions ?? []);
}

/** Whether deleting this Application cascades into what it tracks. */
export function cascades(app: K8sObject): boolean {
  return (app.metadata.finalizers ?? []).some((f) => RESOURCES_FINALIZERS.includes(f));
}

/** One cluster with one Argo CD: its live objects, and what each automated sync or deletion removes. */
export class Cluster {
  private readonly live = new Map<string, LiveObject>();
  /** Every object deleted so far, in order, with why. */
  readonly deleted: Array<{ key: string; object: K8sObject; cause: string }> = [];

  /** Applies an object by hand (a root Application, a hand-made Secret): nothing tracks it. */
  applyByHand(object: K8sObject): void {
    this.live.set(objectKey(object), { object });
  }

  /** The live object of a key. */
  get(key: string): LiveObject | undefined {
    return this.live.get(key);
  }

  /** Every live object. */
  objects(): LiveObject[] {
    return [...this.live.values()];
  }

  /**
   * Lets every live Application's automated sync run against `git` until nothing changes: each
   * applies its folder's objects (Applications among them start syncing in turn) and, with
   * `automated.prune`, prunes what it tracks that left its folder.
   */
  syncAll(git: GitTree): void {
    for (let changed = true; changed; ) {
      changed = false;
      for (const app of this.applications()) {
        // An Application pruned earlier in this round no longer syncs.
        if (this.live.get(objectKey(app))?.object === app) changed = this.sync(app, git) || changed;
      }
    }
  }

  /** Deletes an object as `kubectl delete` would, with everything that follows from it. */
  delete(key: string, cause = 'deleted by hand'): void {
    const entry = this.live.get(key);
    if (!entry) return;
    this.live.delete(key);
    this.deleted.push({ key, object: entry.object, cause });
    const { object } = entry;
    if (object.kind === 'Application' && cascades(object)) {
      for (const [k, o] of [...this.live]) {
        if (o.trackedBy !== object.metadata.name) continue;
        const option = syncOption(o.object, object, 'Delete');
        // Delete=false keeps it; Delete=confirm waits for a human, who is not part of this model.
        if (option === 'false' || option === 'confirm') continue;
        this.delete(k, `cascade of Application ${object.metadata.name}`);
      }
    }
    if (object.kind === 'Namespace') {
      for (const [k, o] of [...this.live]) {
        if (o.object.metadata.namespace === object.metadata.name) this.delete(k, `Namespace ${object.metadata.name} deleted`);
      }
    }
  }

  private applications(): K8sObject[] {
    return [...this.live.values()].map((o) => o.object).filter((o) => o.kind === 'Application');
  }

  private sync(app: K8sObject, git: GitTree): boolean {
    const name = app.metadata.name;
    const destination = app.spec?.destination?.namespace;
    const desired = (git.get(app.spec?.source?.path) ?? []).map((o) =>
      // Argo CD puts a namespaced object without a namespace into the Application's destination.
      o.metadata.namespace || CLUSTER_SCOPED.has(o.kind) ? o : { ...o, metadata: { ...o.metadata, namespace: destination } },
    );
    let changed = false;
    const wanted = new Set<string>();
    for (const o of desired) {
      const key = objectKey(o);
      wanted.add(key);
      const before = this.live.get(key);
      // The same object as last round (most are: Git hands out the same objects each round) is
      // unchanged without comparing its text, which for every object of every round is most of the time a sync takes.
      if (before?.trackedBy === name && (before.object === o || JSON.stringify(before.object) === JSON.stringify(o))) continue;
      this.live.set(key, { object: o, trackedBy: name });
      changed = true;
    }
    if (app.spec?.syncPolicy?.automated?.prune !== true) return changed;
    for (const [key, o] of [...this.live]) {
      if (o.trackedBy !== name || wanted.has(key) || !this.live.has(key)) continue;
      const option = syncOption(o.object, app, 'Prune');
      if (option === 'false' || option === 'confirm') continue;
      this.delete(key, `pruned by Application ${name}`);
      changed = true;
    }
    return changed;
  }
}

/** Objects with the file they are written to, as `buildOutput` returns them. */
export interface FileObject {
  readonly file: string;
  readonly object: K8sObject;
}

/** The folders of Git with their objects (Argo CD reads the files directly in an Application's `source.path`). */
export function gitTree(manifests: readonly FileObject[]): GitTree {
  const tree = new Map<string, K8sObject[]>();
  for (const { file, object } of manifests) {
    const folder = file.slice(0, file.lastIndexOf('/'));
    tree.set(folder, [...(tree.get(folder) ?? []), object]);
  }
  return tree;
}

/** Applications that no Application syncs: the roots, applied once by hand (one per cluster). */
export function rootApplications(manifests: readonly FileObject[]): K8sObject[] {
  const apps = manifests.filter((m) => m.object.kind === 'Application');
  const synced = new Set(apps.map((m) => m.object.spec?.source?.path));
  return apps.filter((m) => !synced.has(m.file.slice(0, m.file.lastIndexOf('/')))).map((m) => m.object);
}

/** The name of the Secret {@link deploy} makes by hand in every Namespace (an `existingSecret`). */
export const HAND_MADE_SECRET = 'hand-made';

/**
 * One cluster per root Application, after its first sync of `manifests`: the root applied by
 * hand, everything it reaches synced, and a hand-made Secret in every Namespace.
 */
export function deploy(manifests: readonly FileObject[]): Map<string, Cluster> {
  const git = gitTree(manifests);
  const clusters = new Map<string, Cluster>();
  for (const root of rootApplications(manifests)) {
    const cluster = new Cluster();
    cluster.applyByHand(root);
    cluster.syncAll(git);
    for (const { object } of cluster.objects().filter((o) => o.object.kind === 'Namespace')) {
      cluster.applyByHand({ apiVersion: 'v1', kind: 'Secret', metadata: { name: HAND_MADE_SECRET, namespace: object.metadata.name } });
    }
    clusters.set(root.metadata.name, cluster);
  }
  return clusters;
}

/**
 * Deploys `before`, then lets Git become `after`: roots still in Git are applied again by hand,
 * roots that left Git stay in the cluster (nothing in Git tracks them), and every automated sync
 * runs. Returns each cluster with what it deleted.
 */
export function changeGit(before: readonly FileObject[], after: readonly FileObject[]): Map<string, Cluster> {
  const clusters = deploy(before);
  const roots = new Map(rootApplications(after).map((r) => [r.metadata.name, r]));
  const git = gitTree(after);
  for (const [name, cluster] of clusters) {
    const root = roots.get(name);
    if (root) cluster.applyByHand(root);
    cluster.syncAll(git);
  }
  return clusters;
}
