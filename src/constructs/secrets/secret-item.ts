/**
 * One secret value as the constructs see it: the env name the app knows it by, the key it has in
 * the Secret, the file it becomes, and the processes that get it. Every default of an item is
 * resolved here, once, for the sources (which write the keys) and the deliveries (which read them).
 */

/** One secret value and who gets it. */
export interface SecretItem {
  /** The env var name the app knows the value by, e.g. `JWT_SECRET`. */
  readonly name: string;
  /** File name in the secrets directory. @default - the name lower-cased, e.g. `jwt_secret` */
  readonly file?: string;
  /** Key in the Secret. @default - the file name */
  readonly key?: string;
  /** Processes (and jobs) that get the value. @default - every process of the service */
  readonly consumers?: readonly string[];
}

/** An item with its defaults applied and checked. */
export interface ResolvedSecretItem {
  /** The env var name the app knows the value by. */
  readonly name: string;
  /** File name in the secrets directory. */
  readonly file: string;
  /** Key in the Secret. */
  readonly key: string;
  /** The processes (and jobs) that get the value. */
  readonly consumers: readonly string[];
}

/** The file name of an item that sets none: its name lower-cased (`JWT_SECRET` → `jwt_secret`). */
export function defaultSecretFile(name: string): string {
  return name.toLowerCase();
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
// A Secret data key (what the API server accepts); the same rule makes a safe single file name,
// except the kubelet's own `..data` / `..<timestamp>` entries, which nothing may shadow.
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;
const isFileName = (s: string) => SECRET_KEY.test(s) && !s.startsWith('..') && s !== '.';

/** An item's name, file and key, resolved and checked: what the sources need. */
export type SecretItemKeys = Omit<ResolvedSecretItem, 'consumers'>;

/**
 * Applies the file and key defaults and rejects what Kubernetes would reject later or what would
 * silently deliver the wrong value: names that are not env names, keys or files that are not
 * plain names, two items on one key or one file.
 *
 * @param owner the construct, named in error messages
 */
export function resolveSecretKeys(owner: string, items: readonly SecretItem[]): SecretItemKeys[] {
  const byKey = new Map<string, string>();
  const byFile = new Map<string, string>();
  return items.map((item) => {
    const file = item.file ?? defaultSecretFile(item.name);
    const key = item.key ?? file;
    if (!ENV_NAME.test(item.name)) {
      throw new Error(`${owner}: item name "${item.name}" is not an environment variable name; use letters, digits and "_", not starting with a digit`);
    }
    if (!isFileName(file)) {
      throw new Error(`${owner}: item ${item.name} has file "${file}", which is not a plain file name; use letters, digits, ".", "_" and "-", no "/" and no leading ".."`);
    }
    if (!SECRET_KEY.test(key)) {
      throw new Error(`${owner}: item ${item.name} has key "${key}", which is not a valid Secret key; use letters, digits, ".", "_" and "-"`);
    }
    const keyOwner = byKey.get(key);
    if (keyOwner) throw new Error(`${owner}: items ${keyOwner} and ${item.name} both use the Secret key "${key}"; give each item its own key`);
    byKey.set(key, item.name);
    const fileOwner = byFile.get(file);
    if (fileOwner) throw new Error(`${owner}: items ${fileOwner} and ${item.name} both use the file name "${file}"; give each item its own file`);
    byFile.set(file, item.name);
    return { name: item.name, file, key };
  });
}

/**
 * Resolves names, files and keys (see `resolveSecretKeys`) and consumers, which default to every
 * process and must be processes of the service.
 *
 * @param owner the construct, named in error messages
 * @param processes every process of the service
 */
export function resolveSecretItems(owner: string, items: readonly SecretItem[], processes: readonly string[]): ResolvedSecretItem[] {
  const known = new Set(processes);
  return resolveSecretKeys(owner, items).map((resolved, i) => {
    const consumers = items[i].consumers ?? processes;
    if (consumers.length === 0) {
      throw new Error(`${owner}: item ${resolved.name} has an empty consumers list, so no process would get it; list the processes that read it, or omit consumers for all of them`);
    }
    for (const c of consumers) {
      if (!known.has(c)) {
        throw new Error(`${owner}: item ${resolved.name} lists consumer "${c}", which is not a process of this service (known: ${[...known].sort().join(', ') || 'none'})`);
      }
    }
    return { ...resolved, consumers: [...new Set(consumers)] };
  });
}

/** The processes that get at least one item, in the order of `processes`. */
export function consumersOf(items: readonly ResolvedSecretItem[], processes: readonly string[]): string[] {
  const used = new Set(items.flatMap((i) => i.consumers));
  return processes.filter((p) => used.has(p));
}

/** The named items, in the order given; an unknown name is an error that lists the known ones. */
export function pick(owner: string, items: readonly ResolvedSecretItem[], names: readonly string[]): ResolvedSecretItem[] {
  return names.map((n) => {
    const item = items.find((i) => i.name === n);
    if (!item) throw new Error(`${owner}: no secret item "${n}" (known: ${items.map((i) => i.name).join(', ')})`);
    return item;
  });
}
