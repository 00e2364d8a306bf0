/**
 * What the GitOps-safe secret sources (ExternalSecret, SealedSecret) share: their place in the
 * Argo CD sync, and the checksum that rolls the pods when their definition changes.
 *
 * Neither writes a value into Git: an ExternalSecret holds references into a secret store, a
 * SealedSecret ciphertext only the cluster's controller can open. An existing Secret needs no
 * object at all; the deliveries simply name it.
 */
import { createHash } from 'crypto';
import { SKIP_DRY_RUN_ON_MISSING_RESOURCE, syncOptionsAnnotation } from '../../util/sync-options';
import { syncWaveAnnotation } from '../../util/sync-waves';
import { DOTENV_KEY } from './dotenv-template';
import { resolveSecretKeys, SecretItem, SecretItemKeys } from './secret-item';

/**
 * Annotations every source object carries: its kind's sync wave (util/sync-waves.ts: before the
 * migration hook, which reads the database URL, and the workloads) unless a prop moves it.
 * @param syncWave @default - the kind's wave
 */
export function sourceAnnotations(kind: 'ExternalSecret' | 'SealedSecret', syncWave?: number): Record<string, string> {
  return {
    ...syncWaveAnnotation(kind, syncWave),
    // CRD-backed: on a first sync the CRD may not be served yet, and the dry run would fail.
    ...syncOptionsAnnotation([SKIP_DRY_RUN_ON_MISSING_RESOURCE]),
  };
}

/** A short, stable checksum of a source's spec, for `berth.dev/secret-version`. */
export function specChecksum(spec: unknown): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
}

/**
 * A source's items with their keys resolved and checked: at least one, each passing the source's
 * own check (its remote key, its sealed value), and none on the `.env` key when the source
 * renders one.
 * @param owner the construct, named in error messages
 */
export function resolveSourceItems<T extends SecretItem>(owner: string, items: readonly T[], dotenv: boolean | undefined, check: (item: T & SecretItemKeys) => void): Array<T & SecretItemKeys> {
  requireItems(owner, items.length);
  const resolved = resolveSecretKeys(owner, items).map((keys, i) => ({ ...items[i], ...keys }));
  for (const item of resolved) {
    check(item);
    if (dotenv && item.key === DOTENV_KEY) throw new Error(`${owner}: item ${item.name} uses the key "${DOTENV_KEY}", which holds the rendered .env; give it another key`);
  }
  return resolved;
}

/** Rejects an empty item list: a source without items would create an empty Secret. */
function requireItems(owner: string, count: number): void {
  if (count === 0) throw new Error(`${owner}: items is empty; list at least one secret item`);
}
