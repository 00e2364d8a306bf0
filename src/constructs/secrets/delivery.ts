/**
 * What the three ways of handing secrets to a process (files, env, a `.env`) have in common: the
 * Secret they read, the items, who consumes what, and the pod-template annotations that roll the
 * pods when the Secret changes.
 *
 * Most apps read a secret once, at start-up (rag's own runbook says "restart containers after
 * rotation"), so a value that changes underneath a running pod is only half delivered. Two
 * annotations close that gap:
 *
 * - `berth.dev/secret-version`, a checksum of the Secret's definition in Git (ExternalSecret or
 *   SealedSecret spec): a change in Git changes the pod template, so the pods roll.
 * - `secret.reloader.stakater.com/reload: <secret>`, for value rotations that never touch Git (a
 *   new value in Vault): Stakater Reloader rolls the workload when the Secret's data changes.
 *   Reloader reads its annotations from the workload's metadata and, when none are there, from
 *   the pod template (`ShouldReload` falls back to the template annotations), so the pod
 *   template is enough. It goes on long-running processes only: for a CronJob or Job Reloader
 *   *runs a new Job* on every change, and those pods read fresh values on each run anyway.
 */
import { RELOADER_SECRET_ANNOTATION, SECRET_VERSION_ANNOTATION } from '../../util/annotations';
import { PodContribution } from '../workloads/pod';
import { consumersOf, ResolvedSecretItem, resolveSecretItems, SecretItem } from './secret-item';



/** Props every delivery takes. */
export interface SecretDeliveryProps {
  /** The Secret that holds the values, e.g. `rag-secrets`. */
  readonly secretName: string;
  /** The secret values and who gets each. */
  readonly items: readonly SecretItem[];
  /** Every process of the service: consumers must be among them, and default to all of them. */
  readonly processes: readonly string[];
  /**
   * Checksum of the Secret's definition in Git, set as `berth.dev/secret-version` on every
   * consumer. @default - none (an existing Secret has no definition in Git)
   */
  readonly version?: string;
  /**
   * Long-running processes (web, workers, singletons) that Stakater Reloader restarts when the
   * Secret's values change. Only those that consume an item are annotated.
   * @default - none
   */
  readonly reloadOnChange?: readonly string[];
}

/** The resolved items and, per consuming process, what its pods get. */
export interface Delivery {
  /** The items with their defaults applied. */
  readonly items: readonly ResolvedSecretItem[];
  /** Pod contributions keyed by process, in the order of `processes`. */
  readonly contributions: ReadonlyMap<string, PodContribution>;
}

/**
 * Resolves the items, then builds each consuming process's contribution from the items it
 * consumes, adding the rollout annotations.
 */
export function deliver(owner: string, props: SecretDeliveryProps, build: (items: readonly ResolvedSecretItem[]) => PodContribution): Delivery {
  const items = resolveSecretItems(owner, props.items, props.processes);
  const reload = new Set(props.reloadOnChange ?? []);
  for (const p of reload) {
    if (!props.processes.includes(p)) throw new Error(`${owner}: reloadOnChange lists "${p}", which is not a process of this service (known: ${[...props.processes].sort().join(', ')})`);
  }
  const contributions = new Map<string, PodContribution>();
  for (const process of consumersOf(items, props.processes)) {
    const own = build(items.filter((i) => i.consumers.includes(process)));
    const annotations: Record<string, string> = {
      ...(props.version !== undefined && { [SECRET_VERSION_ANNOTATION]: props.version }),
      ...(reload.has(process) && { [RELOADER_SECRET_ANNOTATION]: props.secretName }),
    };
    contributions.set(process, Object.keys(annotations).length ? { ...own, annotations } : own);
  }
  return { items, contributions };
}
