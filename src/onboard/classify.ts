/**
 * Sorting env vars into config and secrets. A key is a secret when its name says so or its value
 * looks like a credential (the same tests `loadProject` uses to refuse secret literals). A secret's
 * value is dropped here, at the first step: nothing downstream ever sees it.
 */
import { EnvName } from '../spec/schema';
import { credentialReason, isSecretName } from '../util/credentials';
import { basename, isHostPath } from './draft';
import { NoteList } from './notes';

/** One env var as read from an input, with its line when the parser knows it. */
export interface EnvEntry {
  readonly name: string;
  /** Undefined when the input names the variable without a value (inherited from the shell). */
  readonly value: string | undefined;
  readonly line?: number;
}

/** Config and secret names, split. */
export interface ClassifiedEnv {
  readonly env: Record<string, string>;
  /** Secret env var names, with the secret file name when the input said (`X_FILE=/run/secrets/x`). */
  readonly secrets: Record<string, { file?: string }>;
}

const SECRETS_DIR = '/run/secrets/';

/**
 * Classifies env entries. `where` names the block in notes (`environment of service backend`);
 * `interpolation` treats `${VAR}` as Compose interpolation.
 */
export function classifyEnv(entries: readonly EnvEntry[], notes: NoteList, where: string, interpolation = false): ClassifiedEnv {
  const env: Record<string, string> = {};
  const secrets: Record<string, { file?: string }> = {};
  for (const { name, value, line } of entries) {
    if (!EnvName.safeParse(name).success) {
      notes.add(line, `${where}: "${name}" is not a valid env var name (letters, digits, "_"); skipped`);
      continue;
    }
    if (/_FILE$/.test(name) && value?.startsWith(SECRETS_DIR)) {
      // The app reads NAME_FILE: berth sets it itself when secrets are delivered as files.
      const secret = name.slice(0, -'_FILE'.length);
      secrets[secret] = { file: basename(value) };
      notes.add(line, `${where}: ${name} points at a secret file; ${secret} became a secret reference and berth sets ${name} itself`);
      continue;
    }
    const byValue = value ? credentialReason(value) : undefined;
    if (isSecretName(name) || byValue) {
      secrets[name] = {};
      const why = byValue ? `its value ${byValue}` : 'its name says it is a secret';
      notes.add(line, `${where}: ${name} is a secret (${why}): it became a secret reference; its value was not copied`);
      continue;
    }
    if (value === undefined) {
      notes.add(line, `${where}: ${name} has no value here (it is taken from the shell that starts the app); set it under env, or as a secret`);
      continue;
    }
    let v = value;
    if (interpolation && /\$\{?[A-Za-z_]/.test(v)) {
      const m = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:?-)([^}]*)\}$/.exec(v);
      if (m && !/\$/.test(m[3])) {
        v = m[3];
        notes.add(line, `${where}: ${name} uses Compose interpolation \${${m[1]}${m[2]}…}; took its default "${v}", check it`);
      } else {
        notes.add(line, `${where}: ${name} uses Compose interpolation (${v}); Kubernetes does not expand it, write the real value`);
      }
    }
    if (/venv|virtualenv|environments\//i.test(v) && isHostPath(v)) {
      notes.add(line, `${where}: ${name}=${v} is a virtualenv on the old host; the image carries its own Python environment, so you can probably remove ${name}`);
    } else if (isHostPath(v)) {
      notes.add(line, `${where}: ${name}=${v} is a path on the old host; it does not exist in the container. Mount a volume (volumes.<name>.mountPath) or bake the files into the image, and point ${name} there`);
    }
    if (/^(RUN_|ENABLE_)?(SCHEDULER|LEADER)$/.test(name)) {
      notes.add(line, `${where}: ${name} looks like a leader flag; if exactly one instance must run it, add singletons: { scheduler: { like: <web process>, flag: ${name} } } (berth sets it to "1" there and "0" everywhere else)`);
    }
    env[name] = v;
  }
  return { env, secrets };
}
