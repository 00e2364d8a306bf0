/**
 * The merge rules of model/pod-settings.ts, one per field: what a process's pod settings are,
 * given the environment's, the service's and its own.
 */
import { podEnvOf, resolvePodSettings, resolveServiceAccount } from '../../src/model/pod-settings';
import { resolveService } from '../../src/model/service-model';
import { ServiceSpec } from '../../src/spec/schema';
import { environment, specInput } from '../helpers';

const spec = (overrides: Parameters<typeof specInput>[0] = {}) => ServiceSpec.parse(specInput(overrides));
const node = (arch: string) => ({ requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/arch', operator: 'In' as const, values: [arch] }] }] } });

describe('resolvePodSettings', () => {
  test("each of nodeAffinity, podAffinity and podAntiAffinity of the process replaces the service's; the others stay", () => {
    const s = spec({ affinity: { nodeAffinity: node('amd64'), podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname' }] } } });
    const pod = resolvePodSettings(s, environment(), { affinity: { nodeAffinity: node('arm64') } }, [], resolveServiceAccount(s));
    expect(pod.affinity).toEqual({ nodeAffinity: node('arm64'), podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname' }] } });
  });

  test("spread constraints merge by topologyKey; tolerations add up, each once; node selectors and pod metadata merge by key, the process's winning", () => {
    const zone = (maxSkew: number) => ({ maxSkew, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule' as const });
    const spot = { key: 'spot', operator: 'Exists' as const, effect: 'NoSchedule' as const };
    const s = spec({ topologySpreadConstraints: [zone(1)], tolerations: [spot], nodeSelector: { a: '1', b: '1' }, podLabels: { 'example.com/x': '1' }, priorityClassName: 'low' });
    const pod = resolvePodSettings(s, environment(), { topologySpreadConstraints: [zone(2)], tolerations: [spot, { key: 'gpu', operator: 'Exists' }], nodeSelector: { b: '2' }, podLabels: { 'example.com/x': '2' } }, [], resolveServiceAccount(s));
    expect(pod.topologySpreadConstraints).toEqual([zone(2)]);
    expect(pod.tolerations).toEqual([spot, { key: 'gpu', operator: 'Exists' }]);
    expect(pod.nodeSelector).toEqual({ a: '1', b: '2' });
    expect(pod.labels).toEqual({ 'example.com/x': '2' });
    expect(pod.priorityClassName).toBe('low');
  });

  test('Azure Workload Identity on the ServiceAccount labels the pods azure.workload.identity/use', () => {
    const s = spec({ serviceAccount: { annotations: { 'azure.workload.identity/client-id': 'abc' } } });
    expect(resolvePodSettings(s, environment(), {}, [], resolveServiceAccount(s)).labels).toEqual({ 'azure.workload.identity/use': 'true' });
    // A process that must not get the token opts out.
    expect(resolvePodSettings(s, environment(), { podLabels: { 'azure.workload.identity/use': 'false' } }, [], resolveServiceAccount(s)).labels).toEqual({ 'azure.workload.identity/use': 'false' });
  });
});

describe('podEnvOf', () => {
  test('later blocks win: a process text value removes a service pod value of the same name', () => {
    expect(podEnvOf({ POD_NAME: { fieldRef: 'metadata.name' }, MEM: { resourceFieldRef: 'limits.memory', divisor: '1Mi' }, A: 'x' }, { POD_NAME: 'fixed' })).toEqual([
      { name: 'MEM', resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } },
    ]);
  });
});

describe('resolveService', () => {
  test('the service account name is the one home of the pods\' serviceAccountName; process env keeps text only', () => {
    const model = resolveService(spec({ serviceAccount: { name: 'shop-irsa' }, env: { POD_IP: { fieldRef: 'status.podIP' } }, web: { api: { port: 8000, health: { liveness: '/h' }, env: { A: 'b', NODE: { fieldRef: 'spec.nodeName' } } } } }), environment(), 'staging');
    expect([model.serviceAccountName, model.serviceAccount.name]).toEqual(['shop-irsa', 'shop-irsa']);
    expect(model.processes[0].env).toEqual({ A: 'b' });
    expect(model.processes[0].pod.fieldEnv).toEqual([{ name: 'POD_IP', fieldRef: 'status.podIP' }, { name: 'NODE', fieldRef: 'spec.nodeName' }]);
  });
});
