/**
 * A Secret fetched from a secret store (Vault, a cloud secret manager) by the External Secrets
 * Operator: Git holds only the references (`external-secrets.io/v1` ExternalSecret).
 *
 * The ExternalSecret owns the Secret it creates (`creationPolicy: Owner`, so deleting the
 * ExternalSecret deletes the Secret and nothing else can claim it) and keeps the last values when
 * the remote secret disappears (`deletionPolicy: Retain`): a store outage or a deleted key must
 * not empty the Secret under running pods.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ExternalSecret,
  ExternalSecretSpec,
  ExternalSecretSpecSecretStoreRefKind,
  ExternalSecretSpecTarget,
  ExternalSecretSpecTargetCreationPolicy,
  ExternalSecretSpecTargetDeletionPolicy,
  ExternalSecretSpecTargetTemplateEngineVersion,
} from '../../../imports/external-secrets.io';
import { DOTENV_KEY, dotenvTemplate } from './dotenv-template';
import { SecretItem } from './secret-item';
import { resolveSourceItems, sourceAnnotations, specChecksum } from './source';

/** An item and where its value lives in the store. */
export interface ExternalSecretItem extends SecretItem {
  /** The key in the store, e.g. `rag/app`. */
  readonly remoteKey: string;
  /** A property of the remote value, when it is a JSON object. @default - the whole value */
  readonly property?: string;
}

/** The SecretStore or ClusterSecretStore to read from. */
export interface SecretStoreRef {
  /** The store's name. */
  readonly name: string;
  /** A namespaced SecretStore or a ClusterSecretStore. */
  readonly kind: 'SecretStore' | 'ClusterSecretStore';
}

/** Props of {@link ExternalSecretSource}. */
export interface ExternalSecretSourceProps {
  /** Name of the ExternalSecret and of the Secret it creates, e.g. `rag-secrets`. */
  readonly name: string;
  /** @default - no labels */
  readonly labels?: Readonly<Record<string, string>>;
  /** The store the values are read from. */
  readonly secretStoreRef: SecretStoreRef;
  /** How often values are read again from the store, e.g. `1h`. @default - the operator's default (1h) */
  readonly refreshInterval?: string;
  /** The values, each with its remote key. */
  readonly items: readonly ExternalSecretItem[];
  /**
   * Render the items into one `.env` key (`NAME='value'` lines) instead of one key per item,
   * for delivery as a `.env` file. @default false
   */
  readonly dotenv?: boolean;
  /** The Argo CD sync wave. @default -2 */
  readonly syncWave?: number;
}

/** The target of every ExternalSecret berth writes: it owns the Secret `name` and keeps its last values (see above). */
export function ownedTarget(name: string): ExternalSecretSpecTarget {
  return { name, creationPolicy: ExternalSecretSpecTargetCreationPolicy.OWNER, deletionPolicy: ExternalSecretSpecTargetDeletionPolicy.RETAIN };
}

/** An ExternalSecret that creates the service's Secret. */
export class ExternalSecretSource extends Construct {
  /** The Secret's name. */
  readonly secretName: string;
  readonly externalSecret: ApiObject;
  /** Checksum of the spec: changes whenever what the Secret holds is defined differently. */
  readonly checksum: string;

  constructor(scope: Construct, id: string, props: ExternalSecretSourceProps) {
    super(scope, id);
    this.secretName = props.name;
    const items = resolveSourceItems('ExternalSecretSource', props.items, props.dotenv, (item) => {
      if (!item.remoteKey) throw new Error(`ExternalSecretSource: item ${item.name} has no remoteKey; set the key of its value in the store`);
    });

    const spec: ExternalSecretSpec = {
      secretStoreRef: { name: props.secretStoreRef.name, kind: props.secretStoreRef.kind as ExternalSecretSpecSecretStoreRefKind },
      refreshInterval: props.refreshInterval,
      target: {
        ...ownedTarget(props.name),
        ...(props.dotenv && {
          template: {
            engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2,
            data: { [DOTENV_KEY]: dotenvTemplate(items) },
          },
        }),
      },
      data: items.map((i) => ({ secretKey: i.key, remoteRef: { key: i.remoteKey, property: i.property } })),
    };
    this.checksum = specChecksum(spec);
    this.externalSecret = new ExternalSecret(this, 'ExternalSecret', {
      metadata: { name: props.name, labels: props.labels && { ...props.labels }, annotations: sourceAnnotations('ExternalSecret', props.syncWave) },
      spec,
    });
  }
}
