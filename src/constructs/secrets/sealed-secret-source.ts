/**
 * A Secret committed as ciphertext (`bitnami.com/v1alpha1` SealedSecret): each value is sealed
 * with `kubeseal` against the cluster's public key, and only the controller in that cluster can
 * open it.
 *
 * The controller creates a Secret with the SealedSecret's own name and namespace. Under the
 * default `strict` scope that name and namespace are part of the encryption, so values must be
 * sealed for exactly `<namespace>/<name>`; `namespace-wide` and `cluster-wide` loosen that and
 * are declared by annotation, on the object (which the controller reads when it unseals) and on
 * the template (which `kubeseal` writes and reads back), the way `kubeseal --scope` writes them.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { SealedSecret, SealedSecretSpec } from '../../../imports/bitnami.com';
import { DOTENV_KEY, dotenvTemplate } from './dotenv-template';
import { SecretItem } from './secret-item';
import { resolveSourceItems, sourceAnnotations, specChecksum } from './source';

/** An item and its sealed value. */
export interface SealedSecretItem extends SecretItem {
  /** The value sealed with `kubeseal --raw` for this Secret's name, namespace and scope. */
  readonly encrypted: string;
}

/** Where a sealed value may be unsealed. */
export type SealingScope = 'strict' | 'namespace-wide' | 'cluster-wide';

/** Props of {@link SealedSecretSource}. */
export interface SealedSecretSourceProps {
  /** Name of the SealedSecret and of the Secret it creates, e.g. `rag-secrets`. */
  readonly name: string;
  /** The namespace values were sealed for. */
  readonly namespace: string;
  /** Labels of the SealedSecret and the Secret. @default - no labels */
  readonly labels?: Readonly<Record<string, string>>;
  /** @default 'strict' - bound to this name and namespace (no annotation: the controller's default) */
  readonly scope?: SealingScope;
  /** The values, each encrypted with kubeseal. */
  readonly items: readonly SealedSecretItem[];
  /**
   * Also render the items into a `.env` key (`NAME='value'` lines, through the controller's
   * template data), for delivery as a `.env` file. @default false
   */
  readonly dotenv?: boolean;
  /** The Argo CD sync wave. @default -2 */
  readonly syncWave?: number;
}

/** The annotations that widen where a sealed value may be unsealed, by scope. */
const SCOPE_ANNOTATIONS: Record<SealingScope, Record<string, string>> = {
  strict: {},
  'namespace-wide': { 'sealedsecrets.bitnami.com/namespace-wide': 'true' },
  'cluster-wide': { 'sealedsecrets.bitnami.com/cluster-wide': 'true' },
};

/** The annotations of a scope, on the SealedSecret and on its template. @param scope @default 'strict' */
export function scopeAnnotations(scope: SealingScope = 'strict'): Record<string, string> {
  return SCOPE_ANNOTATIONS[scope];
}

/** A SealedSecret that creates the service's Secret. */
export class SealedSecretSource extends Construct {
  /** The Secret's name. */
  readonly secretName: string;
  readonly sealedSecret: ApiObject;
  /** Checksum of the spec: changes whenever a sealed value or the template changes. */
  readonly checksum: string;

  constructor(scope: Construct, id: string, props: SealedSecretSourceProps) {
    super(scope, id);
    this.secretName = props.name;
    const items = resolveSourceItems('SealedSecretSource', props.items, props.dotenv, (item) => {
      if (!item.encrypted) throw new Error(`SealedSecretSource: item ${item.name} has no encrypted value; seal it with kubeseal --raw --name ${props.name} --namespace ${props.namespace}`);
    });
    const scoped = scopeAnnotations(props.scope);
    const labels = props.labels && { ...props.labels };

    const spec: SealedSecretSpec = {
      encryptedData: Object.fromEntries(items.map((i) => [i.key, i.encrypted])),
      template: {
        metadata: {
          name: props.name,
          namespace: props.namespace,
          labels,
          annotations: Object.keys(scoped).length ? { ...scoped } : undefined,
        },
        type: 'Opaque',
        ...(props.dotenv && { data: { [DOTENV_KEY]: dotenvTemplate(items) } }),
      },
    };
    this.checksum = specChecksum(spec);
    this.sealedSecret = new SealedSecret(this, 'SealedSecret', {
      metadata: {
        name: props.name,
        namespace: props.namespace,
        labels,
        annotations: { ...sourceAnnotations('SealedSecret', props.syncWave), ...scoped },
      },
      spec,
    });
  }
}
