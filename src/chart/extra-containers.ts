/**
 * Spec → the init containers and native sidecars of each process (issue 21 item 5) and the
 * extra volumes (item 6): the pod volumes, and the mounts of the app containers and the extra
 * containers that name them.
 */
import { ExtraContainersProps, InitContainerProps, Mount, ProbeProps, SidecarProps, VolumeSource } from '../constructs/workloads/pod';
import { SECRET_FILE_MODE } from '../constructs/secrets/secret-files';
import { ExtraContainerModel, ExtraVolumeModel, ProcessModel } from '../model/service-model';
import { SidecarProbe } from '../spec/schema';
import { ServiceContext } from './context';
import { toEnvVars, toResources } from './workloads';

/** The pod volume of an extra volume: its one source, named after its key. */
function volumeOf(v: ExtraVolumeModel): VolumeSource {
  const items = (list?: ReadonlyArray<{ key: string; path: string; mode?: number }>) => list?.map((i) => ({ key: i.key, path: i.path, ...(i.mode !== undefined && { mode: i.mode }) }));
  return {
    name: v.name,
    ...(v.configMap && { configMap: { name: v.configMap.name, items: items(v.configMap.items), defaultMode: v.configMap.defaultMode } }),
    // The same mode as berth's own secret files: readable through the pod's fsGroup, by nobody else.
    ...(v.secret && { secret: { secretName: v.secret.secretName, defaultMode: SECRET_FILE_MODE, items: items(v.secret.items) } }),
    ...(v.emptyDir && { emptyDir: { sizeLimit: v.emptyDir.sizeLimit, ...(v.emptyDir.medium && { medium: v.emptyDir.medium }) } }),
    ...(v.projected && {
      projected: {
        sources: v.projected.sources.map((s) =>
          'configMap' in s ? { configMap: { name: s.configMap.name, items: items(s.configMap.items) } }
          : 'secret' in s ? { secret: { name: s.secret.name, items: items(s.secret.items) } }
          : { downwardAPI: { items: s.downwardAPI.items.map((i) => ({ path: i.path, fieldPath: i.fieldRef.fieldPath })) } }),
      },
    }),
  };
}

function mountOf(v: ExtraVolumeModel): Mount {
  return { name: v.name, mountPath: v.mountPath, ...(v.readOnly && { readOnly: true }), ...(v.subPath !== undefined && { subPath: v.subPath }) };
}

/** Extra volumes: each in the pods of the processes that mount it, and mounted where it is named. */
export function buildExtraVolumes(ctx: ServiceContext): void {
  for (const v of ctx.model.extraVolumes) {
    if (!v.users.length) continue;
    ctx.contributions.add({ volumes: [volumeOf(v)] }, v.users);
    for (const p of ctx.model.processes) {
      if (p.mounts.includes(v.name)) ctx.contributions.add({ mounts: [mountOf(v)] }, [p.name]);
      for (const c of [...p.sidecars, ...p.initContainers]) if (c.mounts.includes(v.name)) ctx.contributions.addToContainer({ mounts: [mountOf(v)] }, p.name, c.name);
    }
  }
}

function probeOf(p: SidecarProbe | undefined): ProbeProps | undefined {
  if (!p) return undefined;
  return { ...('httpGet' in p ? { httpGet: { path: p.httpGet.path, port: p.httpGet.port } } : { exec: [...p.exec] }), periodSeconds: p.periodSeconds, timeoutSeconds: p.timeoutSeconds, failureThreshold: p.failureThreshold };
}

/** One extra container: its own fields, then the mounts and env other constructs gave it (secrets, volumes). */
function containerOf(ctx: ServiceContext, p: ProcessModel, c: ExtraContainerModel): SidecarProps {
  const parts = ctx.contributions.forContainer(p.name, c.name);
  const init: InitContainerProps = {
    name: c.name,
    image: c.image,
    command: c.command && [...c.command],
    args: c.args && [...c.args],
    workingDir: c.workingDir,
    // Its own env wins over what the secret delivery sets, as the app's does.
    env: [...parts.flatMap((x) => x.env ?? []), ...toEnvVars(c.env)],
    mounts: parts.flatMap((x) => x.mounts ?? []),
    resources: toResources(c.resources),
    runAsUser: c.securityContext?.runAsUser,
    runAsGroup: c.securityContext?.runAsGroup,
    privileged: c.securityContext?.privileged,
  };
  if (c.role === 'init') return init;
  return {
    ...init,
    ports: c.ports.map((port) => ({ name: port.name, containerPort: port.port })),
    livenessProbe: probeOf(c.probes?.liveness),
    readinessProbe: probeOf(c.probes?.readiness),
    startupProbe: probeOf(c.probes?.startup),
  };
}

/** The init containers and sidecars of a process's pods, as the model merged them. */
export function extraContainersOf(ctx: ServiceContext, p: ProcessModel): ExtraContainersProps {
  return { initContainers: p.initContainers.map((c) => containerOf(ctx, p, c)), sidecars: p.sidecars.map((c) => containerOf(ctx, p, c)) };
}
