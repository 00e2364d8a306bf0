/**
 * `--from-env FILE`: a `.env` (python-dotenv, docker-compose `env_file`) or a systemd
 * `EnvironmentFile`. Values are parsed by `dotenv`; this module adds line numbers, systemd's `;`
 * comments, and a note for every line it cannot read. Lines are never quoted in notes: a broken
 * line may hold a secret.
 */
import { parse as parseDotenv } from 'dotenv';
import { classifyEnv, EnvEntry } from './classify';
import { basename, Draft, emptyDraft } from './draft';
import { NoteList } from './notes';

const ASSIGNMENT = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*[=:]\s?(.*)$/;

/** Reads the entries of an env file with their line numbers; notes what it skips. */
export function readEnvEntries(text: string, notes: NoteList): EnvEntry[] {
  const lines = text.split(/\r?\n/);
  const kept: string[] = [];
  const lineOf = new Map<string, number>();
  let openQuote: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const n = i + 1;
    if (openQuote) {
      kept.push(line);
      if (closesQuote(line, openQuote)) openQuote = undefined;
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) {
      kept.push('');
      continue;
    }
    const m = ASSIGNMENT.exec(line);
    if (!m) {
      notes.add(n, 'line is not a KEY=value assignment; skipped (its text is not shown: it may hold a secret)');
      kept.push('');
      continue;
    }
    if (lineOf.has(m[1])) notes.add(n, `${m[1]} is set again (first on line ${lineOf.get(m[1])}); the last value wins`);
    lineOf.set(m[1], n);
    const value = m[2].trimStart();
    const q = value[0];
    if ((q === '"' || q === "'" || q === '`') && !closesQuote(value.slice(1), q)) openQuote = q;
    else if (/\\$/.test(value) && !/^["'`]/.test(value)) notes.add(n, `${m[1]} continues on the next line with "\\" (systemd syntax); only this line was read, check the value`);
    kept.push(line);
  }
  if (openQuote) notes.add(undefined, 'a quoted value is never closed; the file may be cut short');
  const parsed = parseDotenv(kept.join('\n'));
  for (const [name, n] of lineOf) if (!(name in parsed)) notes.add(n, `${name}: the value could not be read (write KEY=value); skipped`);
  return Object.entries(parsed).map(([name, value]) => ({ name, value, line: lineOf.get(name) }));
}

function closesQuote(s: string, quote: string): boolean {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\' && quote === '"') i++;
    else if (s[i] === quote) return true;
  }
  return false;
}

/** Is this file a `.env` an app loads itself (python-dotenv), by its name? */
export function isDotenvName(file: string): boolean {
  return /^\.env(\..+)?$/.test(basename(file));
}

/** Imports an env file: config into `env`, secrets as references without their values. */
export function importEnvFile(file: string, text: string): Draft {
  const draft = emptyDraft(file);
  const notes = new NoteList(file);
  const entries = readEnvEntries(text, notes);
  const { env, secrets } = classifyEnv(entries, notes, 'env');
  Object.assign(draft.env, env);
  for (const [name, s] of Object.entries(secrets)) draft.secrets[name] = s.file ? { file: s.file } : {};
  if (entries.length === 0) notes.add(undefined, 'no KEY=value lines found');
  draft.notes.push(...notes.notes);
  return draft;
}
