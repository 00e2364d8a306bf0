import { checkPodSecurity, PodSecurityOptions } from '../../src/check/pod-security';
import { podContainers, podTemplates } from '../../src/check/pod-walker';
import { Manifest } from '../../src/check/types';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = Record<string, any>;

const FILE = 'dist/prod/rag/manifests.yaml';

/** A container that passes the restricted profile. */
function hardenedContainer(name = 'web'): Obj {
  return {
    name,
    image: 'ghcr.io/acme/rag:1.4.2',
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

/** A pod spec that passes the restricted profile. */
function hardenedPodSpec(): Obj {
  return {
    automountServiceAccountToken: false,
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [hardenedContainer()],
    volumes: [
      { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'secrets', secret: { secretName: 'rag-secrets', defaultMode: 0o400 } },
      { name: 'config', configMap: { name: 'rag-config' } },
      { name: 'data', persistentVolumeClaim: { claimName: 'rag-data' } },
    ],
  };
}

/** A Deployment around a (possibly edited) hardened pod. */
function deployment(edit: (spec: Obj, metadata: Obj) => void = () => undefined): Manifest {
  const spec = hardenedPodSpec();
  const metadata: Obj = { labels: { 'app.kubernetes.io/name': 'rag' } };
  edit(spec, metadata);
  return {
    file: FILE,
    object: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'rag-web', namespace: 'rag' },
      spec: { replicas: 2, selector: { matchLabels: { 'app.kubernetes.io/name': 'rag' } }, template: { metadata, spec } },
    },
  };
}

/** A CronJob around a hardened pod. */
function cronJob(edit: (spec: Obj) => void = () => undefined): Manifest {
  const spec = { ...hardenedPodSpec(), restartPolicy: 'OnFailure', containers: [hardenedContainer('cleanup')] };
  edit(spec);
  return {
    file: FILE,
    object: {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'rag-tmp-cleanup', namespace: 'rag' },
      spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template: { spec } } } },
    },
  };
}

/** `path: message` of every finding. */
function problems(m: Manifest | Manifest[], opts?: PodSecurityOptions): string[] {
  return checkPodSecurity(Array.isArray(m) ? m : [m], opts).map((f) => `${f.path}: ${f.message}`);
}

const C0 = 'spec.template.spec.containers[0]';
const POD = 'spec.template.spec';

describe('checkPodSecurity', () => {
  test('a hardened Deployment and CronJob pass the restricted profile', () => {
    expect(checkPodSecurity([deployment(), cronJob()])).toEqual([]);
  });

  test('findings carry the check, file, object and a fix', () => {
    const [f] = checkPodSecurity([deployment((s) => (s.hostPID = true))]);
    expect(f).toEqual({
      check: 'pod-security',
      file: FILE,
      object: 'Deployment/rag/rag-web',
      path: `${POD}.hostPID`,
      message: 'host namespaces (hostPID=true)',
      fix: "remove hostPID: the pod must not share the node's namespaces",
    });
  });

  describe('baseline controls', () => {
    test('fails when the pod or a container is a Windows HostProcess', () => {
      const m = deployment((s) => {
        s.securityContext.windowsOptions = { hostProcess: true };
        s.containers[0].securityContext.windowsOptions = { hostProcess: true };
      });
      expect(problems(m)).toEqual([
        `${POD}.securityContext.windowsOptions.hostProcess: hostProcess (pod must not set securityContext.windowsOptions.hostProcess=true)`,
        `${C0}.securityContext.windowsOptions.hostProcess: hostProcess (container "web" must not set securityContext.windowsOptions.hostProcess=true)`,
      ]);
    });

    test('fails when the pod shares host namespaces', () => {
      const m = deployment((s) => Object.assign(s, { hostNetwork: true, hostPID: true, hostIPC: true }));
      expect(problems(m)).toEqual([
        `${POD}.hostNetwork: host namespaces (hostNetwork=true)`,
        `${POD}.hostPID: host namespaces (hostPID=true)`,
        `${POD}.hostIPC: host namespaces (hostIPC=true)`,
      ]);
    });

    test('fails when a container is privileged', () => {
      const m = deployment((s) => (s.containers[0].securityContext.privileged = true));
      expect(problems(m)).toEqual([`${C0}.securityContext.privileged: privileged (container "web" must not set securityContext.privileged=true)`]);
    });

    test('fails when a container adds a capability beyond the default set (baseline profile)', () => {
      const m = deployment((s) => (s.containers[0].securityContext.capabilities = { add: ['CHOWN', 'SYS_ADMIN', 'NET_ADMIN'] }));
      expect(problems(m, { level: 'baseline' })).toEqual([
        `${C0}.securityContext.capabilities.add: non-default capabilities (container "web" must not include "NET_ADMIN", "SYS_ADMIN" in securityContext.capabilities.add)`,
      ]);
    });

    test('fails when a volume is a hostPath (baseline profile)', () => {
      const m = deployment((s) => s.volumes.push({ name: 'docker', hostPath: { path: '/var/run/docker.sock' } }));
      expect(problems(m, { level: 'baseline' })).toEqual([`${POD}.volumes[4].hostPath: hostPath volumes (volume "docker")`]);
    });

    test('fails when a container uses a host port', () => {
      const m = deployment((s) => (s.containers[0].ports = [{ containerPort: 8000 }, { containerPort: 8080, hostPort: 8080 }]));
      expect(problems(m)).toEqual([`${C0}.ports[1].hostPort: hostPort (container "web" uses hostPort 8080)`]);
    });

    test('fails when AppArmor is unconfined by field or annotation', () => {
      const m = deployment((s, md) => {
        s.securityContext.appArmorProfile = { type: 'Unconfined' };
        s.containers[0].securityContext.appArmorProfile = { type: 'Unconfined' };
        md.annotations = {
          'container.apparmor.security.beta.kubernetes.io/web': 'unconfined',
          'container.apparmor.security.beta.kubernetes.io/ok': 'runtime/default',
          'container.apparmor.security.beta.kubernetes.io/local': 'localhost/my-profile',
        };
      });
      expect(problems(m)).toEqual([
        `${POD}.securityContext.appArmorProfile.type: forbidden AppArmor profile (pod must not set AppArmor profile type to "Unconfined")`,
        `${C0}.securityContext.appArmorProfile.type: forbidden AppArmor profile (container "web" must not set AppArmor profile type to "Unconfined")`,
        'spec.template.metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"]: forbidden AppArmor profile ' +
          '(annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/web="unconfined"")',
      ]);
    });

    test('allows RuntimeDefault and Localhost AppArmor profiles', () => {
      const m = deployment((s) => {
        s.securityContext.appArmorProfile = { type: 'RuntimeDefault' };
        s.containers[0].securityContext.appArmorProfile = { type: 'Localhost', localhostProfile: 'k8s-web' };
      });
      expect(problems(m)).toEqual([]);
    });

    test('fails when SELinux options set a custom type, user or role', () => {
      const m = deployment((s) => {
        s.securityContext.seLinuxOptions = { type: 'spc_t' };
        s.containers[0].securityContext.seLinuxOptions = { user: 'system_u', role: 'system_r', type: 'container_t' };
      });
      expect(problems(m)).toEqual([
        `${POD}.securityContext.seLinuxOptions: seLinuxOptions (pod set forbidden securityContext.seLinuxOptions: type "spc_t")`,
        `${C0}.securityContext.seLinuxOptions: seLinuxOptions (container "web" set forbidden securityContext.seLinuxOptions: user may not be set; role may not be set)`,
      ]);
    });

    test('allows the container SELinux types, including container_engine_t', () => {
      const m = deployment((s) => {
        s.securityContext.seLinuxOptions = { type: 'container_engine_t', level: 's0:c123,c456' };
        s.containers[0].securityContext.seLinuxOptions = { type: 'container_init_t' };
      });
      expect(problems(m)).toEqual([]);
    });

    test('fails when a container unmasks /proc', () => {
      const m = deployment((s) => (s.containers[0].securityContext.procMount = 'Unmasked'));
      expect(problems(m)).toEqual([`${C0}.securityContext.procMount: procMount (container "web" must not set securityContext.procMount to "Unmasked")`]);
      expect(problems(m, { level: 'baseline' })).toEqual(problems(m));
    });

    test('baseline relaxes procMount for pods in a user namespace; restricted does not', () => {
      const m = deployment((s) => {
        s.hostUsers = false;
        s.containers[0].securityContext.procMount = 'Unmasked';
      });
      expect(problems(m, { level: 'baseline' })).toEqual([]);
      expect(problems(m)).toEqual([`${C0}.securityContext.procMount: procMount (container "web" must not set securityContext.procMount to "Unmasked")`]);
    });

    test('fails when seccomp is Unconfined (baseline profile), and allows it unset', () => {
      const m = deployment((s) => {
        s.securityContext.seccompProfile = { type: 'Unconfined' };
        s.containers[0].securityContext.seccompProfile = { type: 'Unconfined' };
      });
      expect(problems(m, { level: 'baseline' })).toEqual([
        `${POD}.securityContext.seccompProfile.type: seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")`,
        `${C0}.securityContext.seccompProfile.type: seccompProfile (container "web" must not set securityContext.seccompProfile.type to "Unconfined")`,
      ]);
      const unset = deployment((s) => {
        delete s.securityContext.seccompProfile;
        delete s.containers[0].securityContext.seccompProfile;
      });
      expect(problems(unset, { level: 'baseline' })).toEqual([]);
    });

    test('fails on unsafe sysctls and allows the safe ones', () => {
      const m = deployment((s) => {
        s.securityContext.sysctls = [
          { name: 'net.ipv4.tcp_keepalive_time', value: '60' },
          { name: 'kernel.msgmax', value: '65536' },
          { name: 'net.core.somaxconn', value: '1024' },
          { name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' },
        ];
      });
      expect(problems(m)).toEqual([
        `${POD}.securityContext.sysctls[1].name: forbidden sysctls (kernel.msgmax)`,
        `${POD}.securityContext.sysctls[2].name: forbidden sysctls (net.core.somaxconn)`,
      ]);
    });

    test('fails when a probe or lifecycle hook targets another host', () => {
      const m = deployment((s) => {
        s.containers[0].readinessProbe = { httpGet: { path: '/ready', port: 8000, host: '169.254.169.254' } };
        s.containers[0].livenessProbe = { httpGet: { path: '/health', port: 8000 } };
        s.containers[0].lifecycle = { preStop: { tcpSocket: { port: 22, host: 'node.internal' } } };
      });
      expect(problems(m)).toEqual([
        `${C0}.readinessProbe.httpGet.host: probe or lifecycle host (container "web" uses probe or lifecycle host "169.254.169.254")`,
        `${C0}.lifecycle.preStop.tcpSocket.host: probe or lifecycle host (container "web" uses probe or lifecycle host "node.internal")`,
      ]);
    });
  });

  describe('restricted controls', () => {
    test('fails on volume types outside the restricted list, hostPath included', () => {
      const m = deployment((s) =>
        s.volumes.push(
          { name: 'docker', hostPath: { path: '/var/run/docker.sock' } },
          { name: 'share', nfs: { server: 'nfs.internal', path: '/exports' } },
          { name: 'repo', gitRepo: { repository: 'https://example.com/r.git' } },
          { name: 'odd', somethingNew: {} },
          { name: 'model', image: { reference: 'ghcr.io/acme/model:1', pullPolicy: 'IfNotPresent' } },
          { name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } },
        ),
      );
      expect(problems(m)).toEqual([
        `${POD}.volumes[4].hostPath: restricted volume types (volume "docker" uses restricted volume type "hostPath")`,
        `${POD}.volumes[5].nfs: restricted volume types (volume "share" uses restricted volume type "nfs")`,
        `${POD}.volumes[6].gitRepo: restricted volume types (volume "repo" uses restricted volume type "gitRepo")`,
        `${POD}.volumes[7]: restricted volume types (volume "odd" uses restricted volume type "unknown")`,
      ]);
    });

    test('fails when allowPrivilegeEscalation is not false', () => {
      const m = deployment((s) => {
        delete s.containers[0].securityContext.allowPrivilegeEscalation;
        s.containers.push({ ...hardenedContainer('worker'), securityContext: { ...hardenedContainer().securityContext, allowPrivilegeEscalation: true } });
      });
      expect(problems(m)).toEqual([
        `${C0}.securityContext.allowPrivilegeEscalation: allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false)`,
        `${POD}.containers[1].securityContext.allowPrivilegeEscalation: allowPrivilegeEscalation != false (container "worker" must set securityContext.allowPrivilegeEscalation=false)`,
      ]);
    });

    test('Windows pods are exempt from privilege escalation, seccomp and capabilities', () => {
      const m = deployment((s) => {
        s.os = { name: 'windows' };
        delete s.securityContext.seccompProfile;
        s.containers[0].securityContext = { runAsNonRoot: true };
      });
      expect(problems(m)).toEqual([]);
    });

    test('fails when the pod or a container sets runAsNonRoot=false', () => {
      const m = deployment((s) => {
        s.securityContext.runAsNonRoot = false;
        s.containers[0].securityContext.runAsNonRoot = false;
        // Inherits the pod's false: covered by the pod's finding, not reported again.
        s.containers.push({ ...hardenedContainer('worker'), securityContext: { ...hardenedContainer().securityContext, runAsNonRoot: undefined } });
      });
      expect(problems(m)).toEqual([
        `${POD}.securityContext.runAsNonRoot: runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)`,
        `${C0}.securityContext.runAsNonRoot: runAsNonRoot != true (container "web" must not set securityContext.runAsNonRoot=false)`,
      ]);
    });

    test('reports explicit and implicit runAsNonRoot problems together', () => {
      const m = deployment((s) => {
        delete s.securityContext.runAsNonRoot;
        s.containers[0].securityContext.runAsNonRoot = false;
        s.containers.push({ ...hardenedContainer('worker'), securityContext: { ...hardenedContainer().securityContext, runAsNonRoot: undefined } });
      });
      expect(problems(m)).toEqual([
        `${C0}.securityContext.runAsNonRoot: runAsNonRoot != true (container "web" must not set securityContext.runAsNonRoot=false)`,
        `${POD}.securityContext.runAsNonRoot: runAsNonRoot != true (pod or container "worker" must set securityContext.runAsNonRoot=true)`,
      ]);
    });

    test('fails when neither the pod nor every container (init and ephemeral too) sets runAsNonRoot=true', () => {
      const m: Manifest = {
        file: FILE,
        object: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'debug', namespace: 'rag' },
          spec: {
            ...hardenedPodSpec(),
            securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
            initContainers: [{ ...hardenedContainer('migrate'), securityContext: { ...hardenedContainer().securityContext, runAsNonRoot: undefined } }],
            ephemeralContainers: [{ ...hardenedContainer('debugger'), securityContext: { ...hardenedContainer().securityContext, runAsNonRoot: undefined } }],
          },
        },
      };
      expect(problems(m)).toEqual([
        'spec.securityContext.runAsNonRoot: runAsNonRoot != true (pod or containers "migrate", "debugger" must set securityContext.runAsNonRoot=true)',
      ]);
    });

    test('fails when the pod or a container runs as UID 0', () => {
      const m = deployment((s) => {
        s.securityContext.runAsUser = 0;
        s.containers[0].securityContext.runAsUser = 0;
      });
      expect(problems(m)).toEqual([
        `${POD}.securityContext.runAsUser: runAsUser=0 (pod must not set runAsUser=0)`,
        `${C0}.securityContext.runAsUser: runAsUser=0 (container "web" must not set runAsUser=0)`,
      ]);
    });

    test('pods in a user namespace are exempt from runAsNonRoot and runAsUser', () => {
      const m = deployment((s) => {
        s.hostUsers = false;
        s.securityContext = { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } };
        delete s.containers[0].securityContext.runAsNonRoot;
      });
      expect(problems(m)).toEqual([]);
    });

    test('fails when seccomp is Unconfined or set nowhere', () => {
      const unconfined = deployment((s) => {
        s.securityContext.seccompProfile = { type: 'Unconfined' };
        delete s.containers[0].securityContext.seccompProfile;
      });
      expect(problems(unconfined)).toEqual([
        `${POD}.securityContext.seccompProfile.type: seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")`,
      ]);
      const unset = deployment((s) => {
        delete s.securityContext.seccompProfile;
        delete s.containers[0].securityContext.seccompProfile;
      });
      expect(problems(unset)).toEqual([
        `${POD}.securityContext.seccompProfile.type: seccompProfile (pod or container "web" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`,
      ]);
    });

    test('a container-level seccomp profile is enough without a pod-level one', () => {
      const m = deployment((s) => {
        delete s.securityContext.seccompProfile;
        s.containers[0].securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/web.json' };
      });
      expect(problems(m)).toEqual([]);
    });

    test('fails unless capabilities drop ALL and add only NET_BIND_SERVICE', () => {
      const m = deployment((s) => {
        s.containers[0].securityContext.capabilities = { drop: ['NET_RAW'], add: ['NET_BIND_SERVICE', 'SYS_ADMIN', 'CHOWN'] };
        s.containers.push({ ...hardenedContainer('nginx'), securityContext: { ...hardenedContainer().securityContext, capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] } } });
        s.containers.push({ ...hardenedContainer('bare'), securityContext: { ...hardenedContainer().securityContext, capabilities: undefined } });
      });
      expect(problems(m)).toEqual([
        `${C0}.securityContext.capabilities.drop: unrestricted capabilities (container "web" must set securityContext.capabilities.drop=["ALL"])`,
        `${C0}.securityContext.capabilities.add: unrestricted capabilities (container "web" must not include "CHOWN", "SYS_ADMIN" in securityContext.capabilities.add)`,
        `${POD}.containers[2].securityContext.capabilities.drop: unrestricted capabilities (container "bare" must set securityContext.capabilities.drop=["ALL"])`,
      ]);
    });

    test('an empty container security context breaks every container-level control at once', () => {
      const m = deployment((s) => {
        s.securityContext = {};
        s.containers[0].securityContext = undefined;
      });
      expect(problems(m)).toEqual([
        `${C0}.securityContext.allowPrivilegeEscalation: allowPrivilegeEscalation != false (container "web" must set securityContext.allowPrivilegeEscalation=false)`,
        `${POD}.securityContext.runAsNonRoot: runAsNonRoot != true (pod or container "web" must set securityContext.runAsNonRoot=true)`,
        `${POD}.securityContext.seccompProfile.type: seccompProfile (pod or container "web" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")`,
        `${C0}.securityContext.capabilities.drop: unrestricted capabilities (container "web" must set securityContext.capabilities.drop=["ALL"])`,
      ]);
    });
  });

  describe('pod templates of every kind', () => {
    const broken = (kind: string, object: Obj): Manifest => ({ file: FILE, object: { apiVersion: 'v1', kind, metadata: { name: 'x', namespace: 'rag' }, ...object } });
    const pod = () => ({ ...hardenedPodSpec(), hostIPC: true });

    test.each([
      ['StatefulSet', 'spec.template.spec.hostIPC'],
      ['DaemonSet', 'spec.template.spec.hostIPC'],
      ['ReplicaSet', 'spec.template.spec.hostIPC'],
      ['Job', 'spec.template.spec.hostIPC'],
    ])('checks the template of a %s', (kind, path) => {
      expect(problems(broken(kind, { spec: { template: { spec: pod() } } }))).toEqual([`${path}: host namespaces (hostIPC=true)`]);
    });

    test('checks the job template of a CronJob', () => {
      expect(problems(cronJob((s) => (s.hostIPC = true)))).toEqual(['spec.jobTemplate.spec.template.spec.hostIPC: host namespaces (hostIPC=true)']);
    });

    test('checks a bare Pod and its annotations', () => {
      const m = broken('Pod', { metadata: { name: 'x', annotations: { 'container.apparmor.security.beta.kubernetes.io/web': 'unconfined' } }, spec: pod() });
      expect(problems(m)).toEqual([
        'spec.hostIPC: host namespaces (hostIPC=true)',
        'metadata.annotations["container.apparmor.security.beta.kubernetes.io/web"]: forbidden AppArmor profile ' +
          '(annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/web="unconfined"")',
      ]);
    });

    test('ignores objects without a pod template', () => {
      const objects: Manifest[] = [
        { file: FILE, object: { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 80 }] } } },
        { file: FILE, object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'empty' } } },
      ];
      expect(checkPodSecurity(objects)).toEqual([]);
    });

    test('walks init, regular and ephemeral containers in that order', () => {
      const [t] = podTemplates([
        deployment((s) => {
          s.initContainers = [hardenedContainer('init')];
          s.ephemeralContainers = [hardenedContainer('debug')];
        }),
      ]);
      expect(podContainers(t).map((c) => `${c.name} ${c.path}`)).toEqual([
        'init spec.template.spec.initContainers[0]',
        'web spec.template.spec.containers[0]',
        'debug spec.template.spec.ephemeralContainers[0]',
      ]);
    });
  });
});
