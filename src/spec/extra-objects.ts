/**
 * Extra objects (docs/escape-hatches.md): any object a service needs that berth does not write,
 * from `charts/<service>/extra/*.yaml` (every environment) and `extra/<env>/*.yaml` (one).
 * Pure: main.ts reads the files. What is refused here is refused before anything is built, each
 * problem at its file, document and line; the checks then hold the objects to the same rules as
 * berth's own (app.ts tells their findings at the extra file).
 */
import * as yaml from 'js-yaml';
import { KIND_MODELS } from '../check/schema-kinds';
import { YamlLines } from '../onboard/yaml-positions';
import { kindKey, kindOf } from '../util/kinds';
import { rememberSecrets } from '../util/redact';
import { parsePath, Problem } from './errors';
import { countNodes, findCredentials, LIMITS, SourceFile } from './load';

/** One object of an extra file, and where it was written. */
export interface ExtraObject {
  /** The extra file, e.g. `charts/ledger/extra/podmonitor.yaml`. */
  readonly file: string;
  /** Its index among the file's documents, from 0. */
  readonly index: number;
  /** The 1-based line its document starts at. */
  readonly line: number;
  /** The line of a field of it (for findings on it). */
  readonly lineOf: (path: ReadonlyArray<string | number>) => number;
  readonly object: Readonly<Record<string, any>>;
}

/** `charts/<service>/extra/<file>` (every environment) or `charts/<service>/extra/<env>/<file>` (one). */
export const EXTRA_FILE = /^charts\/([^/]+)\/extra\/(?:([^/]+)\/)?([^/]+)$/;

/**
 * Kinds the strict schema knows that a service may not add: its Namespace is berth's own (and
 * cluster-scoped: its AppProject allows no other cluster-scoped object), Argo CD's objects belong
 * to the root's project, and a Secret in Git is a secret value in Git.
 */
const REFUSED: Readonly<Record<string, string>> = {
  Namespace: 'a Namespace is cluster-scoped, and the service already has its own (berth writes it); its AppProject allows no other cluster-scoped object',
  Application: "Argo CD's objects belong to the root Application's project, which a service cannot write to",
  AppProject: "Argo CD's objects belong to the root Application's project, which a service cannot write to",
  Secret: 'a Secret in Git is a secret value in Git (the leak guard), and the AppProject of every service leaves Secrets out',
};
const SECRET_FIX = 'reference the secret instead: add it under secrets.items (an ExternalSecret or SealedSecret berth writes), or put an ExternalSecret or SealedSecret in extra/';

/** One document of a file: its text, and the line it starts at. */
function documents(text: string): Array<{ text: string; line: number }> {
  const lines = text.split('\n');
  const out: Array<{ text: string; line: number }> = [];
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || /^---(\s|$)/.test(lines[i])) {
      const body = lines.slice(start, i);
      // Content on the `---` line itself (`--- # comment`) is not a document of its own.
      if (body.some((l) => /^[ \t]*[^#\s]/.test(l))) out.push({ text: body.join('\n'), line: start + 1 });
      start = i + 1;
    }
  }
  return out;
}

/**
 * Parses one extra file into its objects, or the problems of each: YAML, the shape of an object,
 * the kinds berth validates and allows, Secrets and credential-shaped values.
 */
export function parseExtraFile(file: SourceFile): { objects: ExtraObject[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const objects: ExtraObject[] = [];
  const fail = (message: string, fix: string, line?: number, path = '') => problems.push({ file: file.path, path, message, fix, ...(line === undefined ? {} : { line }) });
  if (!/\.ya?ml$/.test(file.path)) {
    fail('Unexpected file in extra/', 'extra/ holds Kubernetes objects as .yaml files; rename or move it');
    return { objects, problems };
  }
  if (Buffer.byteLength(file.text, 'utf8') > LIMITS.maxBytes) {
    fail(`File is larger than ${LIMITS.maxBytes / 1024} KiB`, 'split it into several files, or remove generated content');
    return { objects, problems };
  }
  const docs = documents(file.text);
  if (docs.length === 0) fail('File is empty', 'write a Kubernetes object (apiVersion, kind, metadata.name), or delete the file');
  docs.forEach((doc, index) => {
    const positions = new YamlLines(doc.text);
    const lineOf = (path: ReadonlyArray<string | number>) => doc.line + (positions.line(path) ?? 1) - 1;
    const where = `Document ${index + 1}`;
    let data: unknown;
    try {
      data = yaml.load(doc.text, { filename: file.path, maxAliases: LIMITS.maxAliases, maxDepth: LIMITS.maxDepth });
    } catch (e) {
      const err = e as Error & { reason?: string; mark?: { line: number } };
      const reason = err.reason ?? err.message.split('\n')[0];
      const line = err.mark ? doc.line + err.mark.line : doc.line;
      if (/alias/i.test(reason)) fail(`${where}: YAML uses too many aliases: ${reason}`, `use at most ${LIMITS.maxAliases} aliases; write the values out`, line);
      else if (/maxDepth/.test(reason)) fail(`${where}: YAML nests deeper than ${LIMITS.maxDepth} levels`, 'write the object out flat, as kubectl get -o yaml shows it', line);
      else fail(`${where}: YAML syntax error: ${reason}`, 'fix the YAML syntax (indentation, quoting, a missing colon)', line);
      return;
    }
    // Aliases expand: a few lines can stand for millions of values, which every later step would walk.
    if (countNodes(data, LIMITS.maxNodes) > LIMITS.maxNodes) {
      fail(`${where} has more than ${LIMITS.maxNodes} values once aliases are expanded`, 'write the values out instead of nesting aliases, or split the object', doc.line);
      return;
    }
    rememberSecrets(data);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      fail(`${where} is not a Kubernetes object (got ${Array.isArray(data) ? 'a list' : typeof data})`, 'write one object per document (apiVersion, kind, metadata), separated by ---', doc.line);
      return;
    }
    const o = data as Record<string, any>;
    const name = o.metadata?.name;
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof name !== 'string' || name === '') {
      const missing = typeof o.apiVersion !== 'string' ? 'apiVersion' : typeof o.kind !== 'string' ? 'kind' : 'metadata.name';
      fail(`${where} has no ${missing}`, 'every object needs apiVersion, kind and metadata.name', doc.line, missing);
      return;
    }
    const what = `${where} (${o.kind} ${name})`;
    if (o.kind === 'Secret') {
      // Remembered before any message is built: none may print them.
      rememberSecrets(o.data, ['secrets']);
      rememberSecrets(o.stringData, ['secrets']);
      const values = ['data', 'stringData'].filter((f) => o[f] !== undefined);
      const message = values.length ? `${what} is a Secret with values in ${values.join(' and ')}: ${REFUSED.Secret}` : `${what} is a Secret: ${REFUSED.Secret}`;
      fail(message, SECRET_FIX, lineOf(values.length ? [values[0]] : ['kind']), values[0] ?? 'kind');
      return;
    }
    if (!Object.hasOwn(KIND_MODELS, kindKey(o))) {
      const known = Object.keys(KIND_MODELS).filter((k) => !Object.hasOwn(REFUSED, kindOf(k)));
      const versions = known.filter((k) => k.endsWith(`/${o.kind}`));
      fail(
        versions.length
          ? `${what}: berth validates ${o.kind} as ${versions.map((k) => k.slice(0, -o.kind.length - 1)).join(', ')}, not ${o.apiVersion}`
          : `${what}: berth has no schema for ${o.apiVersion} ${o.kind}, and validates every object it writes strictly`,
        versions.length
          ? `write apiVersion: ${versions[0].slice(0, -o.kind.length - 1)}`
          : `use a kind berth validates (${known.map((k) => kindOf(k)).join(', ')}), or add the kind's kubernetes-models class to src/check/schema-kinds.ts`,
        lineOf(versions.length ? ['apiVersion'] : ['kind']),
        versions.length ? 'apiVersion' : 'kind',
      );
      return;
    }
    if (Object.hasOwn(REFUSED, o.kind)) {
      fail(`${what} cannot be an extra object: ${REFUSED[o.kind]}`, 'remove it from extra/', lineOf(['kind']), 'kind');
      return;
    }
    const credentials = findCredentials(file.path, o);
    for (const c of credentials) problems.push({ ...c, message: `${where}: ${c.message}`, line: lineOf(parsePath(c.path)) });
    if (credentials.length) return;
    objects.push({ file: file.path, index, line: doc.line, lineOf, object: o });
  });
  // Two objects of one kind and name: the second would replace the first in the cluster.
  const seen = new Map<string, ExtraObject>();
  for (const x of objects) {
    const key = `${x.object.kind}/${x.object.metadata.name}`;
    const first = seen.get(key);
    if (first) fail(`Document ${x.index + 1} (${x.object.kind} ${x.object.metadata.name}) repeats document ${first.index + 1}`, 'give each object its own name, or delete one', x.line);
    else seen.set(key, x);
  }
  return problems.length ? { objects: [], problems } : { objects, problems };
}

/**
 * The extra objects of one service in one environment, in its namespace: an object with no
 * namespace gets it, one in another namespace is refused (its Application may write into the
 * service's namespace only).
 */
export function extraObjectsIn(extras: readonly ExtraObject[], namespace: string): { objects: ExtraObject[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const objects: ExtraObject[] = [];
  for (const x of extras) {
    const ns = x.object.metadata.namespace;
    if (ns !== undefined && ns !== namespace) {
      problems.push({
        file: x.file,
        path: 'metadata.namespace',
        line: x.lineOf(['metadata', 'namespace']),
        message: `Document ${x.index + 1} (${x.object.kind} ${x.object.metadata.name}) is in namespace ${JSON.stringify(ns)}, not the service's namespace "${namespace}"`,
        fix: `remove metadata.namespace (berth puts the object in "${namespace}"); the service's Application may write only into its own namespace`,
      });
      continue;
    }
    objects.push(x);
  }
  return { objects, problems };
}
