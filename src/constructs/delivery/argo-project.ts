/**
 * Argo CD AppProjects: the permission boundary of the Applications berth writes. An Application
 * may only sync from the project's `sourceRepos`, into its `destinations`, objects of the kinds
 * its allowlists name; Argo CD's `default` project allows everything, anywhere.
 */
import { MANAGED_BY, MANAGED_BY_LABEL } from '../workloads/labels';
import { syncWaveAnnotation } from '../../util/sync-waves';
import { Construct } from 'constructs';
import { AppProject } from '../../../imports/appproject-argoproj.io';

/** A group and kind an AppProject allows (`group` is '' for the core API). */
export interface ResourceKind {
  /** The API group, '' for the core API. */
  readonly group: string;
  /** The kind, e.g. `Deployment`. */
  readonly kind: string;
  /** For a cluster-scoped kind only: the object names allowed (a Go `filepath.Match` glob). @default - every name */
  readonly name?: string;
}

/** Where an Application of the project may deploy. */
export interface ProjectDestination {
  /** The cluster API server. */
  readonly server: string;
  /** The namespace on that cluster. */
  readonly namespace: string;
}

/** An Argo CD sync window of a project: when automated syncs may (allow) or may not (deny) run. */
export interface SyncWindow {
  /** Whether syncs may run (allow) or may not (deny) while the window is open. */
  readonly kind: 'allow' | 'deny';
  /** Five-field cron: when the window opens. */
  readonly schedule: string;
  /** How long it stays open, as a Go duration (`12h`, `1h30m`). */
  readonly duration: string;
  /** IANA time zone of the schedule. @default - UTC (Argo CD's default) */
  readonly timeZone?: string;
  /** A person may still sync by hand while a deny window is active. @default false */
  readonly manualSync?: boolean;
}

/** Props of {@link ArgoProject}. */
export interface ArgoProjectProps {
  /** Project name, e.g. `rag-prod`. */
  readonly name: string;
  /** Namespace Argo CD runs in. @default 'argocd' */
  readonly argocdNamespace?: string;
  /** What the project is for, as Argo CD shows it. @default - none */
  readonly description?: string;
  /** Git repositories the Applications may sync from. */
  readonly sourceRepos: readonly string[];
  /** Where its Applications may deploy. */
  readonly destinations: readonly ProjectDestination[];
  /** Cluster-scoped kinds allowed. @default - none: every cluster-scoped object is refused */
  readonly clusterResources?: readonly ResourceKind[];
  /** Namespaced kinds allowed; everything else is refused. */
  readonly namespacedResources: readonly ResourceKind[];
  /** @default - none: automated syncs run at any time */
  readonly syncWindows?: readonly SyncWindow[];
  /** Sync wave of the project, so an app of apps creates it before the Applications that use it. @default - none */
  readonly syncWave?: number;
  /** Labels besides `app.kubernetes.io/managed-by: berth`. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/** An AppProject that allows exactly the repositories, destinations and kinds it is given. */
export class ArgoProject extends Construct {
  readonly project: AppProject;

  constructor(scope: Construct, id: string, props: ArgoProjectProps) {
    super(scope, id);
    const windows = props.syncWindows ?? [];
    this.project = new AppProject(this, 'AppProject', {
      metadata: {
        name: props.name,
        namespace: props.argocdNamespace ?? 'argocd',
        labels: { [MANAGED_BY_LABEL]: MANAGED_BY, ...props.labels },
        annotations: props.syncWave === undefined ? undefined : syncWaveAnnotation('AppProject', props.syncWave),
      },
      spec: {
        description: props.description,
        sourceRepos: [...props.sourceRepos],
        destinations: props.destinations.map((d) => ({ server: d.server, namespace: d.namespace })),
        // An empty list, not an absent one: both refuse every cluster-scoped kind, but the empty
        // list says so to a reader of the YAML.
        clusterResourceWhitelist: (props.clusterResources ?? []).map((r) => ({ group: r.group, kind: r.kind, name: r.name })),
        namespaceResourceWhitelist: props.namespacedResources.map((r) => ({ group: r.group, kind: r.kind })),
        // Every Application of the project: a window is a property of the environment.
        syncWindows: windows.length ? windows.map((w) => ({ ...w, applications: ['*'] })) : undefined,
      },
    });
  }
}
