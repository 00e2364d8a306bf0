/**
 * Recognising credentials: used to refuse secret literals in specs and to guard the output.
 * Pure string tests, no I/O.
 */

/** Env var names that hold secrets by convention. `*_FILE` names hold a path, not a secret. */
const SECRET_NAME = /(^|_)(SECRET|PASSWORD|PASSWD|PASS|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIALS?|KEY)($|_)/i;

/** Prefixes of well-known credential formats. */
const KNOWN_PREFIXES: ReadonlyArray<[RegExp, string]> = [
  [/\bsk-(proj-|ant-)?[A-Za-z0-9_-]{16,}/, 'an OpenAI/Anthropic-style API key (sk-…)'],
  [/\bgh[pousr]_[A-Za-z0-9]{30,}/, 'a GitHub token'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key id'],
  [/\bxox[abposr]-[A-Za-z0-9-]{10,}/, 'a Slack token'],
  [/\bAIza[0-9A-Za-z_-]{35}\b/, 'a Google API key'],
  // The whole block when it is there; the header alone still says what it is.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----(?:[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----)?/, 'a PEM private key'],
  [/\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/, 'a JSON Web Token'],
];

/** The password of `scheme://user:password@host` (the user may be empty: `redis://:password@host`); group 1. */
const URL_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:([^/\s@]+)@/gi;
/** The same, for the first match only: not global, so `exec` keeps no position between calls (and it is compiled once, not per value). */
const URL_PASSWORD_FIRST = new RegExp(URL_PASSWORD.source, 'i');

/** Does this env var name say it holds a secret? */
export function isSecretName(name: string): boolean {
  return !/_FILE$/.test(name) && SECRET_NAME.test(name);
}

/** What `berth new` writes where a command line held a credential: a marker, not a secret. */
export const CREDENTIAL_PLACEHOLDER = 'REDACTED-move-to-a-secret';

/**
 * Values that cannot hold a secret even under a secret-sounding name: flags, numbers and durations
 * (`TOKEN_TTL=3600`, `PASSWORD_MIN_LENGTH=12`), and Kubernetes `$(VAR)` references.
 */
export function obviouslyNotSecret(value: string): boolean {
  return value === '' || /^(?:true|false|yes|no|on|off|\d{1,6}[smhd]?)$/i.test(value) || /^\$\([A-Za-z_][A-Za-z0-9_]*\)$/.test(value);
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Why a value looks like a credential, or undefined. Checks known key formats, URLs with a
 * password (`scheme://user:pass@host`), and long random-looking tokens.
 */
export function credentialReason(value: string): string | undefined {
  for (const [re, what] of KNOWN_PREFIXES) if (re.test(value)) return `looks like ${what}`;
  const url = URL_PASSWORD_FIRST.exec(value);
  if (url && !/^\$\(|^\$\{/.test(url[1])) return 'is a URL with a password in it (scheme://user:password@host)';
  for (const token of value.split(/[\s,;"'=]+/)) {
    if (token.length >= 24 && looksRandom(token)) return 'is a long high-entropy string (a key or token?)';
  }
  return undefined;
}

/**
 * A token in the alphabet keys are written in that reads as random: mixed-case base64 or
 * base64url with digits, or a long hex string. Lower-case identifiers (python module paths,
 * names with "_" or "."), file paths and shell expansions such as ${BATCH:-5000} are not.
 */
function looksRandom(token: string): boolean {
  if (/^[0-9a-f]{32,}$/i.test(token)) return true;
  // A file path is not a key, however random its parts ("/" is also base64, but not first).
  return /^[A-Za-z0-9+_-][A-Za-z0-9+/_-]*=*$/.test(token) && /[a-z]/.test(token) && /[A-Z]/.test(token) && /[0-9]/.test(token) && entropy(token) >= 4.0;
}

/** Where a credential sits in a text: a span to redact and what kind of credential it is. */
export interface CredentialSpan {
  readonly start: number;
  readonly end: number;
  readonly kind: string;
}

/**
 * The spans of `text` that are credentials by their shape alone: well-known key formats and the
 * password of a URL. Long random-looking tokens are left out: in synthesized output they are
 * digests and checksums, and the ones a spec holds are remembered by value (util/redact.ts).
 */
export function credentialSpans(text: string): CredentialSpan[] {
  const spans: CredentialSpan[] = [];
  for (const [re, what] of KNOWN_PREFIXES) {
    for (const m of text.matchAll(new RegExp(re.source, 'g'))) spans.push({ start: m.index, end: m.index + m[0].length, kind: what });
  }
  for (const m of text.matchAll(URL_PASSWORD)) {
    // Expansions and placeholders (the word "password" in an example URL) are not passwords.
    if (/^\$\(|^\$\{/.test(m[1]) || /^(password|\*+|<[^>]*>)$/i.test(m[1])) continue;
    const start = m.index + m[0].length - 1 - m[1].length;
    spans.push({ start, end: start + m[1].length, kind: 'a password in a URL' });
  }
  // Overlapping spans (a token inside a URL) are merged, so each character is redacted once.
  spans.sort((a, b) => a.start - b.start);
  const merged: CredentialSpan[] = [];
  for (const s of spans) {
    const last = merged[merged.length - 1];
    if (last && s.start < last.end) merged[merged.length - 1] = { ...last, end: Math.max(last.end, s.end) };
    else merged.push(s);
  }
  return merged;
}
