/**
 * cdk8s-plus-28's typed Kubernetes API classes (`k8s`). Moving to a newer line (cdk8s-plus-33) is
 * a change to this file and ./k8s.ts.
 *
 * berth builds on these typed L1 classes rather than cdk8s-plus's L2 constructs: those hash
 * names, select pods by construct path (`cdk8s.io/metadata.addr`, immutable once synced), inject
 * 1 CPU / 512Mi requests, write policies into other namespaces, and cost several times more to
 * synthesize. berth's own code goes further and uses the classes' props as types only (./k8s.ts),
 * so a run never loads this module; the tests render with the classes to check `kube()` against
 * them.
 */
export * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
