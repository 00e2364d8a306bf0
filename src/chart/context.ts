/**
 * What every part of a service chart needs to know, resolved once from the spec and the
 * environment, and the registry through which constructs contribute volumes, mounts and env to
 * the pods of the processes that use them.
 */
import { Construct } from 'constructs';
import { PodContribution, PodSecurityProps } from '../constructs/workloads/pod';
import { ServiceModel } from '../model/service-model';
import { Environment, ServiceSpec } from '../spec/schema';

/** One service in one environment, resolved. */
export interface ServiceContext {
  readonly scope: Construct;
  readonly spec: ServiceSpec;
  /** The spec resolved in the environment: names, defaults and derived facts, worked out once. */
  readonly model: ServiceModel;
  readonly env: Environment;
  readonly envName: string;
  readonly namespace: string;
  readonly serviceAccountName: string;
  readonly security: PodSecurityProps;
  readonly contributions: Contributions;
}

/** Pod contributions keyed by process name (`web` keys, workers, singletons, `migrate`, jobs). */
export class Contributions {
  private readonly all: PodContribution[] = [];
  private readonly byProcess = new Map<string, PodContribution[]>();

  /** Adds a contribution for the named processes, or for every process when `processes` is undefined. */
  add(contribution: PodContribution, processes?: readonly string[]): void {
    if (!processes) {
      this.all.push(contribution);
      return;
    }
    for (const p of processes) this.byProcess.set(p, [...(this.byProcess.get(p) ?? []), contribution]);
  }

  /** Everything a process's pods get, service-wide contributions first. */
  for(process: string): PodContribution[] {
    return [...this.all, ...(this.byProcess.get(process) ?? [])];
  }

  // --- More containers (issue 21 item 5) ---
  private readonly byContainer = new Map<string, PodContribution[]>();

  /**
   * Adds mounts and env for one init container or sidecar of a process; its volumes go to the
   * process's pod, where every container can mount them.
   */
  addToContainer(contribution: PodContribution, process: string, container: string): void {
    const key = `${process}/${container}`;
    this.byContainer.set(key, [...(this.byContainer.get(key) ?? []), contribution]);
    if (contribution.volumes?.length) this.add({ volumes: contribution.volumes }, [process]);
  }

  /** The mounts and env of one init container or sidecar of a process. */
  forContainer(process: string, container: string): PodContribution[] {
    return this.byContainer.get(`${process}/${container}`) ?? [];
  }
}
