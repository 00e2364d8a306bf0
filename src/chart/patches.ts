/**
 * The patches stage of a unit's synth (app.ts): berth's objects → extra objects → the TypeScript
 * hook → patches → checks. Patches change the rendered objects before any check runs, so a patch
 * can loosen nothing that Pod Security, the guardrails or the leak guard would refuse; the one
 * default a reason may loosen (readOnlyRootFilesystem, as `security.reason` does for berth's own
 * pods) takes the patch's `reason`, recorded on the pods where the production guardrail
 * (check/guardrails.ts) looks for it, whatever wrote the container.
 */
import { objectRef } from '../check/types';
import { dig, isObj, podContainers, podTemplates } from '../check/pod-walker';
import { Problem, SpecError } from '../spec/errors';
import { PatchSource } from '../spec/load';
import { Patch } from '../spec/schema';
import { POD_SECURITY_LABEL_PREFIX, SECURITY_EXCEPTION_ANNOTATION } from '../util/annotations';
import { applyJsonPatch, applyMergePatch, PatchFailure, PatchResult } from '../util/json-patch';
import { kindAndName, sortedKeys } from './extra-objects';

/** A patch applied to an object: where it was written, and the fields it changed there. */
export interface AppliedPatch {
  readonly source: PatchSource;
  readonly changed: readonly string[];
}

/** How {@link applyPatches} runs in one unit. */
export interface PatchContext {
  /** Where each patch was written (spec/load.ts), in the order of the patches. */
  readonly sources: readonly PatchSource[];
}

/** Containers' readOnlyRootFilesystem, by pod template and container: `spec.template/app` → true. */
function readOnlyRoots(object: Record<string, any>): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const t of podTemplates([{ file: '', object }])) {
    for (const c of podContainers(t)) out.set(`${t.specPath}/${c.name}`, (isObj(c.container.securityContext) && c.container.securityContext.readOnlyRootFilesystem) === true);
  }
  return out;
}

/** Whether some container of `after` has a writable root filesystem that it did not have in `before` (a container added counts). */
function loosensReadOnlyRoot(before: Record<string, any>, after: Record<string, any>): boolean {
  const was = readOnlyRoots(before);
  return [...readOnlyRoots(after)].some(([k, ro]) => !ro && was.get(k) !== false);
}

/** The Pod Security admission labels of a Namespace (none for other kinds). */
function podSecurityLabels(object: Record<string, any>): Array<[string, unknown]> {
  if (object.kind !== 'Namespace') return [];
  return Object.entries(object.metadata?.labels ?? {}).filter(([k]) => k.startsWith(POD_SECURITY_LABEL_PREFIX));
}

/** Records the reason on every pod template of the object (appended to one berth wrote). */
function recordException(object: Record<string, any>, reason: string): void {
  for (const t of podTemplates([{ file: '', object }])) {
    const template = (t.metadataPath === 'metadata' ? object : dig(object, t.metadataPath.slice(0, -'.metadata'.length))) as Record<string, any>;
    const md = (template.metadata ??= {});
    const ann = (md.annotations ??= {});
    ann[SECURITY_EXCEPTION_ANNOTATION] = ann[SECURITY_EXCEPTION_ANNOTATION] ? `${ann[SECURITY_EXCEPTION_ANNOTATION]}; ${reason}` : reason;
  }
}

/** The op a message names: `operation 2 (replace /spec/replicas)`. */
function describeOp(patch: Patch, index: number): string {
  if (!patch.patch || index < 0) return 'the merge';
  const op = patch.patch[index];
  return `operation ${index + 1} (${op.op}${'from' in op ? ` ${op.from} →` : ''} ${op.path === '' ? '""' : op.path})`;
}

/**
 * Applies the patches in order, each to the one object of its target kind and name, replacing it
 * in `objects`. Returns what each patched object went through, by object reference, so app.ts
 * can tell a finding on a changed field at its patch. Throws SpecError with every patch that
 * failed: a target that does not exist (listing those that do), or an operation that fails.
 */
export function applyPatches(objects: Array<Record<string, any>>, patches: readonly Patch[], ctx: PatchContext): Map<string, AppliedPatch[]> {
  const applied = new Map<string, AppliedPatch[]>();
  const problems: Problem[] = [];
  patches.forEach((patch, i) => {
    const source = ctx.sources[i] ?? { file: 'patches', index: i };
    const field = `patches[${source.index}]`;
    const problem = (path: string, message: string, fix: string, line = source.line) => problems.push({ file: source.file, path, message, fix, ...(line === undefined ? {} : { line }) });
    const at = objects.findIndex((o) => o.kind === patch.target.kind && o.metadata?.name === patch.target.name);
    if (at < 0) {
      // The objects of the kind it names when there are any (a misspelled name), else every one.
      const sameKind = objects.filter((o) => o.kind === patch.target.kind);
      const existing = (sameKind.length ? sameKind : objects).map(kindAndName).sort();
      problem(`${field}.target`, `patch ${source.index + 1} targets ${patch.target.kind} ${patch.target.name}, which the service does not have; it has ${sameKind.length ? '' : 'no ' + patch.target.kind + ', but '}${existing.join(', ')}`, 'set target.kind and target.name to one of the objects listed (as in dist/<env>/<service>/manifests.yaml)');
      return;
    }
    const before = objects[at];
    let result: PatchResult;
    try {
      result = patch.patch ? applyJsonPatch(before, patch.patch) : applyMergePatch(before, patch.merge ?? {});
    } catch (e) {
      if (!(e instanceof PatchFailure)) throw e;
      const where = patch.patch ? `${field}.patch[${e.index}]` : `${field}.merge`;
      problem(where, `patch ${source.index + 1} (${kindAndName(before)}): ${describeOp(patch, e.index)} failed: ${e.message}`, patch.patch ? 'fix the path (write ~1 for "/" and ~0 for "~" inside a key), or the value a test op expects; the object is in dist/<env>/<service>/manifests.yaml' : 'fix the merge object to match the object in dist/<env>/<service>/manifests.yaml', source.opLines?.[e.index] ?? source.line);
      return;
    }
    const object = sortedKeys(result.object) as Record<string, any>;
    if (object.kind !== before.kind || object.metadata?.name !== before.metadata?.name || object.metadata?.namespace !== before.metadata?.namespace) {
      problem(field, `patch ${source.index + 1} changes the kind, name or namespace of ${kindAndName(before)}`, 'patch the fields of the object, not what identifies it; add another object in extra/ instead');
      return;
    }
    // The namespace's Pod Security labels are what the cluster enforces on every pod in it,
    // berth's or not: a patch may not loosen (or change) them.
    const changedLabels = podSecurityLabels(before).filter(([k, v]) => object.metadata?.labels?.[k] !== v).map(([k]) => k);
    if (changedLabels.length) {
      problem(field, `patch ${source.index + 1} changes ${changedLabels.join(', ')} of ${kindAndName(before)}`, 'remove the change: every namespace berth writes enforces Pod Security "restricted", which every pod berth checks passes');
      return;
    }
    // The patch's reason is recorded where it turned readOnlyRootFilesystem off, or added a
    // container without it; the production guardrail reads it there.
    if (patch.reason !== undefined && loosensReadOnlyRoot(before, object)) recordException(object, patch.reason);
    objects[at] = object;
    const ref = objectRef(object);
    applied.set(ref, [...(applied.get(ref) ?? []), { source, changed: result.changed }]);
  });
  if (problems.length) throw new SpecError(problems);
  return applied;
}
