import { App, Chart } from 'cdk8s';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { TMP_CLEANUP_SCRIPT } from '../../../src/constructs/jobs/scripts';
import { BUSYBOX_IMAGE, TmpCleanup, TmpCleanupProps } from '../../../src/constructs/jobs/tmp-cleanup';

const security = { runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001 };

/** The rag seed: uploads on a claim at /tmp/rag_uploads, cleaned by the built-in script. */
const minimal: TmpCleanupProps = {
  identity: { service: 'rag', component: 'tmp-cleanup' },
  serviceAccountName: 'rag',
  security,
  claimName: 'rag-uploads',
  mountPath: '/tmp/rag_uploads',
};

/** The rag seed's own `python -m scripts.cleanup_tmp`, on a ReadWriteOnce claim. */
const full: TmpCleanupProps = {
  ...minimal,
  subPath: 'incoming/tmp',
  maxAgeHours: 6,
  schedule: '0 */6 * * *',
  timeZone: 'Europe/Berlin',
  startingDeadlineSeconds: 900,
  activeDeadlineSeconds: 1200,
  backoffLimit: 1,
  restartPolicy: 'Never',
  successfulJobsHistoryLimit: 1,
  failedJobsHistoryLimit: 2,
  ttlSecondsAfterFinished: 172800,
  colocateWith: { service: 'rag', component: 'backend' },
  resources: { cpu: '100m', memory: '256Mi' },
  app: {
    image: 'registry.example.com/rag-backend:1.4.2',
    command: ['python', '-m', 'scripts.cleanup_tmp'],
    args: ['--verbose'],
    workingDir: '/app/backend',
  },
  contributions: [{ envFromConfigMaps: ['rag-config'] }],
};

function synth(props: TmpCleanupProps): any[] {
  const chart = new Chart(new App(), 'test', { disableResourceNameHashes: true, namespace: 'rag' });
  new TmpCleanup(chart, 'TmpCleanup', props);
  return chart.toJson();
}

function pod(props: TmpCleanupProps): any {
  return synth(props)[0].spec.jobTemplate.spec.template;
}

/** The script is tested by running it (test/integration); the snapshots show where it goes. */
function withoutScript(objects: any[]): any[] {
  return JSON.parse(JSON.stringify(objects).split(JSON.stringify(TMP_CLEANUP_SCRIPT)).join('"<TMP_CLEANUP_SCRIPT>"'));
}

describe('TmpCleanup', () => {
  test('minimal props', () => {
    expect(withoutScript(synth(minimal))).toMatchSnapshot();
  });

  test('full props', () => {
    expect(synth(full)).toMatchSnapshot();
  });

  test('writes one valid CronJob, nightly at 03:00 UTC, never overlapping', () => {
    for (const props of [minimal, full]) {
      const objects = synth(props);
      expect(objects).toHaveLength(1);
      expect(() => new CronJob(objects[0]).validate()).not.toThrow();
      expect(objects[0].metadata.name).toBe('rag-tmp-cleanup');
      expect(objects[0].spec.concurrencyPolicy).toBe('Forbid');
    }
    expect(synth(minimal)[0].spec).toMatchObject({ schedule: '0 3 * * *', timeZone: 'Etc/UTC', startingDeadlineSeconds: 600 });
    expect(synth(full)[0].spec).toMatchObject({ schedule: '0 */6 * * *', timeZone: 'Europe/Berlin', startingDeadlineSeconds: 900 });
  });

  test('mounts the whole claim at the path the app uses', () => {
    for (const props of [minimal, full]) {
      const p = pod(props);
      expect(p.spec.volumes).toContainEqual({ name: 'tmp-files', persistentVolumeClaim: { claimName: 'rag-uploads' } });
      expect(p.spec.containers[0].volumeMounts).toContainEqual({ name: 'tmp-files', mountPath: '/tmp/rag_uploads' });
      expect(p.spec.containers[0].volumeMounts.every((m: { subPath?: string }) => m.subPath === undefined)).toBe(true);
    }
  });

  test('built-in mode runs the script in the pinned BusyBox image with TMP_DIR and TMP_MAX_AGE_HOURS', () => {
    const [container] = pod(minimal).spec.containers;
    expect(BUSYBOX_IMAGE).toMatch(/^busybox:1\.37\.0@sha256:[a-f0-9]{64}$/);
    expect(container.image).toBe(BUSYBOX_IMAGE);
    expect(container.command).toEqual(['/bin/sh', '-c', TMP_CLEANUP_SCRIPT]);
    expect(container.args).toBeUndefined();
    expect(container.env).toEqual([
      { name: 'TMP_DIR', value: '/tmp/rag_uploads' },
      { name: 'TMP_MAX_AGE_HOURS', value: '24' },
    ]);
    expect(container.resources).toEqual({ requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '128Mi' } });
  });

  test("app mode runs the app's own command in the app image, told where and how old", () => {
    const [container] = pod(full).spec.containers;
    expect(container.image).toBe('registry.example.com/rag-backend:1.4.2');
    expect(container.command).toEqual(['python', '-m', 'scripts.cleanup_tmp']);
    expect(container.args).toEqual(['--verbose']);
    expect(container.workingDir).toBe('/app/backend');
    // Container env wins over the ConfigMap's TMP_DIR, so the job cleans what it was told to.
    expect(container.envFrom).toEqual([{ configMapRef: { name: 'rag-config' } }]);
    expect(container.env).toEqual([
      { name: 'TMP_DIR', value: '/tmp/rag_uploads/incoming/tmp' },
      { name: 'TMP_MAX_AGE_HOURS', value: '6' },
    ]);
  });

  test("runs as the app's user, hardened, beside the app on a ReadWriteOnce claim", () => {
    const p = pod(full);
    expect(p.spec.securityContext).toEqual({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, fsGroupChangePolicy: 'OnRootMismatch', seccompProfile: { type: 'RuntimeDefault' } });
    expect(p.spec.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(p.spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels).toEqual({
      'app.kubernetes.io/name': 'rag',
      'app.kubernetes.io/component': 'backend',
    });
  });

  test('a claim mounted at /tmp replaces the scratch emptyDir there', () => {
    const p = pod({ ...minimal, mountPath: '/tmp' });
    expect(p.spec.volumes).toEqual([{ name: 'tmp-files', persistentVolumeClaim: { claimName: 'rag-uploads' } }]);
    expect(p.spec.containers[0].volumeMounts).toEqual([{ name: 'tmp-files', mountPath: '/tmp' }]);
    expect(p.spec.containers[0].env).toContainEqual({ name: 'TMP_DIR', value: '/tmp' });
  });

  test('exposes the directory it cleans', () => {
    const chart = new Chart(new App(), 'test');
    expect(new TmpCleanup(chart, 'A', { ...minimal, mountPath: '/data/' }).directory).toBe('/data');
    expect(new TmpCleanup(chart, 'B', { ...minimal, identity: { service: 'rag', component: 'b' }, mountPath: '/data', subPath: 'tmp' }).directory).toBe('/data/tmp');
  });

  test('fails when mountPath is not absolute', () => {
    expect(() => synth({ ...minimal, mountPath: 'tmp/rag_uploads' })).toThrow(
      'TmpCleanup rag-tmp-cleanup: mountPath "tmp/rag_uploads" must be an absolute path below / with no "." or ".." segments, such as /tmp/rag_uploads',
    );
  });

  test('fails when mountPath is the root', () => {
    expect(() => synth({ ...minimal, mountPath: '/' })).toThrow('TmpCleanup rag-tmp-cleanup: mountPath "/" must be an absolute path below /');
  });

  test('fails when subPath leaves the volume', () => {
    expect(() => synth({ ...minimal, subPath: '../etc' })).toThrow(
      'TmpCleanup rag-tmp-cleanup: subPath "../etc" must be a relative path inside the volume with no "." or ".." segments, such as tmp or uploads/tmp',
    );
  });

  test('fails when maxAgeHours is not a positive whole number', () => {
    expect(() => synth({ ...minimal, maxAgeHours: 0 })).toThrow(
      'TmpCleanup rag-tmp-cleanup: maxAgeHours must be a whole number of hours of at least 1, got 0: set it to how long the app may still need a file, such as 24',
    );
    expect(() => synth({ ...minimal, maxAgeHours: 1.5 })).toThrow('maxAgeHours must be a whole number of hours of at least 1, got 1.5');
  });
});
