/**
 * Redaction of secret values from everything berth prints. Two nets: the values this process
 * has read from specs that must never be printed (anything a person wrote under `secrets`
 * where a reference belongs, values under secret-looking names, credential-shaped strings),
 * and credential shapes (a URL with a password, well-known key formats) in any text at all.
 * Every formatter of messages runs its output through {@link redact}; the CLI runs everything
 * it writes through it once more, so a message built anywhere cannot leak a value.
 */
import { credentialReason, credentialSpans, isSecretName } from './credentials';

/** Fields under `secrets` that name or reference a secret, never hold its value. */
const SECRET_REFERENCE_FIELDS = new Set([
  'existingSecret', 'store', 'storeKind', 'refreshInterval', 'scope', 'delivery', 'mountPath', 'dotenvPath',
  'file', 'key', 'remoteKey', 'property', 'encrypted', 'consumers',
]);

/** Pod scheduling fields (spec/pod-settings.ts) whose `key` fields name taints and labels. */
const SCHEDULING_FIELDS = new Set(['tolerations', 'affinity', 'topologySpreadConstraints']);

/**
 * Shorter values are not remembered: a secret that short is not worth a password manager, and
 * redacting every "on" or "1" would make messages unreadable.
 */
const MIN_REMEMBERED = 6;

/** Values read from specs in this process that must never be printed, longest first when redacting. */
const remembered = new Set<string>();

/** How a redacted value is shown: what kind of value it was and its length, never the value. */
export function describeSecret(value: string, kind = 'a secret value'): string {
  return `[redacted: ${kind}, ${value.length} characters]`;
}

/**
 * Why a value found at `path` of a spec must not be printed, or undefined. A value under
 * `secrets` that is not one of its reference fields, a value under a secret-looking name, and
 * a credential-shaped value anywhere.
 */
export function secretKind(path: readonly PropertyKey[], value: string): string | undefined {
  const shape = credentialReason(value);
  if (shape) return 'a credential';
  const keys = path.filter((s): s is string => typeof s === 'string');
  // Under `secrets` the schema says which fields are references; anything else is a value.
  if (keys[0] === 'secrets') return keys.slice(1).some((k) => SECRET_REFERENCE_FIELDS.has(k)) ? undefined : 'a value under secrets';
  const name = keys[keys.length - 1];
  // The `key` of a toleration or a label selector is a taint or label key, never a secret.
  if (name === 'key' && keys.some((k) => SCHEDULING_FIELDS.has(k))) return undefined;
  if (name !== undefined && isSecretName(name)) return 'a value under a secret-looking name';
  return undefined;
}

/**
 * Remembers every value of parsed spec data that must never be printed (see {@link secretKind}),
 * and every key that is itself credential-shaped. Called once per file the loader parses.
 */
export function rememberSecrets(data: unknown, path: readonly PropertyKey[] = []): void {
  if (typeof data === 'string') {
    if (data.length >= MIN_REMEMBERED && secretKind(path, data)) remembered.add(data);
    return;
  }
  if (data === null || typeof data !== 'object') return;
  if (Array.isArray(data)) {
    data.forEach((v, i) => rememberSecrets(v, [...path, i]));
    return;
  }
  for (const [k, v] of Object.entries(data)) {
    if (k.length >= MIN_REMEMBERED && credentialReason(k)) remembered.add(k);
    // A plain number or boolean under a secret name ("PASSWORD: 123456") is a value too.
    const value = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
    rememberSecrets(value, [...path, k]);
  }
}

/** The values remembered so far (tests). */
export function rememberedSecrets(): string[] {
  return [...remembered].sort();
}

/** Forgets every remembered value (tests; a long-lived process between projects). */
export function forgetSecrets(): void {
  remembered.clear();
}

/** Replaces every remembered value and every credential-shaped span of `text` by its description. */
export function redact(text: string): string {
  let out = text;
  for (const value of [...remembered].sort((a, b) => b.length - a.length)) {
    // JSON output escapes quotes and backslashes: redact the escaped form too.
    for (const form of new Set([value, JSON.stringify(value).slice(1, -1)])) out = out.split(form).join(describeSecret(value));
  }
  // Right to left, so earlier offsets stay valid.
  for (const { start, end, kind } of credentialSpans(out).sort((a, b) => b.start - a.start)) {
    out = out.slice(0, start) + describeSecret(out.slice(start, end), kind) + out.slice(end);
  }
  return out;
}
