import { importEnvFile, isDotenvName } from '../../src/onboard/env-file';
import { formatNote } from '../../src/onboard/notes';

const notesOf = (file: string, text: string) => importEnvFile(file, text).notes.map(formatNote);

describe('importEnvFile', () => {
  test('splits config from secrets; secrets keep no value', () => {
    const d = importEnvFile('.env', [
      'NAME_APP=Fluxion00API',
      'export PORT=8005',
      'JWT_SECRET=9f8e7d6c5b4a39281706f5e4d3c2b1a098f7e6d5',
      'DATABASE_URL=postgresql://app:Pw9dLk2Qx7Zs@db:5432/app',
      'SENTRY_DSN="https://examplePublicKey@o0.ingest.sentry.io/0"',
      'EMPTY_PASSWORD=',
    ].join('\n'));
    expect(d.env).toEqual({ NAME_APP: 'Fluxion00API', PORT: '8005', SENTRY_DSN: 'https://examplePublicKey@o0.ingest.sentry.io/0' });
    expect(d.secrets).toEqual({ JWT_SECRET: {}, DATABASE_URL: {}, EMPTY_PASSWORD: {} });
    expect(JSON.stringify(d)).not.toContain('9f8e7d6c5b4a');
    expect(JSON.stringify(d)).not.toContain('Pw9dLk2Qx7Zs');
  });

  test('reads a systemd EnvironmentFile: ; and # comments, quoted values', () => {
    const d = importEnvFile('/etc/reporting/reporting-api.env', '; systemd comment\n# another\nAPP_ENV=prod\nCORS_ORIGINS="https://a.example.com,https://b.example.com"\n');
    expect(d.env).toEqual({ APP_ENV: 'prod', CORS_ORIGINS: 'https://a.example.com,https://b.example.com' });
    expect(d.notes).toEqual([]);
  });

  test('keeps multi-line quoted values and the line numbers after them', () => {
    const d = importEnvFile('.env', 'A="one\ntwo"\nbad line here\nB=2\n');
    expect(d.env).toEqual({ A: 'one\ntwo', B: '2' });
    expect(d.notes.map(formatNote)).toEqual(['.env:3: line is not a KEY=value assignment; skipped (its text is not shown: it may hold a secret)']);
  });

  test('notes repeated keys, odd names, continuation lines and host paths, never quoting a bad line', () => {
    expect(notesOf('app.env', 'A=1\nA=2\nmy-key=x\nLONG=first \\\nPATH_TO_DATA=/home/nick/data\nsk-proj-AbCdEfGhIjKlMnOpQrStUv\n')).toEqual([
      'app.env:2: A is set again (first on line 1); the last value wins',
      'app.env:4: LONG continues on the next line with "\\" (systemd syntax); only this line was read, check the value',
      'app.env:6: line is not a KEY=value assignment; skipped (its text is not shown: it may hold a secret)',
      'app.env:3: env: "my-key" is not a valid env var name (letters, digits, "_"); skipped',
      'app.env:5: env: PATH_TO_DATA=/home/nick/data is a path on the old host; it does not exist in the container. Mount a volume (volumes.<name>.mountPath) or bake the files into the image, and point PATH_TO_DATA there',
    ]);
  });

  test('notes an empty file', () => {
    expect(notesOf('.env', '# nothing\n')).toEqual(['.env: no KEY=value lines found']);
  });

  test('isDotenvName tells a .env from an EnvironmentFile', () => {
    expect(['.env', 'app/.env', '.env.production'].map(isDotenvName)).toEqual([true, true, true]);
    expect(['reporting-api.env', '/etc/default/app', 'env'].map(isDotenvName)).toEqual([false, false, false]);
  });
});
