import { App, Chart } from 'cdk8s';
import { RELOADER_SECRET_ANNOTATION, SECRET_VERSION_ANNOTATION } from '../../../src/util/annotations';
import { DotEnvFile, DotEnvFileProps } from '../../../src/constructs/secrets/dotenv-file';
import { dotenvLine, dotenvTemplate } from '../../../src/constructs/secrets/dotenv-template';

const processes = ['api', 'worker', 'migrate'];
const base: DotEnvFileProps = { secretName: 'fluxion-secrets', items: [{ name: 'JWT_SECRET' }], processes, path: '/app/.env' };

function dotenvFile(props: DotEnvFileProps): DotEnvFile {
  const chart = new Chart(new App({ outdir: '/nonexistent' }), 'test', { namespace: 'demo' });
  return new DotEnvFile(chart, 'dotenv', props);
}

describe('DotEnvFile', () => {
  const minimal = dotenvFile(base);
  const full = dotenvFile({
    ...base,
    path: '/srv/app/.env',
    items: [
      { name: 'JWT_SECRET', consumers: ['api', 'migrate'] },
      { name: 'KEY_OPENAI', key: 'openai', consumers: ['migrate', 'api'] },
    ],
    version: '00ff00ff00ff00ff',
    reloadOnChange: ['api', 'worker'],
  });

  test('minimal props', () => expect(Object.fromEntries(minimal.contributions)).toMatchSnapshot());
  test('full props', () => expect(Object.fromEntries(full.contributions)).toMatchSnapshot());

  test('mounts the Secret\'s .env key as that one file, read-only, with subPath', () => {
    expect(minimal.contributions.get('api')).toEqual({
      volumes: [{ name: 'dotenv', secret: { secretName: 'fluxion-secrets', defaultMode: 0o440, items: [{ key: '.env', path: '.env' }] } }],
      mounts: [{ name: 'dotenv', mountPath: '/app/.env', subPath: '.env', readOnly: true }],
    });
  });

  test('subPath never sees an update, so consumers roll on a change, long-running ones through Reloader', () => {
    expect([...full.contributions.keys()]).toEqual(['api', 'migrate']);
    expect(full.contributions.get('api')!.annotations).toEqual({ [SECRET_VERSION_ANNOTATION]: '00ff00ff00ff00ff', [RELOADER_SECRET_ANNOTATION]: 'fluxion-secrets' });
    expect(full.contributions.get('migrate')!.annotations).toEqual({ [SECRET_VERSION_ANNOTATION]: '00ff00ff00ff00ff' });
  });

  test('fails when the path is a directory, or not absolute', () => {
    for (const path of ['/app/', '/', 'app/.env', '/app/..']) {
      expect(() => dotenvFile({ ...base, path })).toThrow(
        `DotEnvFile: path "${path}" must be the absolute path of a file, such as /app/.env; the .env is mounted as that one file, never over a directory`,
      );
    }
  });

  test('fails when items go to different processes: the one file cannot be split', () => {
    expect(() => dotenvFile({ ...base, items: [{ name: 'JWT_SECRET' }, { name: 'KEY_OLLAMA', consumers: ['api'] }] })).toThrow(
      'DotEnvFile: every item lands in the one .env file, so all items must have the same consumers; JWT_SECRET goes to [api, worker, migrate] but KEY_OLLAMA to [api]. Use the same consumers, or delivery files or env',
    );
  });

  test('fails when an item is consumed by a process the service does not have', () => {
    expect(() => dotenvFile({ ...base, items: [{ name: 'JWT_SECRET', consumers: ['web'] }] })).toThrow(
      'DotEnvFile: item JWT_SECRET lists consumer "web", which is not a process of this service (known: api, migrate, worker)',
    );
  });
});

describe('dotenvTemplate', () => {
  test('one single-quoted line per variable, escaped for python-dotenv through sprig', () => {
    expect(dotenvLine('JWT_SECRET', 'jwt_secret')).toBe(
      `JWT_SECRET='{{ index . "jwt_secret" | replace "\\\\" "\\\\\\\\" | replace "'" "\\\\'" | replace "\${" "\${:-$}{" }}` +
        `{{ if hasSuffix "\\\\" (index . "jwt_secret") }}\${:-}{{ end }}'`,
    );
    expect(dotenvTemplate([{ name: 'A', key: 'a' }, { name: 'B_KEY', key: 'b.key-1' }])).toMatchSnapshot();
  });

  test('keys are read with index, so dots and dashes in keys are safe', () => {
    expect(dotenvTemplate([{ name: 'B', key: 'b.key-1' }])).toContain('index . "b.key-1"');
  });

  // A stand-in for Go text/template + sprig, for exactly the shapes dotenvLine writes: proves the
  // escaping composes (the python-dotenv side was checked against python-dotenv 1.2 itself).
  const STR = String.raw`"(?:[^"\\]|\\.)*"`;
  const LINE = new RegExp(String.raw`\{\{ index \. (${STR})((?: \| replace ${STR} ${STR})*) \}\}\{\{ if hasSuffix (${STR}) \(index \. (${STR})\) \}\}(.*?)\{\{ end \}\}`, 'g');
  const REPLACE = new RegExp(String.raw` \| replace (${STR}) (${STR})`, 'g');
  const render = (template: string, values: Record<string, string>) =>
    template.replace(LINE, (_m, key, replaces: string, suffix, key2, literal) => {
      let v = values[JSON.parse(key)];
      for (const [, from, to] of replaces.matchAll(REPLACE)) v = v.split(JSON.parse(from)).join(JSON.parse(to));
      return v + (values[JSON.parse(key2)].endsWith(JSON.parse(suffix)) ? literal : '');
    });

  test.each([
    ['plain', 'K=\'plain\'\n'],
    ["it's", "K='it\\'s'\n"],
    ['back\\slash', "K='back\\\\slash'\n"],
    ['ends\\', "K='ends\\\\${:-}'\n"],
    ['${HOME} stays', "K='${:-$}{HOME} stays'\n"],
    ['a # b', "K='a # b'\n"],
  ])('renders %j as %j', (value, line) => {
    expect(render(dotenvTemplate([{ name: 'K', key: 'k' }]), { k: value })).toBe(line);
  });
});
