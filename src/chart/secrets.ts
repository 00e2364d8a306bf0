/**
 * Spec → secret delivery (files with NAME_FILE, a .env, or secretKeyRef env) and the GitOps-safe
 * source objects (existing Secret, ExternalSecret, SealedSecret).
 */
import { ServiceContext } from './context';

/** Adds the secret sources and each process's secret volumes, mounts and env. */
export function buildSecrets(ctx: ServiceContext): void {
  if (!ctx.spec.secrets) return;
  // Implemented in the secrets work (issue 4).
}
