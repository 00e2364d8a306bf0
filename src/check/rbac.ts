/**
 * RBAC: a service may grant its own pods access to the Kubernetes API (a Role and a RoleBinding
 * in `extra/`, or from its hook), but never more than it can show in Git, and never a way to
 * grant itself more. Every rule here holds in every environment, with no `reason` to wave it
 * through: staging and production often share a cluster, the same Role is written to both, and
 * what these rules refuse (wildcards, escalation verbs, Secrets through the API, a ClusterRole)
 * is a platform component's grant, the platform team's to write, not an application's.
 *
 * - A RoleBinding binds a Role among the same objects, whose rules this check reads; never a
 *   ClusterRole (its rules live in the cluster, and the aggregated `view`, `edit` and `admin`
 *   grow whenever a CRD is installed), nor a Role that is not there.
 * - It grants to ServiceAccounts of its own namespace only: not users, groups, or another
 *   namespace's ServiceAccounts.
 * - A Role grants no `*` (in apiGroups, resources or verbs: it would cover what is added later),
 *   no `escalate`, `bind` or `impersonate` (each a way to grant itself more), no write to `roles`
 *   or `rolebindings` (a grant made outside Git, where this check cannot see it), and nothing on `secrets`: the pod already has the secrets berth gives it
 *   as files, and reading Secrets through the API bypasses the leak model.
 *
 * A Role no pod can use (no process mounts its token) is not a finding: it grants nothing, and
 * berth has no warning level (every finding fails the synth).
 */
import { isObj, Obj } from './pod-walker';
import { Finding, Manifest, objectRef } from './types';

const RBAC_GROUP = 'rbac.authorization.k8s.io';
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** Verbs that let the holder grant permissions it does not have, or act as someone else. */
const ESCALATING_VERBS: Readonly<Record<string, string>> = {
  escalate: 'lets the app write a Role with more than it holds',
  bind: 'lets the app bind a Role with more than it holds',
  impersonate: 'lets the app act as another user, group or ServiceAccount',
};

/** What a `*` in each field of a rule grants beyond what its author meant. */
const WILDCARD: Readonly<Record<'apiGroups' | 'resources' | 'verbs', string>> = {
  apiGroups: 'a wildcard covers every API group, those of CRDs installed later included',
  resources: 'a wildcard covers every resource, secrets and those of CRDs installed later included',
  verbs: 'a wildcard covers every verb, escalate, bind and impersonate included',
};

/** Verbs that change objects. */
const WRITE_VERBS: ReadonlySet<string> = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/**
 * Resources a write to is a grant made outside Git. (Kubernetes refuses a grant of more than the
 * writer holds, unless it also has `escalate` or `bind`, which are refused on their own.)
 */
const GRANT_RESOURCES: ReadonlySet<string> = new Set(['roles', 'rolebindings']);

const ROLE_FIX = 'grant only the resources and verbs the app calls (e.g. verbs: [get, list, watch] on configmaps); a platform component that needs more belongs to the platform team, outside the service';

/** `secrets`, `secrets/status` → `secrets`: a subresource is access to its resource. */
const resourceOf = (r: string) => r.split('/')[0];

function checkRole(m: Manifest): Finding[] {
  const out: Finding[] = [];
  const at = (path: string, message: string, fix = ROLE_FIX) => out.push({ check: 'rbac', file: m.file, object: objectRef(m.object), path, message, fix });
  const rules: unknown[] = Array.isArray(m.object.rules) ? m.object.rules : [];
  rules.forEach((rule, i) => {
    if (!isObj(rule)) return;
    const where = `rules[${i}]`;
    for (const field of ['apiGroups', 'resources', 'verbs'] as const) {
      strings(rule[field]).forEach((v, j) => {
        if (v.includes('*')) at(`${where}.${field}[${j}]`, `Rule ${i + 1} grants "${v}" in ${field}: ${WILDCARD[field]}`);
      });
    }
    const verbs = strings(rule.verbs);
    verbs.forEach((v, j) => {
      if (Object.hasOwn(ESCALATING_VERBS, v)) at(`${where}.verbs[${j}]`, `Rule ${i + 1} grants the verb "${v}", which ${ESCALATING_VERBS[v]}`);
    });
    const writes = verbs.filter((v) => WRITE_VERBS.has(v));
    strings(rule.resources).forEach((r, j) => {
      const resource = resourceOf(r);
      if (resource === 'secrets') {
        at(
          `${where}.resources[${j}]`,
          `Rule ${i + 1} grants access to "${r}": the pod already has the secrets berth gives it, as files, and reading Secrets through the API bypasses the leak model`,
          'remove secrets from the rule; reference the secret under secrets.items, and the process gets it as a file',
        );
      }
      if (GRANT_RESOURCES.has(resource) && writes.length) {
        at(`${where}.resources[${j}]`, `Rule ${i + 1} grants ${writes.map((v) => `"${v}"`).join(', ')} on "${r}", so the app could change who may do what in the namespace, outside Git, where this check cannot see it`, 'grant at most get, list and watch on roles and rolebindings');
      }
    });
  });
  return out;
}

function checkRoleBinding(m: Manifest, roles: readonly Obj[]): Finding[] {
  const out: Finding[] = [];
  const o = m.object;
  const at = (path: string, message: string, fix: string) => out.push({ check: 'rbac', file: m.file, object: objectRef(o), path, message, fix });
  const namespace: unknown = o.metadata?.namespace;
  const ref = isObj(o.roleRef) ? o.roleRef : {};
  if (ref.kind === 'ClusterRole') {
    at(
      'roleRef.kind',
      `Binds the ClusterRole "${String(ref.name)}": its rules live in the cluster, not in Git, where berth cannot check them (and view, edit and admin grow with every CRD installed)`,
      'write a Role in extra/ with the rules the app needs, and bind it (roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: <it> })',
    );
  } else if (ref.kind === 'Role' && !roles.some((r) => r.metadata?.name === ref.name && r.metadata?.namespace === namespace)) {
    at('roleRef.name', `Binds the Role "${String(ref.name)}", which is not among the service's objects, so its rules are not checked`, 'add the Role to extra/ next to the RoleBinding, or correct roleRef.name');
  }
  const subjects: unknown[] = Array.isArray(o.subjects) ? o.subjects : [];
  subjects.forEach((s, i) => {
    if (!isObj(s)) return;
    const who = `${String(s.kind)} "${String(s.name)}"`;
    const fix = `grant to the service's ServiceAccount (subjects: [{ kind: ServiceAccount, name: <it>${typeof namespace === 'string' ? `, namespace: ${namespace}` : ''} }])`;
    if (s.kind !== 'ServiceAccount') at(`subjects[${i}].kind`, `Subject ${i + 1} is the ${who}: a service grants to its own ServiceAccounts only, not to people or groups`, fix);
    else if (s.namespace !== undefined && s.namespace !== namespace) {
      at(`subjects[${i}].namespace`, `Subject ${i + 1} is the ${who} of namespace "${String(s.namespace)}": a service grants to the ServiceAccounts of its own namespace${typeof namespace === 'string' ? ` ("${namespace}")` : ''} only`, fix);
    }
  });
  return out;
}

/** Checks the Roles and RoleBindings among `manifests`; a RoleBinding's Role must be among them. */
export function checkRbac(manifests: readonly Manifest[]): Finding[] {
  const rbac = (kind: string) => manifests.filter((m) => isObj(m.object) && m.object.kind === kind && String(m.object.apiVersion).startsWith(`${RBAC_GROUP}/`));
  const roles = rbac('Role');
  return [...roles.flatMap(checkRole), ...rbac('RoleBinding').flatMap((m) => checkRoleBinding(m, roles.map((r) => r.object)))];
}
