/**
 * No command ever prints a secret (issue 19 §3). A valid project (arbitraries.ts) gets a canary
 * credential planted somewhere: as a secret item's value, an env var's value (under an ordinary
 * or a secret-looking name), a key, any string field of a spec, an overlay or berth.yaml. Then
 * the CLI runs `synth`, `check`, `diff` and `explain` on it, as a person would, and the
 * canary's secret part must never appear in what they print, nor in dist/.
 *
 * The commands run in this process: the CLI's `run` with stdout and stderr captured, which is
 * every byte they would write (everything a command prints goes through its Io). The process
 * boundary with a secret in the spec is test/bad-inputs' case 076. Each run runs four commands,
 * so runs are few (and capped under `npm run fuzz`).
 */
import * as fs from 'fs';
import * as path from 'path';
import fc from 'fast-check';
import * as yaml from 'js-yaml';
import { toYamlStream } from '../../src/output/yaml';
import { synthAndWrite } from '../../src/main';
import { berthInProcess, tempDir } from '../helpers';
import { assertAsyncProperty, fuzzRuns, fuzzTimeout, Json, ProjectCase, toFiles, toYaml, validProject } from './arbitraries';

/** Runs: four commands each, about 0.5 s; `npm run fuzz` asks for thousands, which would take hours. */
const RUNS = Math.min(fuzzRuns(12), 60);

const alnum = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'), minLength: min, maxLength: max });

/**
 * A canary: the text planted, and its secret part (what must never be printed). Every secret
 * part carries lower case, upper case and digits, so it reads as random and cannot occur by chance.
 */
interface Canary {
  readonly text: string;
  readonly secret: string;
}
const mixed = (s: string) => `${s}Q7x`;
const canary: fc.Arbitrary<Canary> = fc.oneof(
  alnum(12, 20).map((pw) => ({ text: `postgresql://app:${mixed(pw)}@db:5432/app`, secret: mixed(pw) })),
  alnum(10, 16).map((pw) => ({ text: `redis://:${mixed(pw)}@redis:6379/0`, secret: mixed(pw) })),
  alnum(36, 36).map((t) => ({ text: `ghp_${t}`, secret: `ghp_${t}` })),
  alnum(32, 40).map((t) => ({ text: `sk-proj-${mixed(t)}`, secret: `sk-proj-${mixed(t)}` })),
  alnum(28, 40).map((t) => ({ text: mixed(t), secret: mixed(t) })),
);

/** Where the canary goes. `at` picks among candidates modulo their count. */
type Plant =
  | { where: 'secret-item'; file: 'spec' | 'overlay'; name: string }
  | { where: 'env'; file: 'spec' | 'overlay'; name: string }
  | { where: 'key'; file: 'spec' | 'overlay' | 'config'; at: number }
  | { where: 'field'; file: 'spec' | 'overlay' | 'config'; at: number };
const envVar = fc.constantFrom('DATABASE_URL', 'API_TOKEN', 'UPSTREAM', 'SENTRY_DSN', 'DB_PASSWORD', 'CACHE');
const plant: fc.Arbitrary<Plant> = fc.oneof(
  fc.record({ where: fc.constant('secret-item' as const), file: fc.constantFrom('spec' as const, 'overlay' as const), name: envVar }),
  fc.record({ where: fc.constant('env' as const), file: fc.constantFrom('spec' as const, 'overlay' as const), name: envVar }),
  fc.record({ where: fc.constant('key' as const), file: fc.constantFrom('spec' as const, 'overlay' as const, 'config' as const), at: fc.nat() }),
  { weight: 3, arbitrary: fc.record({ where: fc.constant('field' as const), file: fc.constantFrom('spec' as const, 'spec' as const, 'overlay' as const, 'config' as const), at: fc.nat() }) },
);

/** Every path to a string value, and every path to a mapping. */
function paths(data: Json, at: Array<string | number> = [], out = { strings: [] as Array<Array<string | number>>, maps: [[]] as Array<Array<string | number>> }) {
  if (typeof data === 'string') out.strings.push(at);
  else if (Array.isArray(data)) data.forEach((v, i) => paths(v, [...at, i], out));
  else if (data && typeof data === 'object') {
    if (at.length) out.maps.push(at);
    for (const [k, v] of Object.entries(data)) paths(v, [...at, k], out);
  }
  return out;
}

function nodeAt(data: Json, at: ReadonlyArray<string | number>): Json {
  return at.reduce((cur, k) => cur[k], data);
}

/** The project's files with the canary planted, and a description of where. */
function planted(project: ProjectCase, p: Plant, c: Canary): { files: Map<string, string>; where: string } {
  const s = project.services[0];
  const overlayEnv = Object.keys(s.overlays).sort()[0] ?? 'prod';
  const data: Record<string, Json> = {
    spec: structuredClone(s.spec),
    overlay: structuredClone(s.overlays[overlayEnv] ?? {}),
    config: structuredClone(project.config),
  };
  const target = data[p.file];
  let where: string;
  if (p.where === 'secret-item') {
    target.secrets = { ...(p.file === 'spec' ? { source: { existingSecret: `${s.dir}-secrets` } } : {}), ...target.secrets, items: { ...target.secrets?.items, [p.name]: c.text } };
    where = `secrets.items.${p.name}`;
  } else if (p.where === 'env') {
    target.env = { ...target.env, [p.name]: c.text };
    where = `env.${p.name}`;
  } else if (p.where === 'key') {
    const maps = paths(target).maps;
    const at = maps[p.at % maps.length];
    nodeAt(target, at)[c.text] = 'x';
    where = `key under ${at.join('.') || '(root)'}`;
  } else {
    const strings = paths(target).strings;
    if (strings.length === 0) {
      target.description = c.text;
      where = 'description';
    } else {
      const at = strings[p.at % strings.length];
      nodeAt(target, at.slice(0, -1))[at[at.length - 1]] = c.text;
      where = at.join('.');
    }
  }
  const files = new Map<string, string>();
  files.set('berth.yaml', toYaml(data.config));
  for (const svc of project.services) {
    files.set(`charts/${svc.dir}/service.yaml`, toYaml(svc === s ? data.spec : svc.spec));
    for (const [env, overlay] of Object.entries(svc.overlays)) files.set(`charts/${svc.dir}/${env}.yaml`, toYaml(svc === s && env === overlayEnv ? data.overlay : overlay));
  }
  if (p.file === 'overlay' && !s.overlays[overlayEnv]) files.set(`charts/${s.dir}/${overlayEnv}.yaml`, toYaml(data.overlay));
  return { files, where: `${p.file}: ${where}` };
}

function writeRepo(dir: string, files: ReadonlyMap<string, string>): void {
  fs.rmSync(path.join(dir, 'charts'), { recursive: true, force: true });
  for (const [f, text] of files) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), text);
  }
}

/** Every file under a folder, as one text. */
function treeText(dir: string): string {
  if (!fs.existsSync(dir)) return '';
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')).join('\n');
}

describe('no command prints a secret', () => {
  test(
    'a canary credential planted anywhere in the specs, or written into dist/, never appears in the output of synth, check, diff or explain, and never reaches dist/',
    async () => {
      await assertAsyncProperty(
        fc.asyncProperty(validProject(), plant, canary, async (project, p, c) => {
          const dir = tempDir('berth-canary-');
          // dist/ of the project before the canary, so `diff` has fields to show.
          const clean = toFiles(project);
          writeRepo(dir, new Map([clean.config, ...clean.charts].map((f) => [f.path, f.text])));
          synthAndWrite({ root: dir });
          const { files, where } = planted(project, p, c);
          writeRepo(dir, files);
          const service = project.services[0].spec.name;
          const runs = [await berthInProcess(dir, 'synth'), await berthInProcess(dir, 'check', 'dist'), await berthInProcess(dir, 'diff'), await berthInProcess(dir, 'explain', String(service), '--env', 'prod')];
          const inDist = treeText(path.join(dir, 'dist')).includes(c.secret);
          // The loader refuses most plants, so the commands above rarely get past it. The same
          // canary is then written into dist/ itself (a hand-edited manifest, or a synth of an
          // older berth): check reads it and diff shows the field it sits in, old value and new.
          const manifest = path.join(dir, 'dist', 'prod', String(service), 'manifests.yaml');
          const objects = yaml.loadAll(fs.readFileSync(manifest, 'utf8')) as Json[];
          // Every unit has its Namespace; the leak guard reads every annotation.
          const namespace = objects.find((o) => o.kind === 'Namespace');
          namespace.metadata.annotations = { ...namespace.metadata.annotations, 'example.com/canary': c.text };
          fs.writeFileSync(manifest, toYamlStream(objects));
          writeRepo(dir, new Map([clean.config, ...clean.charts].map((f) => [f.path, f.text])));
          const fromDist = [await berthInProcess(dir, 'check', 'dist'), await berthInProcess(dir, 'diff')];
          // Both must have seen it: a leak finding from check, the field with its old value in diff.
          if (fromDist[0].code !== 1 || !fromDist[1].stdout.includes('`metadata.annotations["example.com/canary"]`: ')) {
            throw new Error(`check or diff did not see the canary written into dist/:\n${fromDist.map((r) => r.stdout + r.stderr).join('\n').slice(0, 3000)}`);
          }
          runs.push(...fromDist);
          const printed = runs.map((r, i) => `--- ${['synth', 'check dist', 'diff', 'explain', 'check dist (canary in dist/)', 'diff (canary in dist/)'][i]} (exit ${r.code})\n${r.stdout}${r.stderr}`).join('\n');
          const leaked = printed.includes(c.secret) || inDist;
          fs.rmSync(dir, { recursive: true, force: true });
          if (leaked) throw new Error(`the canary ${c.secret} (planted as ${c.text} at ${where}) was printed or written to dist/:\n${printed.slice(0, 6000)}`);
        }),
        RUNS,
        'no secret printed',
      );
    },
    fuzzTimeout(RUNS, 4000),
  );

  test(
    'berth new never prints or writes a canary found in a .env or a Compose file, and berth schema prints none',
    async () => {
      const source = fc.record({ name: envVar, from: fc.constantFrom('env' as const, 'compose' as const), asFlag: fc.boolean() });
      await assertAsyncProperty(
        fc.asyncProperty(source, canary, async ({ name, from, asFlag }, c) => {
          const dir = tempDir('berth-canary-new-');
          fs.writeFileSync(path.join(dir, 'berth.yaml'), toYaml({ repoURL: 'https://github.com/example/x.git', environments: { staging: {}, prod: { production: true } } }));
          const file = from === 'env' ? '.env' : 'compose.yaml';
          const command = asFlag ? ['gunicorn', 'app:app', '--password', c.secret] : ['gunicorn', 'app:app'];
          fs.writeFileSync(
            path.join(dir, file),
            from === 'env' ? `${name}=${c.text}\nPORT=8000\n` : toYaml({ services: { web: { image: 'registry.example.com/shop:1.0.0', command, ports: ['8000:8000'], environment: { [name]: c.text } } } }),
          );
          const runs = [await berthInProcess(dir, 'new', 'shop', `--from-${from}`, file, '--image', 'registry.example.com/shop:1.0.0'), await berthInProcess(dir, 'schema'), await berthInProcess(dir, 'synth')];
          const printed = runs.map((r) => `${r.stdout}${r.stderr}`).join('\n');
          const charts = treeText(path.join(dir, 'charts'));
          const dist = treeText(path.join(dir, 'dist'));
          fs.rmSync(dir, { recursive: true, force: true });
          if (printed.includes(c.secret)) throw new Error(`the canary ${c.secret} from ${file} was printed:\n${printed.slice(0, 4000)}`);
          if (dist.includes(c.secret)) throw new Error(`the canary ${c.secret} from ${file} reached dist/`);
          // A value after --password is copied into the spec's command (berth new keeps the command
          // line as it is); synth refuses it there, at its line, so it never reaches dist/.
          if (!asFlag && charts.includes(c.secret)) throw new Error(`the canary ${c.secret} from ${file} was written under charts/`);
        }),
        Math.min(RUNS, 8),
        'berth new prints no secret',
      );
    },
    fuzzTimeout(8, 4000),
  );
});
