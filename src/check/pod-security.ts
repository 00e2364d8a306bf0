/**
 * The Pod Security Standards, evaluated the way the PodSecurity admission controller evaluates
 * them at policy version `latest`, on every pod template berth writes: a namespace labelled
 * `pod-security.kubernetes.io/enforce: restricted` must accept all of our pods, and we want to
 * know before Argo CD syncs rather than from a ReplicaSet that cannot create pods.
 *
 * Messages use the controller's own words: `<control> (<detail>)`, e.g.
 * `allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false)`.
 * Unlike the controller, which stops at one line per control, we report one finding per pod or
 * container that breaks a control, each with the field path to change and a fix.
 */
import { dig, isObj, joinPath, keyPath, list, Obj, PodContainer, podContainers, PodTemplate, podTemplates } from './pod-walker';
import { Finding, Manifest, objectRef } from './types';

/** The profile to evaluate. */
export type PodSecurityLevel = 'baseline' | 'restricted';

/** Options of {@link checkPodSecurity}. */
export interface PodSecurityOptions {
  /** @default 'restricted' */
  readonly level?: PodSecurityLevel;
}

/** One broken control, before it becomes a Finding. */
interface Violation {
  readonly path: string;
  readonly reason: string;
  readonly detail: string;
  readonly fix: string;
}

interface Control {
  readonly id: string;
  readonly level: PodSecurityLevel;
  /** Baseline controls this one replaces when the restricted profile is evaluated. */
  readonly overrides?: readonly string[];
  readonly check: (t: PodTemplate) => Violation[];
}

const q = (s: string) => `"${s}"`;
/** The controller's `joinQuote`: `"a", "b"`. */
const joinQuote = (items: readonly string[]) => items.map(q).join(', ');
const plural = (one: string, many: string, n: number) => (n === 1 ? one : many);
const sc = (o: Obj): Obj => (isObj(o.securityContext) ? o.securityContext : {});
const podSc = (t: PodTemplate) => sc(t.spec);
const podScPath = (t: PodTemplate) => joinPath(t.specPath, 'securityContext');
const ctrScPath = (c: PodContainer) => `${c.path}.securityContext`;
const isWindows = (t: PodTemplate) => dig(t.spec, 'os.name') === 'windows';
/** Pods in their own user namespace (`hostUsers: false`); relaxes some controls since policy v1.35. */
const inUserNamespace = (t: PodTemplate) => t.spec.hostUsers === false;
const who = (c: PodContainer) => `container ${q(c.name)}`;

/** Capabilities the container runtime grants by default; baseline allows adding only these. */
const DEFAULT_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/** Namespaced sysctls the baseline profile allows (policy v1.32 and later). */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
]);

const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

/** Inline volume sources the restricted profile allows (`image` since v1.33). */
const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];
const RESTRICTED_VOLUMES = [
  'hostPath', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'nfs', 'iscsi', 'glusterfs', 'rbd', 'flexVolume', 'cinder', 'cephfs',
  'flocker', 'fc', 'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'storageos',
];

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';
const validSeccomp = (type: unknown) => type === 'RuntimeDefault' || type === 'Localhost';
const validAppArmor = (type: unknown) => type === 'RuntimeDefault' || type === 'Localhost';
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

const SET_SECCOMP = 'set securityContext.seccompProfile.type: RuntimeDefault on the pod (it then applies to every container)';
const SET_NON_ROOT = 'set securityContext.runAsNonRoot: true on the pod, with a non-zero runAsUser the image can run as';

const CONTROLS: readonly Control[] = [
  {
    id: 'windowsHostProcess',
    level: 'baseline',
    check: (t) => {
      const out: Violation[] = [];
      const fix = 'remove windowsOptions.hostProcess: a HostProcess pod has full access to the Windows node';
      if (dig(podSc(t), 'windowsOptions.hostProcess') === true) {
        out.push({ path: `${podScPath(t)}.windowsOptions.hostProcess`, reason: 'hostProcess', detail: 'pod must not set securityContext.windowsOptions.hostProcess=true', fix });
      }
      for (const c of podContainers(t)) {
        if (dig(sc(c.container), 'windowsOptions.hostProcess') === true) {
          out.push({ path: `${ctrScPath(c)}.windowsOptions.hostProcess`, reason: 'hostProcess', detail: `${who(c)} must not set securityContext.windowsOptions.hostProcess=true`, fix });
        }
      }
      return out;
    },
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    check: (t) =>
      (['hostNetwork', 'hostPID', 'hostIPC'] as const)
        .filter((f) => t.spec[f] === true)
        .map((f) => ({ path: joinPath(t.specPath, f), reason: 'host namespaces', detail: `${f}=true`, fix: `remove ${f}: the pod must not share the node's namespaces` })),
  },
  {
    id: 'privileged',
    level: 'baseline',
    check: (t) =>
      podContainers(t)
        .filter((c) => sc(c.container).privileged === true)
        .map((c) => ({
          path: `${ctrScPath(c)}.privileged`,
          reason: 'privileged',
          detail: `${who(c)} must not set securityContext.privileged=true`,
          fix: `remove securityContext.privileged from ${who(c)}`,
        })),
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    check: (t) =>
      podContainers(t).flatMap((c) => {
        const added = dig(sc(c.container), 'capabilities.add');
        const bad = (Array.isArray(added) ? added.map(str) : []).filter((cap) => !DEFAULT_CAPABILITIES.has(cap));
        if (!bad.length) return [];
        const caps = [...new Set(bad)].sort();
        return [{
          path: `${ctrScPath(c)}.capabilities.add`,
          reason: 'non-default capabilities',
          detail: `${who(c)} must not include ${joinQuote(caps)} in securityContext.capabilities.add`,
          fix: `remove ${caps.join(', ')} from capabilities.add of ${who(c)}`,
        }];
      }),
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    check: (t) =>
      list(t.spec.volumes).flatMap((v, i) =>
        isObj(v.hostPath)
          ? [{
              path: `${joinPath(t.specPath, 'volumes')}[${i}].hostPath`,
              reason: 'hostPath volumes',
              detail: `volume ${q(str(v.name))}`,
              fix: 'use an emptyDir, a persistentVolumeClaim, or a configMap/secret volume instead of a hostPath',
            }]
          : [],
      ),
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    check: (t) =>
      podContainers(t).flatMap((c) =>
        list(c.container.ports).flatMap((p, j) =>
          p.hostPort !== undefined && p.hostPort !== null && Number(p.hostPort) !== 0
            ? [{
                path: `${c.path}.ports[${j}].hostPort`,
                reason: 'hostPort',
                detail: `${who(c)} uses hostPort ${str(p.hostPort)}`,
                fix: 'remove hostPort and reach the container through a Service',
              }]
            : [],
        ),
      ),
  },
  {
    id: 'appArmorProfile',
    level: 'baseline',
    check: (t) => {
      const out: Violation[] = [];
      const fix = 'set appArmorProfile.type to RuntimeDefault (or Localhost with a profile loaded on the nodes), or remove it';
      const profile = (o: Obj) => (isObj(o.appArmorProfile) ? o.appArmorProfile : undefined);
      const pod = profile(podSc(t));
      if (pod && !validAppArmor(pod.type)) {
        out.push({ path: `${podScPath(t)}.appArmorProfile.type`, reason: 'forbidden AppArmor profile', detail: `pod must not set AppArmor profile type to ${q(str(pod.type))}`, fix });
      }
      for (const c of podContainers(t)) {
        const p = profile(sc(c.container));
        if (p && !validAppArmor(p.type)) {
          out.push({ path: `${ctrScPath(c)}.appArmorProfile.type`, reason: 'forbidden AppArmor profile', detail: `${who(c)} must not set AppArmor profile type to ${q(str(p.type))}`, fix });
        }
      }
      const annotations = isObj(t.metadata.annotations) ? t.metadata.annotations : {};
      for (const [k, v] of Object.entries(annotations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        const value = str(v);
        if (!k.startsWith(APPARMOR_ANNOTATION_PREFIX) || value === '' || value === 'runtime/default' || value.startsWith('localhost/')) continue;
        out.push({
          path: keyPath(`${t.metadataPath}.annotations`, k),
          reason: 'forbidden AppArmor profile',
          // The controller quotes `key="value"` as a whole, inner quotes and all.
          detail: `annotation must not set AppArmor profile type to ${q(`${k}=${JSON.stringify(value)}`)}`,
          fix: 'remove the annotation (or set it to runtime/default); prefer securityContext.appArmorProfile',
        });
      }
      return out;
    },
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    check: (t) => {
      const bad = (o: Obj): string[] => {
        const se = isObj(o.seLinuxOptions) ? o.seLinuxOptions : undefined;
        if (!se) return [];
        const parts: string[] = [];
        if (!SELINUX_TYPES.has(str(se.type))) parts.push(`type ${q(str(se.type))}`);
        if (str(se.user) !== '') parts.push('user may not be set');
        if (str(se.role) !== '') parts.push('role may not be set');
        return parts;
      };
      const fix = 'remove seLinuxOptions (or keep only a type of container_t, container_init_t, container_kvm_t or container_engine_t)';
      const out: Violation[] = [];
      const pod = bad(podSc(t));
      if (pod.length) out.push({ path: `${podScPath(t)}.seLinuxOptions`, reason: 'seLinuxOptions', detail: `pod set forbidden securityContext.seLinuxOptions: ${pod.join('; ')}`, fix });
      for (const c of podContainers(t)) {
        const parts = bad(sc(c.container));
        if (parts.length) out.push({ path: `${ctrScPath(c)}.seLinuxOptions`, reason: 'seLinuxOptions', detail: `${who(c)} set forbidden securityContext.seLinuxOptions: ${parts.join('; ')}`, fix });
      }
      return out;
    },
  },
  {
    id: 'procMount',
    level: 'baseline',
    check: (t) => (inUserNamespace(t) ? [] : procMountViolations(t)),
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    check: (t) => explicitSeccompViolations(t),
  },
  {
    id: 'sysctls',
    level: 'baseline',
    check: (t) =>
      list(podSc(t).sysctls).flatMap((s, i) =>
        SAFE_SYSCTLS.has(str(s.name))
          ? []
          : [{
              path: `${podScPath(t)}.sysctls[${i}].name`,
              reason: 'forbidden sysctls',
              detail: str(s.name),
              fix: `remove sysctl ${str(s.name)}; only namespaced sysctls are allowed (${[...SAFE_SYSCTLS].join(', ')})`,
            }],
      ),
  },
  {
    id: 'hostProbesAndHostLifecycle',
    level: 'baseline',
    check: (t) =>
      podContainers(t).flatMap((c) => {
        const handlers: Array<[string, unknown]> = [
          ['livenessProbe', c.container.livenessProbe],
          ['readinessProbe', c.container.readinessProbe],
          ['startupProbe', c.container.startupProbe],
          ['lifecycle.postStart', dig(c.container, 'lifecycle.postStart')],
          ['lifecycle.preStop', dig(c.container, 'lifecycle.preStop')],
        ];
        return handlers.flatMap(([field, h]) =>
          (['httpGet', 'tcpSocket'] as const).flatMap((action) => {
            const host = str(dig(h, `${action}.host`));
            return host === ''
              ? []
              : [{
                  path: `${c.path}.${field}.${action}.host`,
                  reason: 'probe or lifecycle host',
                  detail: `${who(c)} uses probe or lifecycle host ${q(host)}`,
                  fix: `remove ${field}.${action}.host: probes and hooks must target the pod's own IP`,
                }];
          }),
        );
      }),
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    overrides: ['hostPathVolumes'],
    check: (t) =>
      list(t.spec.volumes).flatMap((v, i) => {
        if (ALLOWED_VOLUMES.some((k) => v[k] !== undefined && v[k] !== null)) return [];
        const type = RESTRICTED_VOLUMES.find((k) => v[k] !== undefined && v[k] !== null) ?? 'unknown';
        const base = `${joinPath(t.specPath, 'volumes')}[${i}]`;
        return [{
          path: type === 'unknown' ? base : `${base}.${type}`,
          reason: 'restricted volume types',
          detail: `volume ${q(str(v.name))} uses restricted volume type ${q(type)}`,
          fix: `use one of ${ALLOWED_VOLUMES.join(', ')} (a persistentVolumeClaim for storage)`,
        }];
      }),
  },
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    check: (t) =>
      isWindows(t)
        ? []
        : podContainers(t)
            .filter((c) => sc(c.container).allowPrivilegeEscalation !== false)
            .map((c) => ({
              path: `${ctrScPath(c)}.allowPrivilegeEscalation`,
              reason: 'allowPrivilegeEscalation != false',
              detail: `${who(c)} must set securityContext.allowPrivilegeEscalation=false`,
              fix: `set securityContext.allowPrivilegeEscalation: false on ${who(c)}`,
            })),
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    check: (t) => {
      if (inUserNamespace(t)) return [];
      const out: Violation[] = [];
      const podValue = podSc(t).runAsNonRoot;
      if (podValue === false) {
        out.push({ path: `${podScPath(t)}.runAsNonRoot`, reason: 'runAsNonRoot != true', detail: 'pod must not set securityContext.runAsNonRoot=false', fix: 'set securityContext.runAsNonRoot: true on the pod' });
      }
      const implicit: string[] = [];
      for (const c of podContainers(t)) {
        const v = sc(c.container).runAsNonRoot;
        if (v === false) {
          out.push({ path: `${ctrScPath(c)}.runAsNonRoot`, reason: 'runAsNonRoot != true', detail: `${who(c)} must not set securityContext.runAsNonRoot=false`, fix: `remove runAsNonRoot: false from ${who(c)}` });
        } else if (v !== true && podValue !== true) {
          implicit.push(c.name);
        }
      }
      // With runAsNonRoot=false on the pod, the fix above covers the containers that inherit it.
      if (implicit.length && podValue !== false) {
        out.push({
          path: `${podScPath(t)}.runAsNonRoot`,
          reason: 'runAsNonRoot != true',
          detail: `pod or ${plural('container', 'containers', implicit.length)} ${joinQuote(implicit)} must set securityContext.runAsNonRoot=true`,
          fix: SET_NON_ROOT,
        });
      }
      return out;
    },
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    check: (t) => {
      if (inUserNamespace(t)) return [];
      const fix = 'run as a non-zero UID (the image\'s USER, e.g. 10001) and set runAsNonRoot: true';
      const out: Violation[] = [];
      if (podSc(t).runAsUser === 0) out.push({ path: `${podScPath(t)}.runAsUser`, reason: 'runAsUser=0', detail: 'pod must not set runAsUser=0', fix });
      for (const c of podContainers(t)) {
        if (sc(c.container).runAsUser === 0) out.push({ path: `${ctrScPath(c)}.runAsUser`, reason: 'runAsUser=0', detail: `${who(c)} must not set runAsUser=0`, fix });
      }
      return out;
    },
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    overrides: ['seccompProfile_baseline'],
    check: (t) => {
      if (isWindows(t)) return [];
      const out = explicitSeccompViolations(t);
      // A pod-level profile, valid or already reported above, covers the containers without one.
      const implicit = isObj(podSc(t).seccompProfile) ? [] : podContainers(t).filter((c) => !isObj(sc(c.container).seccompProfile)).map((c) => c.name);
      if (implicit.length) {
        out.push({
          path: `${podScPath(t)}.seccompProfile.type`,
          reason: 'seccompProfile',
          detail: `pod or ${plural('container', 'containers', implicit.length)} ${joinQuote(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
          fix: SET_SECCOMP,
        });
      }
      return out;
    },
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    overrides: ['capabilities_baseline'],
    check: (t) =>
      isWindows(t)
        ? []
        : podContainers(t).flatMap((c) => {
            const caps = isObj(sc(c.container).capabilities) ? sc(c.container).capabilities : {};
            const drop: string[] = Array.isArray(caps.drop) ? caps.drop.map(str) : [];
            const add: string[] = Array.isArray(caps.add) ? caps.add.map(str) : [];
            const out: Violation[] = [];
            if (!drop.includes('ALL')) {
              out.push({
                path: `${ctrScPath(c)}.capabilities.drop`,
                reason: 'unrestricted capabilities',
                detail: `${who(c)} must set securityContext.capabilities.drop=["ALL"]`,
                fix: `set securityContext.capabilities.drop: ["ALL"] on ${who(c)}`,
              });
            }
            const bad = [...new Set(add.filter((cap) => cap !== 'NET_BIND_SERVICE'))].sort();
            if (bad.length) {
              out.push({
                path: `${ctrScPath(c)}.capabilities.add`,
                reason: 'unrestricted capabilities',
                detail: `${who(c)} must not include ${joinQuote(bad)} in securityContext.capabilities.add`,
                fix: `remove ${bad.join(', ')} from capabilities.add of ${who(c)}; only NET_BIND_SERVICE may be added`,
              });
            }
            return out;
          }),
  },
  {
    id: 'procMount_restricted',
    level: 'restricted',
    overrides: ['procMount'],
    check: (t) => procMountViolations(t),
  },
];

function procMountViolations(t: PodTemplate): Violation[] {
  return podContainers(t).flatMap((c) => {
    const pm = sc(c.container).procMount;
    if (pm === undefined || pm === null || pm === 'Default') return [];
    return [{
      path: `${ctrScPath(c)}.procMount`,
      reason: 'procMount',
      detail: `${who(c)} must not set securityContext.procMount to ${q(str(pm))}`,
      fix: `remove procMount from ${who(c)} (or set it to Default)`,
    }];
  });
}

/** Seccomp profiles explicitly set to something other than RuntimeDefault or Localhost. */
function explicitSeccompViolations(t: PodTemplate): Violation[] {
  const out: Violation[] = [];
  const fix = 'set seccompProfile.type to RuntimeDefault (or Localhost with a profile on the nodes)';
  const pod = podSc(t).seccompProfile;
  if (isObj(pod) && !validSeccomp(pod.type)) {
    out.push({ path: `${podScPath(t)}.seccompProfile.type`, reason: 'seccompProfile', detail: `pod must not set securityContext.seccompProfile.type to ${q(str(pod.type))}`, fix });
  }
  for (const c of podContainers(t)) {
    const p = sc(c.container).seccompProfile;
    if (isObj(p) && !validSeccomp(p.type)) {
      out.push({ path: `${ctrScPath(c)}.seccompProfile.type`, reason: 'seccompProfile', detail: `${who(c)} must not set securityContext.seccompProfile.type to ${q(str(p.type))}`, fix });
    }
  }
  return out;
}

/** The controls a profile evaluates: restricted is baseline minus what it overrides, plus its own. */
function controlsFor(level: PodSecurityLevel): Control[] {
  if (level === 'baseline') return CONTROLS.filter((c) => c.level === 'baseline');
  const overridden = new Set(CONTROLS.flatMap((c) => c.overrides ?? []));
  return CONTROLS.filter((c) => !overridden.has(c.id));
}

/**
 * Checks every pod template against a Pod Security Standards profile, as the PodSecurity
 * admission controller would at `latest`.
 */
export function checkPodSecurity(manifests: readonly Manifest[], opts: PodSecurityOptions = {}): Finding[] {
  const controls = controlsFor(opts.level ?? 'restricted');
  return podTemplates(manifests).flatMap((t) =>
    controls.flatMap((control) =>
      control.check(t).map((v) => ({
        check: 'pod-security' as const,
        file: t.manifest.file,
        object: objectRef(t.manifest.object),
        path: v.path,
        message: `${v.reason} (${v.detail})`,
        fix: v.fix,
      })),
    ),
  );
}
