/**
 * How berth writes a field of an object, in one home: the checks' findings (check/schema.ts,
 * check/pod-walker.ts) and the fields a patch changed (util/json-patch.ts) must be written alike,
 * or app.ts cannot tell a finding at the patch that caused it.
 */

/** A key written after a dot (`spec.replicas`); any other is written `["app.kubernetes.io/name"]`. */
export function isPlainKey(key: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key);
}

/** `spec.template.spec.containers[0].image`, `metadata.annotations["a/b"]`; `''` for no segments. */
export function fieldPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (isPlainKey(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}
