/**
 * Findings as SARIF 2.1.0, the format GitHub code scanning reads: one rule per check, one result
 * per finding, located at the line of the field it names (GitHub shows a result only with a
 * `region.startLine`). Pure: the caller hands in each file's text.
 */
import * as yaml from 'js-yaml';
import { KeyPath, YamlLines } from '../onboard/yaml-positions';
import { compareFindings } from './format';
import { CheckName, Finding, objectRef } from './types';

/** What each check looks for, as code scanning shows it beside a result. */
const RULES: Readonly<Record<CheckName, { name: string; text: string }>> = {
  schema: { name: 'StrictSchema', text: 'Object fails strict schema validation (Kubernetes v1.32 and the CRDs berth emits; unknown fields are errors)' },
  'pod-security': { name: 'PodSecurityRestricted', text: 'Pod template breaks Pod Security "restricted"' },
  rbac: { name: 'RbacNoEscalation', text: 'Role or RoleBinding grants more than the service can show in Git, or a way to grant itself more' },
  guardrail: { name: 'ProductionGuardrail', text: 'Object breaks a production guardrail' },
  'secret-leak': { name: 'SecretLeak', text: 'A secret value is written into the manifests' },
};

/** `spec.containers[0].image`, `metadata.annotations["a/b"]` → its keys and indexes. */
function parseFieldPath(p: string): KeyPath {
  const out: Array<string | number> = [];
  for (const m of p.matchAll(/\["((?:[^"\\]|\\.)*)"\]|\[(\d+)\]|([^.[\]]+)/g)) {
    out.push(m[1] !== undefined ? JSON.parse(`"${m[1]}"`) : m[2] !== undefined ? Number(m[2]) : m[3]);
  }
  return out;
}

/**
 * The line of a finding in a file of YAML documents: the line of the field it names in its
 * object's document, or of the nearest field above it, or the document's first line.
 */
export function findingLines(text: string): (object: string, path: string) => number {
  const docs: Array<{ ref: string; first: number; lines: YamlLines }> = [];
  const all = text.split('\n');
  let start = 0;
  const flush = (end: number) => {
    const body = all.slice(start, end).join('\n');
    if (/^[ \t]*[^#\s]/m.test(body)) {
      let ref = '?';
      try {
        ref = objectRef(yaml.load(body) as Record<string, unknown>);
      } catch {
        // Unparsable: its findings point at the document's first line.
      }
      docs.push({ ref, first: start + 1, lines: new YamlLines(body) });
    }
  };
  all.forEach((line, i) => {
    if (/^---\s*$/.test(line)) {
      flush(i);
      start = i + 1;
    }
  });
  flush(all.length);
  return (object, path) => {
    const doc = docs.find((d) => d.ref === object);
    if (!doc) return 1;
    const line = doc.lines.line(parseFieldPath(path));
    return line === undefined ? doc.first : doc.first + line - 1;
  };
}

/** The SARIF log of a check run; `lineOf` places each finding in its file. */
export function formatSarif(findings: readonly Finding[], lineOf: (f: Finding) => number): string {
  const sorted = [...findings].sort(compareFindings);
  const ids = Object.keys(RULES) as CheckName[];
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'berth',
            informationUri: 'https://berth.dev',
            rules: ids.map((id) => ({ id, name: RULES[id].name, shortDescription: { text: RULES[id].text }, defaultConfiguration: { level: 'error' } })),
          },
        },
        results: sorted.map((f) => ({
          ruleId: f.check,
          ruleIndex: ids.indexOf(f.check),
          level: 'error',
          message: { text: `${f.object}: ${f.path ? `${f.path}: ` : ''}${f.message}${f.fix ? `. Fix: ${f.fix}` : ''}` },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: f.file, uriBaseId: '%SRCROOT%' }, region: { startLine: lineOf(f) } },
              logicalLocations: [{ fullyQualifiedName: f.object, kind: 'resource' }],
            },
          ],
        })),
        columnKind: 'utf16CodeUnits',
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
