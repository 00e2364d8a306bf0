/**
 * Registry credentials for pulling a private image, from the service's secret source: a Secret of
 * type `kubernetes.io/dockerconfigjson` (the one key `.dockerconfigjson`) written by an
 * ExternalSecret (`target.template.type`) or a SealedSecret (`spec.template.type`). The pods name
 * it in `imagePullSecrets`; Git holds a reference or ciphertext, never the credentials.
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ExternalSecret, ExternalSecretSpecSecretStoreRefKind, ExternalSecretSpecTargetTemplateEngineVersion } from '../../../imports/external-secrets.io';
import { SealedSecret } from '../../../imports/bitnami.com';
import { ownedTarget, SecretStoreRef } from './external-secret-source';
import { scopeAnnotations, SealingScope } from './sealed-secret-source';
import { sourceAnnotations } from './source';

/** The Secret type the kubelet reads registry credentials from. */
export const DOCKER_CONFIG_JSON_TYPE = 'kubernetes.io/dockerconfigjson';
/** The one key of a {@link DOCKER_CONFIG_JSON_TYPE} Secret. */
export const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';

/** Props of {@link RegistryCredentials}. Set exactly one of `externalSecret` and `sealedSecret`. */
export interface RegistryCredentialsProps {
  /** Name of the source object and of the Secret it creates, e.g. `ledger-registry`. */
  readonly name: string;
  /** The namespace (a SealedSecret is sealed for it). */
  readonly namespace: string;
  /** @default - no labels */
  readonly labels?: Readonly<Record<string, string>>;
  /** The docker config JSON in a secret store. @default - not from a store */
  readonly externalSecret?: { readonly store: SecretStoreRef; readonly refreshInterval?: string; readonly remoteKey: string; readonly property?: string };
  /** The docker config JSON sealed with `kubeseal --raw`. @default - not sealed */
  readonly sealedSecret?: { readonly scope?: SealingScope; readonly encrypted: string };
}

/** A `kubernetes.io/dockerconfigjson` Secret from an ExternalSecret or a SealedSecret. */
export class RegistryCredentials extends Construct {
  /** The Secret's name, for `imagePullSecrets`. */
  readonly secretName: string;
  readonly source: ApiObject;

  constructor(scope: Construct, id: string, props: RegistryCredentialsProps) {
    super(scope, id);
    if (Boolean(props.externalSecret) === Boolean(props.sealedSecret)) throw new Error(`RegistryCredentials ${props.name}: set exactly one of externalSecret and sealedSecret`);
    this.secretName = props.name;
    const labels = props.labels && { ...props.labels };
    const metadata = (kind: 'ExternalSecret' | 'SealedSecret', scoped: Record<string, string> = {}) => ({ name: props.name, namespace: props.namespace, labels, annotations: { ...sourceAnnotations(kind), ...scoped } });
    const es = props.externalSecret;
    if (es) {
      if (!es.remoteKey) throw new Error(`RegistryCredentials ${props.name}: remoteKey is empty; set the key of the docker config JSON in the store`);
      // The store's value is copied as is into the one key the kubelet reads.
      this.source = new ExternalSecret(this, 'ExternalSecret', {
        metadata: metadata('ExternalSecret'),
        spec: {
          secretStoreRef: { name: es.store.name, kind: es.store.kind as ExternalSecretSpecSecretStoreRefKind },
          refreshInterval: es.refreshInterval,
          target: {
            ...ownedTarget(props.name),
            template: { type: DOCKER_CONFIG_JSON_TYPE, engineVersion: ExternalSecretSpecTargetTemplateEngineVersion.V2, data: { [DOCKER_CONFIG_JSON_KEY]: '{{ .dockerconfigjson | toString }}' } },
          },
          data: [{ secretKey: 'dockerconfigjson', remoteRef: { key: es.remoteKey, property: es.property } }],
        },
      });
      return;
    }
    const sealed = props.sealedSecret!;
    if (!sealed.encrypted) throw new Error(`RegistryCredentials ${props.name}: encrypted is empty; seal the docker config JSON with kubeseal --raw --name ${props.name} --namespace ${props.namespace}`);
    const scoped = scopeAnnotations(sealed.scope);
    this.source = new SealedSecret(this, 'SealedSecret', {
      metadata: metadata('SealedSecret', scoped),
      spec: {
        encryptedData: { [DOCKER_CONFIG_JSON_KEY]: sealed.encrypted },
        template: { metadata: { name: props.name, namespace: props.namespace, labels, annotations: Object.keys(scoped).length ? { ...scoped } : undefined }, type: DOCKER_CONFIG_JSON_TYPE },
      },
    });
  }
}
