/**
 * The common currency of every check: manifests as plain objects with the file they come from,
 * and findings that name the object, the field path, the problem and the fix.
 */

/** One Kubernetes object and where it was (or will be) written. */
export interface Manifest {
  /** Repository-relative file, e.g. `dist/prod/rag/manifests.yaml`. */
  readonly file: string;
  // Kubernetes objects are open-ended JSON; checks read them defensively.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly object: Record<string, any>;
}

/** Which check produced a finding. */
export type CheckName = 'schema' | 'pod-security' | 'rbac' | 'guardrail' | 'secret-leak';

/** One problem in one object. */
export interface Finding {
  readonly check: CheckName;
  readonly file: string;
  /** `Kind/namespace/name` (or `Kind/name` for cluster-scoped objects). */
  readonly object: string;
  /** JSON-path-like field path, e.g. `spec.template.spec.containers[0].securityContext`. */
  readonly path: string;
  readonly message: string;
  readonly fix?: string;
}

/** `Kind/namespace/name` for a manifest. */
export function objectRef(obj: Manifest['object']): string {
  const md = obj?.metadata ?? {};
  return [obj?.kind ?? '?', md.namespace, md.name ?? '?'].filter(Boolean).join('/');
}
