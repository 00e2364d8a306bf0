/**
 * Evaluates a JavaScript expression statically, from its acorn AST, without running it: literals,
 * objects, arrays, template literals without expressions, `+` on constants, unary minus, and
 * top-level `const` names bound to such values. Anything else (calls, spreads, `process.env`,
 * computed keys, template literals with expressions) is reported with its line and dropped,
 * never guessed. Reports describe the expression's shape, never its text: it may hold a secret.
 */
import type * as acorn from 'acorn';
import { NoteList } from './notes';

/** A value the evaluator understands. */
export type StaticValue = string | number | boolean | null | StaticValue[] | { [key: string]: StaticValue };

/** Sentinel for "could not be evaluated (already reported)". */
export const UNSUPPORTED: unique symbol = Symbol('unsupported');

/** State of one evaluation: where notes go, the top-level constants, and key → line. */
export class StaticEvaluator {
  /** Line of every property evaluated, by path (`apps[0].env.PORT`). */
  readonly lines = new Map<string, number>();
  private readonly resolving = new Set<string>();
  /** How many expressions were reported as unsupported. */
  private reported = 0;

  constructor(
    private readonly notes: NoteList,
    private readonly constants: ReadonlyMap<string, acorn.Expression> = new Map(),
  ) {}

  /** Evaluates a node; reports and returns UNSUPPORTED when it cannot. */
  evaluate(node: acorn.AnyNode, path: string): StaticValue | typeof UNSUPPORTED {
    switch (node.type) {
      case 'Literal':
        if (node.value === null || ['string', 'number', 'boolean'].includes(typeof node.value)) return node.value as string | number | boolean | null;
        return this.unsupported(node, path, node.regex ? 'a regular expression' : 'a BigInt literal');
      case 'TemplateLiteral':
        if (node.expressions.length === 0) return node.quasis.map((q) => q.value.cooked ?? '').join('');
        return this.unsupported(node, path, 'a template literal with ${…} expressions');
      case 'ArrayExpression': {
        const out: StaticValue[] = [];
        node.elements.forEach((el, i) => {
          if (el === null) return;
          if (el.type === 'SpreadElement') {
            this.unsupported(el, `${path}[${i}]`, `a spread (...${describe(el.argument)})`);
            return;
          }
          const elLine = line(el);
          if (elLine !== undefined) this.lines.set(`${path}[${i}]`, elLine);
          const v = this.evaluate(el, `${path}[${i}]`);
          if (v !== UNSUPPORTED) out.push(v);
        });
        return out;
      }
      case 'ObjectExpression': {
        const out: { [key: string]: StaticValue } = {};
        for (const prop of node.properties) {
          if (prop.type === 'SpreadElement') {
            this.unsupported(prop, path, `a spread (...${describe(prop.argument)}) inside the object`);
            continue;
          }
          const key = propertyKey(prop);
          if (key === undefined) {
            this.unsupported(prop, path, 'a computed key ([…]: …)');
            continue;
          }
          const at = joinPath(path, key);
          const atLine = line(prop);
          if (atLine !== undefined) this.lines.set(at, atLine);
          if (prop.kind !== 'init' || prop.method) {
            this.unsupported(prop, at, prop.method ? 'a method' : `a ${prop.kind}ter`);
            continue;
          }
          const v = this.evaluate(prop.value, at);
          if (v !== UNSUPPORTED) out[key] = v;
        }
        return out;
      }
      case 'UnaryExpression':
        if (node.operator === '-' && node.argument.type === 'Literal' && typeof node.argument.value === 'number') return -node.argument.value;
        return this.unsupported(node, path, `a "${node.operator}" expression`);
      case 'BinaryExpression': {
        if (node.operator !== '+' || node.left.type === 'PrivateIdentifier') return this.unsupported(node, path, `a "${node.operator}" expression`);
        const l = this.quiet(node.left);
        const r = this.quiet(node.right);
        if ((typeof l === 'string' || typeof l === 'number') && (typeof r === 'string' || typeof r === 'number')) return (l as string) + (r as string);
        return this.unsupported(node, path, 'a "+" on values that are not constants');
      }
      case 'Identifier': {
        if (node.name === 'undefined') return this.unsupported(node, path, 'undefined');
        const bound = this.constants.get(node.name);
        if (bound && !this.resolving.has(node.name)) {
          this.resolving.add(node.name);
          try {
            return this.evaluate(bound, path);
          } finally {
            this.resolving.delete(node.name);
          }
        }
        const why = node.name === '__dirname' || node.name === '__filename' ? ' (a folder on the old host)' : '';
        return this.unsupported(node, path, `the variable ${node.name}${why}`);
      }
      case 'MemberExpression': {
        const name = describe(node);
        if (/^process\.env\./.test(name)) return this.unsupported(node, path, `${name}, read from the shell that starts PM2`);
        return this.unsupported(node, path, `a property read (${name})`);
      }
      case 'CallExpression':
      case 'NewExpression':
        return this.unsupported(node, path, `a function call (${node.type === 'NewExpression' ? 'new ' : ''}${describe(node.callee)}(…))`);
      case 'ConditionalExpression':
        return this.unsupported(node, path, 'a conditional (… ? … : …)');
      case 'LogicalExpression':
        return this.unsupported(node, path, `a "${node.operator}" expression`);
      case 'ArrowFunctionExpression':
      case 'FunctionExpression':
        return this.unsupported(node, path, 'a function');
      default:
        return this.unsupported(node, path, `a ${node.type}`);
    }
  }

  /** Evaluates without reporting (for the operands of `+`). */
  private quiet(node: acorn.AnyNode): StaticValue | typeof UNSUPPORTED {
    const sink = new StaticEvaluator(new NoteList(), this.constants);
    const v = sink.evaluate(node, '');
    return sink.reported ? UNSUPPORTED : v;
  }

  private unsupported(node: acorn.Node, path: string, what: string): typeof UNSUPPORTED {
    this.reported++;
    this.notes.add(line(node), `unsupported expression${path ? ` at ${path}` : ''}: ${what} (not evaluated, so not imported: set it by hand)`);
    return UNSUPPORTED;
  }
}

/** `a.b.c` for identifiers and member chains; a generic word otherwise. Never a literal's text. */
export function describe(node: acorn.AnyNode | acorn.Super | acorn.PrivateIdentifier): string {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'ThisExpression') return 'this';
  if (node.type === 'MemberExpression') {
    const prop = !node.computed && node.property.type === 'Identifier' ? node.property.name : '[…]';
    return `${describe(node.object)}.${prop}`;
  }
  if (node.type === 'CallExpression') return `${describe(node.callee)}(…)`;
  return 'an expression';
}

/** The key of a non-computed property (`name:` or `"name":`). */
function propertyKey(prop: acorn.Property): string | undefined {
  if (prop.computed) return undefined;
  if (prop.key.type === 'Identifier') return prop.key.name;
  if (prop.key.type === 'Literal' && (typeof prop.key.value === 'string' || typeof prop.key.value === 'number')) return String(prop.key.value);
  return undefined;
}

/** The 1-based line of a node (acorn is run with `locations: true`). */
export function line(node: acorn.Node): number | undefined {
  return node.loc?.start.line;
}

function joinPath(path: string, key: string): string {
  const k = /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : JSON.stringify(key);
  return path ? `${path}.${k}` : k;
}
