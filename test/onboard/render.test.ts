import * as yaml from 'js-yaml';
import { renderYaml, scalar } from '../../src/onboard/render';
import { YamlLines } from '../../src/onboard/yaml-positions';

describe('renderYaml', () => {
  test('writes the house style: block maps, flow leaves and word lists, comments before and after keys', () => {
    const text = renderYaml(
      {
        name: 'rag',
        env: { PORT: '8000', DEBUG: 'false', EMPTY: '', URL: 'https://x.example.com/a?b=c' },
        web: { api: { command: ['gunicorn', 'app:app', '--bind', '0.0.0.0:8000', '--workers', '4'], port: 8000, health: { liveness: '/health' } } },
      },
      {
        header: ['yaml-language-server: $schema=../../schema/service.schema.json'],
        comments: new Map([['env', { before: ['Config.'] }], ['web.api.health', { inline: 'must answer 200' }]]),
        footer: ['', 'the end'],
      },
    );
    expect(text).toBe(`# yaml-language-server: $schema=../../schema/service.schema.json
name: rag
# Config.
env:
  PORT: "8000"
  DEBUG: "false"
  EMPTY: ""
  URL: https://x.example.com/a?b=c
web:
  api:
    command: [gunicorn, app:app, --bind, 0.0.0.0:8000, --workers, "4"]
    port: 8000
    health: { liveness: /health }  # must answer 200
#
# the end
`);
  });

  test('quotes every string a plain scalar would change', () => {
    const tricky = ['yes', 'No', 'null', '~', '1e3', '0x1F', '.5', '8005', '- item', '#hash', 'a: b', 'trailing ', '@at', '*star', '&anchor', '!tag', '%pct', 'a, b', '[x]', '{y}', "it's", 'say "hi"', '', 'multi\nline', '>', '|'];
    for (const s of tricky) {
      for (const inFlow of [false, true]) {
        const doc = inFlow ? `[${scalar(s, true)}]` : `k: ${scalar(s, false)}`;
        const back = yaml.load(doc) as any;
        expect(inFlow ? back[0] : back.k).toBe(s);
      }
    }
    // YAML 1.1 readers (PyYAML, older tools) read these as booleans and numbers.
    for (const s of ['yes', 'off', 'Y', '10:30', '1_000']) expect(scalar(s, false)).toBe(JSON.stringify(s));
    expect(scalar('0.0.0.0:8000', true)).toBe('0.0.0.0:8000');
    expect(scalar('a, b', false)).toBe('a, b');
    expect(scalar('a, b', true)).toBe('"a, b"');
  });
});

describe('YamlLines', () => {
  test('finds key lines, sequence items, and keys merged in from an anchor', () => {
    const lines = new YamlLines(`x-defaults: &defaults
  restart: unless-stopped
  logging:
    driver: json-file
services:
  api:
    <<: *defaults
    ports:
      - "8000:8000"
      - 9000
`);
    expect(lines.line(['services', 'api', 'ports', 1])).toBe(10);
    expect(lines.line(['services', 'api', 'restart'])).toBe(2);
    expect(lines.line(['services', 'api', 'logging', 'driver'])).toBe(4);
    expect(lines.line(['services', 'api', 'nothing'])).toBe(6);
  });
});
