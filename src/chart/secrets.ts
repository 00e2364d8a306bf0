/**
 * Spec → secret delivery (files with NAME_FILE, a .env, or secretKeyRef env) and the GitOps-safe
 * source objects (existing Secret, ExternalSecret, SealedSecret).
 */
import { DotEnvFile } from '../constructs/secrets/dotenv-file';
import { ExternalSecretSource } from '../constructs/secrets/external-secret-source';
import { SealedSecretSource } from '../constructs/secrets/sealed-secret-source';
import { SecretEnv } from '../constructs/secrets/secret-env';
import { SecretFiles } from '../constructs/secrets/secret-files';
import { SecretDeliveryProps } from '../constructs/secrets/delivery';
import { serviceLabels } from '../constructs/workloads/labels';
import { SCRATCH_DIRS } from '../util/scratch-paths';
import { ServiceContext } from './context';
import { RegistryCredentials } from '../constructs/secrets/registry-credentials';
import { SecretsModel } from '../model/service-model';

/** Adds the secret sources and each process's secret volumes, mounts and env. */
export function buildSecrets(ctx: ServiceContext): void {
  const secrets = ctx.model.secrets;
  if (!secrets) return;
  const { scope, model } = ctx;
  buildRegistryCredentials(ctx, secrets);
  const dotenv = secrets.delivery === 'dotenv';
  const labels = serviceLabels(model.service);

  // When Git defines the Secret, the checksum of that definition rolls the pods on a change.
  const { source, secretName, items } = secrets;
  let version: string | undefined;
  if ('externalSecret' in source) {
    const es = new ExternalSecretSource(scope, 'external-secret', {
      name: secretName,
      labels,
      secretStoreRef: { name: source.externalSecret.store, kind: source.externalSecret.storeKind },
      refreshInterval: source.externalSecret.refreshInterval,
      // semantics.ts reports a missing remoteKey (or encrypted value); the construct rejects the empty one.
      items: items.map((i) => ({ name: i.name, file: i.file, key: i.key, remoteKey: i.remoteKey ?? '', property: i.property })),
      dotenv,
    });
    version = es.checksum;
  } else if ('sealedSecret' in source) {
    const ss = new SealedSecretSource(scope, 'sealed-secret', {
      name: secretName,
      namespace: model.namespace,
      labels,
      scope: source.sealedSecret.scope,
      items: items.map((i) => ({ name: i.name, file: i.file, key: i.key, encrypted: i.encrypted ?? '' })),
      dotenv,
    });
    version = ss.checksum;
  }

  const delivery: SecretDeliveryProps = {
    secretName,
    items: items.map((i) => ({ name: i.name, file: i.file, key: i.key, consumers: i.consumers })),
    processes: model.processes.map((p) => p.name),
    version,
    // Jobs and CronJobs start fresh pods on every run; Reloader would start extra runs instead.
    reloadOnChange: model.processes.filter((p) => p.longRunning).map((p) => p.name),
  };
  let built: SecretFiles | SecretEnv | DotEnvFile;
  if (secrets.delivery === 'files') {
    checkMountPath(ctx, 'mountPath', secrets.mountPath);
    built = new SecretFiles(scope, 'secret-files', { ...delivery, mountPath: secrets.mountPath });
  } else if (secrets.delivery === 'env') {
    built = new SecretEnv(scope, 'secret-env', delivery);
  } else {
    // semantics.ts reports a dotenv delivery without dotenvPath; this keeps the chart total.
    if (!secrets.dotenvPath) throw new Error('secrets.dotenvPath: delivery "dotenv" needs the path of the .env the app loads, e.g. /app/.env');
    checkMountPath(ctx, 'dotenvPath', secrets.dotenvPath);
    built = new DotEnvFile(scope, 'secret-dotenv', { ...delivery, path: secrets.dotenvPath });
  }
  for (const [process, contribution] of built.contributions) ctx.contributions.add(contribution, [process]);
  // Init containers and sidecars get the items they name the way their process does (issue 21 item 5).
  for (const p of model.processes) {
    for (const c of [...p.sidecars, ...p.initContainers]) if (c.secrets.length) ctx.contributions.addToContainer(built.forContainer(c.secrets), p.name, c.name);
  }
}

/** Two mounts on one path are rejected by the API server: catch it here, with the field to change. */
function checkMountPath(ctx: ServiceContext, field: string, path: string): void {
  const taken = new Map<string, string>([
    ...SCRATCH_DIRS.map(({ path: p, purpose }): [string, string] => [p, purpose]),
    ...ctx.model.volumes.map((v): [string, string] => [v.mountPath, `volume ${v.name}`]),
  ]);
  const owner = taken.get(path);
  if (owner) throw new Error(`secrets.${field}: "${path}" is also the mount path of ${owner}; pick another path`);
}

/** Registry credentials from the secret source (the pods' imagePullSecrets name them: model/pod-settings.ts). */
function buildRegistryCredentials(ctx: ServiceContext, secrets: SecretsModel): void {
  const registry = secrets.registry;
  if (!registry) return;
  const { source } = secrets;
  // semantics.ts reports a missing remoteKey or encrypted value; the construct rejects the empty one.
  new RegistryCredentials(ctx.scope, 'registry-credentials', {
    name: registry.secretName,
    namespace: ctx.model.namespace,
    labels: serviceLabels(ctx.model.service),
    ...('externalSecret' in source && {
      externalSecret: { store: { name: source.externalSecret.store, kind: source.externalSecret.storeKind }, refreshInterval: source.externalSecret.refreshInterval, remoteKey: registry.remoteKey ?? '', property: registry.property },
    }),
    ...('sealedSecret' in source && { sealedSecret: { scope: source.sealedSecret.scope, encrypted: registry.encrypted ?? '' } }),
  });
}
