/**
 * The database migration (`alembic upgrade head`), run once per Argo CD sync: after the config
 * and secrets it reads exist, before the new pods roll out.
 *
 * A PreSync hook would run before this sync's ConfigMaps exist, so it is a Sync hook at a
 * negative sync wave instead, with a fixed name and `BeforeHookCreation`, so the previous run's
 * Job is replaced rather than piling up or blocking on an immutable template.
 */
import { HOOK_ANNOTATION, HOOK_DELETE_POLICY_ANNOTATION } from '../../util/annotations';
import { syncWaveAnnotation } from '../../util/sync-waves';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../k8s';
import { kube } from '../resource';
import { objectName, workloadLabels } from './labels';
import { checkProcessProps, ProcessPodProps, renderProcessPod } from './pod';

/** Props of {@link MigrationJob}. */
export interface MigrationJobProps extends ProcessPodProps {
  /** @default 2 */
  readonly backoffLimit?: number;
  /** @default 900 */
  readonly activeDeadlineSeconds?: number;
  /** The Argo CD sync wave; must be after config and secrets and before workloads. @default -1 */
  readonly syncWave?: number;
}

/** Argo CD hook annotations that order the migration inside a sync. */
/** @param syncWave @default - the Job wave of util/sync-waves.ts */
function migrationHookAnnotations(syncWave?: number): Record<string, string> {
  return {
    [HOOK_ANNOTATION]: 'Sync',
    [HOOK_DELETE_POLICY_ANNOTATION]: 'BeforeHookCreation',
    ...syncWaveAnnotation('Job', syncWave),
  };
}

/** A Job run as an Argo CD Sync hook. */
export class MigrationJob extends Construct {
  readonly name: string;
  readonly job: ApiObject;

  constructor(scope: Construct, id: string, props: MigrationJobProps) {
    super(scope, id);
    checkProcessProps(this, props, { prop: 'container.image', value: props.container.image });
    this.name = objectName(props.identity);
    const labels = workloadLabels(props.identity);
    this.job = kube(this, 'Job', k8s.KubeJob, {
      metadata: { name: this.name, labels, annotations: migrationHookAnnotations(props.syncWave) },
      spec: {
        backoffLimit: props.backoffLimit ?? 2,
        activeDeadlineSeconds: props.activeDeadlineSeconds ?? 900,
        template: renderProcessPod(props, { restartPolicy: 'Never' }),
      },
    });
  }
}
