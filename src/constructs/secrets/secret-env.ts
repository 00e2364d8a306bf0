/**
 * Secrets as env vars (`secretKeyRef`), named like the item, for apps that read their settings
 * from the environment (reporting's Pydantic settings, vector-chat, george).
 *
 * An env var is fixed when the container starts: value rotations reach the pods only through a
 * restart, which is what `reloadOnChange` and `version` are for.
 */
import { Construct } from 'constructs';
import { PodContribution } from '../workloads/pod';
import { deliver, SecretDeliveryProps } from './delivery';
import { pick, ResolvedSecretItem } from './secret-item';

export type SecretEnvProps = SecretDeliveryProps;

/** `secretKeyRef` env vars per consuming process. */
export class SecretEnv extends Construct {
  readonly items: readonly ResolvedSecretItem[];
  /** What each consuming process's pods get, keyed by process. */
  readonly contributions: ReadonlyMap<string, PodContribution>;
  /** The Secret the env vars reference. */
  private readonly secretName: string;

  constructor(scope: Construct, id: string, props: SecretEnvProps) {
    super(scope, id);
    const delivery = deliver('SecretEnv', props, (items) => ({
      env: items.map((i) => ({ name: i.name, secretKeyRef: { name: props.secretName, key: i.key } })),
    }));
    this.items = delivery.items;
    this.contributions = delivery.contributions;
    this.secretName = props.secretName;
  }

  /** What an init container or sidecar gets for the named items: their `secretKeyRef` env vars. */
  forContainer(names: readonly string[]): PodContribution {
    return { env: pick('SecretEnv', this.items, names).map((i) => ({ name: i.name, secretKeyRef: { name: this.secretName, key: i.key } })) };
  }
}
