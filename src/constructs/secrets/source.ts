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
import { SYNC_WAVES, syncWaveAnnotation } from '../../util/sync-waves';

/**
 * The Argo CD sync wave of secret sources: before the migration hook (-1), which reads the
 * database URL, and before the workloads (0).
 */
export const SECRET_SYNC_WAVE = SYNC_WAVES.ExternalSecret;

/** Annotations every source object carries. */
export function sourceAnnotations(syncWave: number): Record<string, string> {
  return {
    ...syncWaveAnnotation(syncWave),
    // CRD-backed: on a first sync the CRD may not be served yet, and the dry run would fail.
    ...syncOptionsAnnotation([SKIP_DRY_RUN_ON_MISSING_RESOURCE]),
  };
}

/** A short, stable checksum of a source's spec, for `berth.dev/secret-version`. */
export function specChecksum(spec: unknown): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 16);
}

/** Rejects an empty item list: a source without items would create an empty Secret. */
export function requireItems(owner: string, count: number): void {
  if (count === 0) throw new Error(`${owner}: items is empty; list at least one secret item`);
}
