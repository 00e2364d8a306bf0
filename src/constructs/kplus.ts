/**
 * The one import of cdk8s-plus in berth. Moving to a newer line (cdk8s-plus-33) is a change to
 * this file only.
 *
 * berth builds on cdk8s-plus's typed Kubernetes API classes (`k8s`) rather than its L2
 * constructs: those hash names, select pods by construct path (`cdk8s.io/metadata.addr`,
 * immutable once synced), inject 1 CPU / 512Mi requests, write policies into other namespaces,
 * and cost several times more to synthesize. The L1 module alone also loads in a third of the
 * time of the whole package, which matters for a CLI run on every commit.
 */
export * as k8s from 'cdk8s-plus-28/lib/imports/k8s';
