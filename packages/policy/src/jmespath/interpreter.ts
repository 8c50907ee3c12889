import type { Json, Node } from './ast.js';
import { jmespathError } from './errors.js';
import { FUNCTIONS, type Arg } from './functions.js';
import { parseJmesPath } from './parser.js';
import { isFalsy, isObject, jsonEqual } from './values.js';

function slice(items: Json[], start: number | null, stop: number | null, step: number | null): Json[] {
  const len = items.length;
  const s = step ?? 1;
  const clamp = (v: number | null, dflt: number): number => {
    if (v === null) return dflt;
    if (v < 0) return Math.max(v + len, s < 0 ? -1 : 0);
    return Math.min(v, s < 0 ? len - 1 : len);
  };
  const from = clamp(start, s < 0 ? len - 1 : 0);
  const to = clamp(stop, s < 0 ? -1 : len);
  const out: Json[] = [];
  if (s > 0) for (let i = from; i < to; i += s) out.push(items[i]!);
  else for (let i = from; i > to; i += s) out.push(items[i]!);
  return out;
}

function project(items: Json[], right: Node): Json[] {
  const out: Json[] = [];
  for (const item of items) {
    const v = visit(right, item);
    if (v !== null) out.push(v);
  }
  return out;
}

function visit(node: Node, value: Json): Json {
  switch (node.type) {
    case 'Field': return isObject(value) ? (value[node.name] ?? null) : null;
    case 'Current': return value;
    case 'Literal': return node.value;
    case 'Subexpression':
    case 'IndexExpression': return visit(node.right, visit(node.left, value));
    case 'Pipe': return visit(node.right, visit(node.left, value));
    case 'Index': {
      if (!Array.isArray(value)) return null;
      const i = node.index < 0 ? value.length + node.index : node.index;
      return value[i] ?? null;
    }
    case 'Slice': return Array.isArray(value) ? slice(value, node.start, node.stop, node.step) : null;
    case 'Projection': {
      const base = visit(node.left, value);
      return Array.isArray(base) ? project(base, node.right) : null;
    }
    case 'ValueProjection': {
      const base = visit(node.left, value);
      return isObject(base) ? project(Object.values(base), node.right) : null;
    }
    case 'FilterProjection': {
      const base = visit(node.left, value);
      if (!Array.isArray(base)) return null;
      return project(base.filter((item) => !isFalsy(visit(node.condition, item))), node.right);
    }
    case 'Flatten': {
      const base = visit(node.child, value);
      if (!Array.isArray(base)) return null;
      return base.flatMap((x) => (Array.isArray(x) ? x : [x]));
    }
    case 'Or': {
      const left = visit(node.left, value);
      return isFalsy(left) ? visit(node.right, value) : left;
    }
    case 'And': {
      const left = visit(node.left, value);
      return isFalsy(left) ? left : visit(node.right, value);
    }
    case 'Not': return isFalsy(visit(node.child, value));
    case 'Comparator': {
      const left = visit(node.left, value);
      const right = visit(node.right, value);
      if (node.op === '==') return jsonEqual(left, right);
      if (node.op === '!=') return !jsonEqual(left, right);
      // Ordering is defined for numbers only; anything else compares to null.
      if (typeof left !== 'number' || typeof right !== 'number') return null;
      switch (node.op) {
        case '<': return left < right;
        case '<=': return left <= right;
        case '>': return left > right;
        default: return left >= right;
      }
    }
    case 'MultiSelectList': return value === null ? null : node.children.map((c) => visit(c, value));
    case 'MultiSelectHash': {
      if (value === null) return null;
      const out: { [key: string]: Json } = {};
      for (const pair of node.pairs) out[pair.key] = visit(pair.value, value);
      return out;
    }
    case 'ExpressionReference': throw jmespathError('an expression reference (&expr) is only allowed as a function argument');
    case 'Function': {
      const fn = FUNCTIONS[node.name];
      if (fn === undefined) throw jmespathError(`unknown function ${node.name}()`);
      const args: Arg[] = node.args.map((arg) => (arg.type === 'ExpressionReference'
        ? { expref: arg.child, apply: (v: Json) => visit(arg.child, v) }
        : visit(arg, value)));
      return fn(args);
    }
  }
}

/** Runs a JMESPath query over a JSON value. Throws ERR_POLICY_EVALUATION_FAILED. */
export function searchJmesPath(data: Json, query: string): Json {
  return visit(parseJmesPath(query), data);
}
