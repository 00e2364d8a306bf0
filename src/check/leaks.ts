/**
 * The secret-leak guard: nothing berth writes into a GitOps repository may carry a credential.
 * berth only ever references secrets (an existing Secret, an ExternalSecret, a SealedSecret), so
 * a `Secret` with values, a credential-looking env, ConfigMap, annotation or label value, or a
 * secret-named env var with a literal value is a leak.
 *
 * Messages never repeat the value, not even a part of it: they say what kind of value it is and
 * how long (util/redact.ts `describeSecret`), which is enough to find it in the object they name.
 */
import { credentialReason, isSecretName, obviouslyNotSecret } from '../util/credentials';
import { describeSecret } from '../util/redact';
import { isObj, joinPath, keyPath, podContainers, podTemplates } from './pod-walker';
import { Finding, Manifest, objectRef } from './types';

/** How a leaked value is shown: its kind and length, never any of its characters. */
export function redact(value: string): string {
  return describeSecret(value, 'a credential');
}

/**
 * Why a value is a credential, ignoring content digests (`sha256:<hex>`), which are random-looking
 * by design and public.
 */
function leakReason(value: string): string | undefined {
  return credentialReason(value.replace(/\bsha(?:1|256|384|512):[0-9a-f]{32,}\b/gi, ''));
}


const FIX_ENV = (name: string) =>
  `put the value in a Secret (ExternalSecret or SealedSecret in Git), mount it as a file and point ${name}_FILE at it, or use valueFrom.secretKeyRef`;
const FIX_VALUE = 'remove the credential: reference it from a Secret instead of writing it into the manifest';

/** Checks manifests for secret values that must never reach Git. */
export function checkLeaks(manifests: readonly Manifest[]): Finding[] {
  const out: Finding[] = [];
  const add = (m: Manifest, path: string, message: string, fix: string) =>
    out.push({ check: 'secret-leak', file: m.file, object: objectRef(m.object), path, message, fix });

  for (const m of manifests) {
    const o = m.object;
    if (!isObj(o)) continue;

    if (o.kind === 'Secret') {
      for (const field of ['data', 'stringData'] as const) {
        const values = isObj(o[field]) ? Object.keys(o[field]) : [];
        if (!values.length) continue;
        add(
          m,
          field,
          `Secret carries ${values.length === 1 ? 'a value' : `${values.length} values`} in ${field} (${values.sort().join(', ')}); berth only references secrets`,
          'remove the Secret and reference the real one by name, or source it with an ExternalSecret (external-secrets.io/v1) or a SealedSecret',
        );
      }
    }

    if (o.kind === 'ConfigMap' && isObj(o.data)) {
      for (const [k, raw] of Object.entries(o.data)) {
        const value = typeof raw === 'string' ? raw : String(raw ?? '');
        const reason = leakReason(value);
        const named = isSecretName(k) && !obviouslyNotSecret(value);
        if (reason) add(m, keyPath('data', k), `ConfigMap key ${k} ${reason}: ${redact(value)}`, FIX_ENV(k));
        else if (named) add(m, keyPath('data', k), `ConfigMap key ${k} has a secret's name and a literal value: ${redact(value)}`, FIX_ENV(k));
      }
    }

    metadataLeaks(o.metadata, 'metadata', (path, msg) => add(m, path, msg, FIX_VALUE));
  }

  for (const t of podTemplates(manifests)) {
    const m = t.manifest;
    // A bare Pod's metadata was scanned above with every other object's.
    if (t.metadataPath !== 'metadata') metadataLeaks(t.metadata, t.metadataPath, (path, msg) => add(m, path, msg, FIX_VALUE));
    for (const c of podContainers(t)) {
      const env = Array.isArray(c.container.env) ? c.container.env : [];
      env.forEach((e: unknown, i: number) => {
        if (!isObj(e) || typeof e.value !== 'string') return;
        const name = String(e.name ?? '');
        const path = `${c.path}.env[${i}].value`;
        const reason = leakReason(e.value);
        if (reason) add(m, path, `Env var ${name} of container "${c.name}" ${reason}: ${redact(e.value)}`, FIX_ENV(name));
        else if (isSecretName(name) && !obviouslyNotSecret(e.value)) {
          add(m, path, `Env var ${name} of container "${c.name}" has a secret's name and a literal value: ${redact(e.value)}`, FIX_ENV(name));
        }
      });
      for (const field of ['command', 'args'] as const) {
        const items = Array.isArray(c.container[field]) ? c.container[field] : [];
        items.forEach((a: unknown, i: number) => {
          if (typeof a !== 'string') return;
          const reason = leakReason(a);
          if (reason) add(m, `${c.path}.${field}[${i}]`, `${field === 'command' ? 'Command' : 'Argument'} ${i} of container "${c.name}" ${reason}: ${redact(a)}`, 'read the credential from a mounted Secret file or an env var with valueFrom.secretKeyRef');
        });
      }
    }
  }
  return out;
}

/** Annotation and label values that look like credentials. */
function metadataLeaks(metadata: unknown, path: string, report: (path: string, message: string) => void): void {
  if (!isObj(metadata)) return;
  for (const [field, what] of [['annotations', 'Annotation'], ['labels', 'Label']] as const) {
    const values = isObj(metadata[field]) ? metadata[field] : {};
    for (const [k, v] of Object.entries(values)) {
      if (typeof v !== 'string') continue;
      const reason = leakReason(v);
      if (reason) report(keyPath(joinPath(path, field), k), `${what} ${k} ${reason}: ${redact(v)}`);
    }
  }
}
