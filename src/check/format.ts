/**
 * Findings for people and for machines: text grouped by file, then object, one line per finding
 * with its path and fix and a summary line; or a JSON array in a stable order.
 */
import { redact } from '../util/redact';
import { CheckName, Finding } from './types';

/** Output formats of {@link formatFindings}. */
export type FindingFormat = 'text' | 'json';

/** The order checks run in; findings of one object are listed in this order. */
const CHECK_ORDER: readonly CheckName[] = ['schema', 'pod-security', 'rbac', 'guardrail', 'secret-leak'];

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Orders findings by file, object, check, path and message, so output does not depend on the
 * order checks or manifests happened to run in.
 */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.file, b.file) ||
    cmp(a.object, b.object) ||
    CHECK_ORDER.indexOf(a.check) - CHECK_ORDER.indexOf(b.check) ||
    cmp(a.path, b.path) ||
    cmp(a.message, b.message) ||
    cmp(a.fix ?? '', b.fix ?? '')
  );
}

/** `1 problem`, `2 problems`. */
function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Renders findings as text or JSON, with secret values redacted (util/redact.ts). */
export function formatFindings(findings: readonly Finding[], format: FindingFormat): string {
  return redact(renderFindings(findings, format));
}

function renderFindings(findings: readonly Finding[], format: FindingFormat): string {
  const sorted = [...findings].sort(compareFindings);
  if (format === 'json') {
    // Fixed key order, so the JSON diffs cleanly between runs.
    const rows = sorted.map((f) => ({ check: f.check, file: f.file, object: f.object, path: f.path, message: f.message, ...(f.fix !== undefined && { fix: f.fix }) }));
    return `${JSON.stringify(rows, null, 2)}\n`;
  }
  if (!sorted.length) return 'no problems\n';
  const lines: string[] = [];
  let file: string | undefined;
  let object: string | undefined;
  let objects = 0;
  for (const f of sorted) {
    if (f.file !== file) {
      if (file !== undefined) lines.push('');
      lines.push(f.file);
      file = f.file;
      object = undefined;
    }
    if (f.object !== object) {
      lines.push(`  ${f.object}`);
      object = f.object;
      objects++;
    }
    lines.push(`    ${f.check}: ${f.path ? `${f.path}: ` : ''}${f.message}${f.fix ? ` (fix: ${f.fix})` : ''}`);
  }
  lines.push('', `${count(sorted.length, 'problem')} in ${count(objects, 'object')}`);
  return `${lines.join('\n')}\n`;
}
