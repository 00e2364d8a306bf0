/**
 * Argo CD Applications: one per service and environment, each pointing at its own folder of
 * `dist/`, and a root Application per environment (app of apps) pointing at the folder that
 * holds them.
 */
import { MANAGED_BY, MANAGED_BY_LABEL } from '../workloads/labels';
import { Construct } from 'constructs';
import { Application } from '../../../imports/argoproj.io';
import { RELOADER_LAST_RELOADED_ANNOTATION } from '../../util/annotations';
import { RESOURCES_FINALIZER } from '../../util/sync-options';

/** Where the manifests live in Git. */
export interface GitSource {
  /** The Git repository, as Argo CD clones it. */
  readonly repoURL: string;
  /** The branch, tag or commit Argo CD syncs. */
  readonly targetRevision: string;
  /** Folder inside the repository, e.g. `dist/prod/rag`. */
  readonly path: string;
}

/** Props of {@link ArgoApplication}. */
export interface ArgoApplicationProps {
  /** Application name, e.g. `rag-prod`. */
  readonly name: string;
  /** Namespace Argo CD runs in. @default 'argocd' */
  readonly argocdNamespace?: string;
  /** The AppProject the Application belongs to. */
  readonly project: string;
  /** Where the manifests live in Git. */
  readonly source: GitSource;
  /** The namespace the manifests go to. */
  readonly destinationNamespace: string;
  /** The cluster API server. @default 'https://kubernetes.default.svc' */
  readonly destinationServer?: string;
  /** Delete objects removed from Git. @default true */
  readonly prune?: boolean;
  /** Revert changes made in the cluster by hand. @default true */
  readonly selfHeal?: boolean;
  /** Labels of the Application. @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /** What the service is, shown on the Application's page in the Argo CD UI (`spec.info`). @default - none */
  readonly description?: string;
  /** Annotations, such as Argo CD notifications subscriptions. @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
  /**
   * Argo CD creates the destination namespace. Its project must then allow Namespace objects, so
   * an Application whose namespace always exists (a root, in Argo CD's own) turns it off.
   * @default true
   */
  readonly createNamespace?: boolean;
  /** Deleting the Application deletes what it deployed. Off for roots, so removing a root never cascades into every service. @default true */
  readonly cascadeDelete?: boolean;
}

/** An Application that syncs one folder of dist/ automatically. */
export class ArgoApplication extends Construct {
  readonly application: Application;

  constructor(scope: Construct, id: string, props: ArgoApplicationProps) {
    super(scope, id);
    this.application = new Application(this, 'Application', {
      metadata: {
        name: props.name,
        namespace: props.argocdNamespace ?? 'argocd',
        labels: { [MANAGED_BY_LABEL]: MANAGED_BY, ...props.labels },
        annotations: props.annotations && Object.keys(props.annotations).length ? { ...props.annotations } : undefined,
        // Deleting the Application deletes what it deployed (cascading), instead of orphaning it:
        // a removed service's Deployments and CronJobs must not go on running with nothing in Git
        // describing them. What holds data (claims, the Namespace) opts out with Delete=false.
        finalizers: (props.cascadeDelete ?? true) ? [RESOURCES_FINALIZER] : undefined,
      },
      spec: {
        project: props.project,
        info: props.description === undefined ? undefined : [{ name: 'Description', value: props.description }],
        source: { repoUrl: props.source.repoURL, targetRevision: props.source.targetRevision, path: props.source.path },
        destination: { server: props.destinationServer ?? 'https://kubernetes.default.svc', namespace: props.destinationNamespace },
        // Stakater Reloader restarts pods on a secret rotation by annotating the pod template;
        // self-heal must not revert that (and restart them a second time).
        ignoreDifferences: [
          { group: 'apps', kind: 'Deployment', jqPathExpressions: [`.spec.template.metadata.annotations."${RELOADER_LAST_RELOADED_ANNOTATION}"`] },
        ],
        syncPolicy: {
          automated: { prune: props.prune ?? true, selfHeal: props.selfHeal ?? true },
          // PruneLast: remove old objects only after the new ones are healthy.
          syncOptions: [...((props.createNamespace ?? true) ? ['CreateNamespace=true'] : []), 'PruneLast=true', 'ApplyOutOfSyncOnly=true', 'RespectIgnoreDifferences=true'],
          retry: { limit: 5, backoff: { duration: '10s', factor: 2, maxDuration: '5m' } },
        },
      },
    });
  }
}
