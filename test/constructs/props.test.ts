/**
 * The constructs' public props, as the AWS CDK design guidelines ask: every exported interface
 * and every prop documented, every optional prop with its `@default`, and no generated `k8s.*`
 * type in a prop (the API must not change with the Kubernetes schema version).
 */
import * as fs from 'fs';
import * as path from 'path';
import { REPO, tempDir } from '../helpers';

/** Every `.ts` file under a folder of src/: the constructs, and the public API's own modules (src/api/). */
function sources(dir = path.join(REPO, 'src/constructs')): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

/** The problems of one file's exported interfaces: `file:line name: what is missing`. */
function propProblems(file: string): string[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const rel = path.relative(REPO, file);
  const out: string[] = [];
  /** The JSDoc block that ends right above line i, or ''. */
  const docAbove = (i: number) => {
    let j = i - 1;
    if (j < 0 || !lines[j].trim().endsWith('*/')) return '';
    const doc: string[] = [];
    for (; j >= 0; j--) {
      doc.unshift(lines[j]);
      if (lines[j].trim().startsWith('/**')) break;
    }
    return doc.join('\n');
  };
  let inInterface = false;
  lines.forEach((line, i) => {
    const decl = /^export interface (\w+)/.exec(line);
    if (decl) {
      inInterface = true;
      if (!docAbove(i)) out.push(`${rel}:${i + 1} ${decl[1]}: no JSDoc`);
      return;
    }
    if (inInterface && line.startsWith('}')) inInterface = false;
    const prop = inInterface ? /^\s+readonly (\w+)(\??):\s*(.*)$/.exec(line) : null;
    if (!prop) return;
    const doc = docAbove(i);
    if (!doc) out.push(`${rel}:${i + 1} ${prop[1]}: no JSDoc`);
    else if (prop[2] === '?' && !doc.includes('@default')) out.push(`${rel}:${i + 1} ${prop[1]}: optional without @default`);
    if (/\bk8s\./.test(prop[3])) out.push(`${rel}:${i + 1} ${prop[1]}: a generated k8s.* type`);
  });
  return out;
}

describe('construct props', () => {
  const files = [...sources(), ...sources(path.join(REPO, 'src/api'))];

  test('the scan reads the constructs (a scan of nothing would pass)', () => {
    expect(files.length).toBeGreaterThan(30);
    expect(files.some((f) => f.endsWith(path.join('workloads', 'pod.ts')))).toBe(true);
    expect(files.some((f) => f.endsWith(path.join('api', 'service-chart.ts')))).toBe(true);
  });

  test('the scan finds each kind of problem (a scan that matched no prop would pass)', () => {
    const file = path.join(tempDir(), 'bad.ts');
    const text = [
      'export interface Undocumented {',
      '  /** Documented, required. */',
      '  readonly a: string;',
      '  readonly b: string;',
      '  /** Optional, no default. */',
      '  readonly c?: string;',
      '  /** A generated type. @default - none */',
      '  readonly d?: k8s.Quantity;',
      '}',
    ];
    fs.writeFileSync(file, text.join('\n'));
    expect(propProblems(file).map((p) => p.replace(/^.*bad\.ts:/, ''))).toEqual(['1 Undocumented: no JSDoc', '4 b: no JSDoc', '6 c: optional without @default', '8 d: a generated k8s.* type']);
  });

  test('every exported interface and prop is documented, every optional prop has @default, no prop is a k8s.* type', () => {
    expect(files.flatMap(propProblems)).toEqual([]);
  });
});
