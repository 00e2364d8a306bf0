/**
 * `berth explain`'s account of who the pods are and where they run (issue 21): the service
 * account with its workload-identity annotations and whether the API token is mounted, and per
 * workload its pull secrets, node selection, tolerations, affinity, priority and projected
 * tokens. Read from the synthesized objects, like the rest of explain. Empty when the pods use
 * none of it, so a service without these settings is explained as before.
 */
import { podTemplates } from '../check/pod-walker';
import { COMPONENT_LABEL } from '../constructs/workloads/labels';
import { SECURITY_EXCEPTION_ANNOTATION, WORKLOAD_IDENTITY_ANNOTATIONS } from '../util/annotations';

// Synthesized objects are open-ended JSON, read defensively.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type K8sObject = Record<string, any>;

const pairs = (m: Record<string, string> | undefined) => Object.entries(m ?? {}).map(([k, v]) => `${k}=${v}`).join(',');

function toleration(t: K8sObject): string {
  const what = t.key === undefined ? 'every taint' : t.operator === 'Exists' ? `${t.key}` : `${t.key}=${t.value ?? ''}`;
  return `${what}${t.effect ? `:${t.effect}` : ''}${t.tolerationSeconds !== undefined ? ` for ${t.tolerationSeconds}s` : ''}`;
}

/** What one pod template sets beyond berth's defaults, as short phrases. */
function podPhrases(spec: K8sObject, annotations: Record<string, string> | undefined): string[] {
  const out: string[] = [];
  // The one hardening default a reason may loosen (security.reason, or a patch's reason).
  const exception = annotations?.[SECURITY_EXCEPTION_ANNOTATION];
  if (exception) out.push(`writable root filesystem: ${exception}`);
  if (spec.imagePullSecrets?.length) out.push(`pulls with ${spec.imagePullSecrets.map((s: K8sObject) => s.name).join(', ')}`);
  if (spec.automountServiceAccountToken === true) out.push('API token mounted');
  for (const v of spec.volumes ?? []) {
    for (const src of v.projected?.sources ?? []) if (src.serviceAccountToken) out.push(`token for ${src.serviceAccountToken.audience}`);
  }
  if (spec.nodeSelector && Object.keys(spec.nodeSelector).length) out.push(`nodes ${pairs(spec.nodeSelector)}`);
  if (spec.tolerations?.length) out.push(`tolerates ${spec.tolerations.map(toleration).join(', ')}`);
  const affinity = Object.keys(spec.affinity ?? {});
  if (affinity.length) out.push(`affinity: ${affinity.sort().join(', ')}`);
  if (spec.priorityClassName) out.push(`priority ${spec.priorityClassName}`);
  return out;
}

/** The lines explain adds about the pods' identity and placement; empty when there is nothing beyond the defaults. */
export function explainPods(objects: readonly K8sObject[], service: string): string {
  const account = objects.find((o) => o.kind === 'ServiceAccount');
  const annotations = Object.entries((account?.metadata?.annotations ?? {}) as Record<string, string>).filter(([k]) => WORKLOAD_IDENTITY_ANNOTATIONS.includes(k));
  // The pod templates the checks walk (check/pod-walker.ts): workloads, Jobs, CronJobs, bare Pods.
  const rows = podTemplates(objects.map((object) => ({ file: '', object })))
    .map((t) => ({ name: (t.metadata.labels?.[COMPONENT_LABEL] ?? t.manifest.object.metadata?.name) as string, phrases: podPhrases(t.spec, t.metadata.annotations as Record<string, string> | undefined) }))
    .filter((r) => r.phrases.length);
  if (!annotations.length && !rows.length) return '';
  const width = Math.max(0, ...rows.map((r) => r.name.length));
  const identity = annotations.length ? annotations.map(([k, v]) => `${k}: ${v}`).join('; ') : 'no workload identity annotations';
  const token = rows.some((r) => r.phrases.includes('API token mounted')) ? '' : '; Kubernetes API token not mounted';
  return [
    `Identity and placement of the pods of ${service}:\n`,
    `  service account ${account?.metadata?.name ?? '(none)'}: ${identity}${token}\n`,
    ...rows.map((r) => `  ${r.name.padEnd(width)}  ${r.phrases.join('; ')}\n`),
  ].join('');
}
