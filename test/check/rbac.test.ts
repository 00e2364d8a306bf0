/**
 * src/check/rbac.ts: a service's Role and RoleBinding grant its own ServiceAccounts what Git
 * shows, and no way to grant more. Each rule is pinned by its message and field, and runChecks
 * runs it in every environment.
 */
import { runChecks } from '../../src/check/index';
import { checkRbac } from '../../src/check/rbac';
import { Manifest } from '../../src/check/types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const FILE = 'dist/prod/ledger/manifests.yaml';
const RBAC = 'rbac.authorization.k8s.io/v1';

const role = (rules: Obj[], name = 'ledger-leader'): Manifest => ({ file: FILE, object: { apiVersion: RBAC, kind: 'Role', metadata: { name, namespace: 'ledger' }, rules } });
const binding = (roleRef: Obj, subjects: Obj[] = [{ kind: 'ServiceAccount', name: 'ledger' }]): Manifest => ({
  file: FILE,
  object: { apiVersion: RBAC, kind: 'RoleBinding', metadata: { name: 'ledger-leader', namespace: 'ledger' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef }, subjects },
});
const leases = { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'create', 'update'] };

/** `object path: message` of each finding. */
const found = (manifests: Manifest[]) => checkRbac(manifests).map((f) => `${f.object} ${f.path}: ${f.message}`);

describe('checkRbac', () => {
  test("passes a Role with narrow rules bound to the service's ServiceAccount", () => {
    const manifests = [role([leases, { apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }]), binding({ kind: 'Role', name: 'ledger-leader' }, [{ kind: 'ServiceAccount', name: 'ledger', namespace: 'ledger' }, { kind: 'ServiceAccount', name: 'ledger-worker' }])];
    expect(checkRbac(manifests)).toEqual([]);
  });

  test('fails when a RoleBinding binds a ClusterRole, even view', () => {
    const findings = checkRbac([binding({ kind: 'ClusterRole', name: 'view' })]);
    expect(findings).toEqual([
      {
        check: 'rbac',
        file: FILE,
        object: 'RoleBinding/ledger/ledger-leader',
        path: 'roleRef.kind',
        message: 'Binds the ClusterRole "view": its rules live in the cluster, not in Git, where berth cannot check them (and view, edit and admin grow with every CRD installed)',
        fix: 'write a Role in extra/ with the rules the app needs, and bind it (roleRef: { apiGroup: rbac.authorization.k8s.io, kind: Role, name: <it> })',
      },
    ]);
  });

  test('fails when a RoleBinding binds a Role that is not among the objects', () => {
    expect(found([role([leases]), binding({ kind: 'Role', name: 'ledger-admin' })])).toEqual([
      'RoleBinding/ledger/ledger-leader roleRef.name: Binds the Role "ledger-admin", which is not among the service\'s objects, so its rules are not checked',
    ]);
  });

  test('fails when a subject is a user, a group, or a ServiceAccount of another namespace', () => {
    const subjects = [
      { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'Group', name: 'system:authenticated', apiGroup: 'rbac.authorization.k8s.io' },
      { kind: 'ServiceAccount', name: 'default', namespace: 'kube-system' },
    ];
    const findings = checkRbac([role([leases]), binding({ kind: 'Role', name: 'ledger-leader' }, subjects)]);
    expect(findings.map((f) => `${f.path}: ${f.message}`)).toEqual([
      'subjects[0].kind: Subject 1 is the User "alice": a service grants to its own ServiceAccounts only, not to people or groups',
      'subjects[1].kind: Subject 2 is the Group "system:authenticated": a service grants to its own ServiceAccounts only, not to people or groups',
      'subjects[2].namespace: Subject 3 is the ServiceAccount "default" of namespace "kube-system": a service grants to the ServiceAccounts of its own namespace ("ledger") only',
    ]);
    expect(findings[0].fix).toBe("grant to the service's ServiceAccount (subjects: [{ kind: ServiceAccount, name: <it>, namespace: ledger }])");
  });

  test('fails when a Role rule has a wildcard in apiGroups, resources or verbs', () => {
    expect(found([role([{ apiGroups: ['*'], resources: ['pods/*'], verbs: ['get', '*'] }])])).toEqual([
      'Role/ledger/ledger-leader rules[0].apiGroups[0]: Rule 1 grants "*" in apiGroups: a wildcard covers every API group, those of CRDs installed later included',
      'Role/ledger/ledger-leader rules[0].resources[0]: Rule 1 grants "pods/*" in resources: a wildcard covers every resource, secrets and those of CRDs installed later included',
      'Role/ledger/ledger-leader rules[0].verbs[1]: Rule 1 grants "*" in verbs: a wildcard covers every verb, escalate, bind and impersonate included',
    ]);
  });

  test('fails on the verbs escalate, bind and impersonate', () => {
    expect(found([role([leases, { apiGroups: ['rbac.authorization.k8s.io', ''], resources: ['roles', 'serviceaccounts'], verbs: ['escalate', 'bind', 'impersonate'] }])])).toEqual([
      'Role/ledger/ledger-leader rules[1].verbs[0]: Rule 2 grants the verb "escalate", which lets the app write a Role with more than it holds',
      'Role/ledger/ledger-leader rules[1].verbs[1]: Rule 2 grants the verb "bind", which lets the app bind a Role with more than it holds',
      'Role/ledger/ledger-leader rules[1].verbs[2]: Rule 2 grants the verb "impersonate", which lets the app act as another user, group or ServiceAccount',
    ]);
  });

  test('fails on a write to roles or rolebindings, and passes reading them', () => {
    expect(found([role([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: ['get', 'list', 'watch'] }])])).toEqual([]);
    expect(found([role([{ apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['get', 'create', 'patch'] }])])).toEqual([
      'Role/ledger/ledger-leader rules[0].resources[0]: Rule 1 grants "create", "patch" on "rolebindings", so the app could change who may do what in the namespace, outside Git, where this check cannot see it',
    ]);
  });

  test('fails on any access to secrets, a subresource included', () => {
    const findings = checkRbac([role([{ apiGroups: [''], resources: ['configmaps', 'secrets'], resourceNames: ['ledger-db'], verbs: ['get'] }, { apiGroups: [''], resources: ['secrets/status'], verbs: ['get'] }])]);
    expect(findings.map((f) => `${f.path}: ${f.message}`)).toEqual([
      'rules[0].resources[1]: Rule 1 grants access to "secrets": the pod already has the secrets berth gives it, as files, and reading Secrets through the API bypasses the leak model',
      'rules[1].resources[0]: Rule 2 grants access to "secrets/status": the pod already has the secrets berth gives it, as files, and reading Secrets through the API bypasses the leak model',
    ]);
    expect(findings[0].fix).toBe('remove secrets from the rule; reference the secret under secrets.items, and the process gets it as a file');
  });

  test('runChecks runs it outside production too', () => {
    const findings = runChecks([binding({ kind: 'ClusterRole', name: 'edit' })], { production: false });
    expect(findings.map((f) => `${f.check} ${f.path}`)).toEqual(['rbac roleRef.kind']);
  });
});
