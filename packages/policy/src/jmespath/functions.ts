import type { Json, Node } from './ast.js';
import { jmespathError } from './errors.js';
import { isObject, jsonEqual, typeOf, type JsonObject } from './values.js';

/** An `&expr` argument: the interpreter hands functions a callback over the referenced expression. */
export interface ExpressionRef { expref: Node; apply: (value: Json) => Json }
export type Arg = Json | ExpressionRef;

function isRef(v: Arg): v is ExpressionRef {
  return isObject(v) && 'expref' in v && typeof (v as { apply?: unknown }).apply === 'function';
}

function fail(name: string, message: string): never {
  throw jmespathError(`${name}(): ${message}`);
}

function arity(name: string, args: Arg[], min: number, max = min): void {
  if (args.length < min || args.length > max) fail(name, `takes ${min === max ? min : `${min}..${max}`} argument(s), got ${args.length}`);
}

function str(name: string, v: Arg): string { if (typeof v !== 'string') fail(name, 'expected a string'); return v; }
function num(name: string, v: Arg): number { if (typeof v !== 'number') fail(name, 'expected a number'); return v; }
function arr(name: string, v: Arg): Json[] { if (!Array.isArray(v)) fail(name, 'expected an array'); return v; }
function obj(name: string, v: Arg): JsonObject { if (isRef(v) || !isObject(v)) fail(name, 'expected an object'); return v; }
function ref(name: string, v: Arg): ExpressionRef { if (!isRef(v)) fail(name, 'expected an expression reference (&expr)'); return v; }
function json(name: string, v: Arg): Json { if (isRef(v)) fail(name, 'unexpected expression reference'); return v; }

function numbers(name: string, v: Arg): number[] {
  const a = arr(name, v);
  if (!a.every((x) => typeof x === 'number')) fail(name, 'expected an array of numbers');
  return a as number[];
}

/** Sort keys must all be numbers or all strings. */
function sortKeys(name: string, keys: Json[]): void {
  if (keys.length === 0) return;
  const t = typeOf(keys[0]!);
  if ((t !== 'number' && t !== 'string') || !keys.every((k) => typeOf(k) === t)) fail(name, 'expected all numbers or all strings');
}

function compare(a: Json, b: Json): number {
  return (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
}

function byKey(name: string, args: Arg[], pick: 'min' | 'max'): Json {
  arity(name, args, 2);
  const items = arr(name, args[0]!);
  const key = ref(name, args[1]!);
  const keys = items.map((x) => key.apply(x));
  sortKeys(name, keys);
  let best = -1;
  keys.forEach((k, i) => { if (best < 0 || (pick === 'max' ? compare(k, keys[best]!) > 0 : compare(k, keys[best]!) < 0)) best = i; });
  return best < 0 ? null : items[best]!;
}

function extreme(name: string, args: Arg[], pick: 'min' | 'max'): Json {
  arity(name, args, 1);
  const items = arr(name, args[0]!);
  sortKeys(name, items);
  if (items.length === 0) return null;
  return items.reduce((a, b) => (pick === 'max' ? (compare(b, a) > 0 ? b : a) : (compare(b, a) < 0 ? b : a)));
}

/** The JMESPath built-in functions, plus `equals_ignore_case`, which MAA's documented policies use. */
export const FUNCTIONS: Record<string, (args: Arg[]) => Json> = {
  abs: (a) => { arity('abs', a, 1); return Math.abs(num('abs', a[0]!)); },
  avg: (a) => { arity('avg', a, 1); const n = numbers('avg', a[0]!); return n.length === 0 ? null : n.reduce((x, y) => x + y, 0) / n.length; },
  ceil: (a) => { arity('ceil', a, 1); return Math.ceil(num('ceil', a[0]!)); },
  contains: (a) => {
    arity('contains', a, 2);
    const subject = json('contains', a[0]!);
    const needle = json('contains', a[1]!);
    if (typeof subject === 'string') return typeof needle === 'string' && subject.includes(needle);
    return arr('contains', subject).some((x) => jsonEqual(x, needle));
  },
  ends_with: (a) => { arity('ends_with', a, 2); return str('ends_with', a[0]!).endsWith(str('ends_with', a[1]!)); },
  equals_ignore_case: (a) => {
    arity('equals_ignore_case', a, 2);
    return str('equals_ignore_case', a[0]!).toUpperCase() === str('equals_ignore_case', a[1]!).toUpperCase();
  },
  floor: (a) => { arity('floor', a, 1); return Math.floor(num('floor', a[0]!)); },
  join: (a) => {
    arity('join', a, 2);
    const parts = arr('join', a[1]!);
    if (!parts.every((x) => typeof x === 'string')) fail('join', 'expected an array of strings');
    return parts.join(str('join', a[0]!));
  },
  keys: (a) => { arity('keys', a, 1); return Object.keys(obj('keys', a[0]!)); },
  length: (a) => {
    arity('length', a, 1);
    const v = json('length', a[0]!);
    if (typeof v === 'string') return [...v].length;
    if (Array.isArray(v)) return v.length;
    return Object.keys(obj('length', v)).length;
  },
  map: (a) => { arity('map', a, 2); const f = ref('map', a[0]!); return arr('map', a[1]!).map((x) => f.apply(x)); },
  max: (a) => extreme('max', a, 'max'),
  max_by: (a) => byKey('max_by', a, 'max'),
  merge: (a) => Object.assign({}, ...a.map((x) => obj('merge', x))) as JsonObject,
  min: (a) => extreme('min', a, 'min'),
  min_by: (a) => byKey('min_by', a, 'min'),
  not_null: (a) => { if (a.length === 0) fail('not_null', 'takes at least 1 argument'); return (a.find((x) => x !== null) as Json | undefined) ?? null; },
  reverse: (a) => {
    arity('reverse', a, 1);
    const v = json('reverse', a[0]!);
    if (typeof v === 'string') return [...v].reverse().join('');
    return [...arr('reverse', v)].reverse();
  },
  sort: (a) => { arity('sort', a, 1); const items = [...arr('sort', a[0]!)]; sortKeys('sort', items); return items.sort(compare); },
  sort_by: (a) => {
    arity('sort_by', a, 2);
    const items = arr('sort_by', a[0]!);
    const key = ref('sort_by', a[1]!);
    const decorated = items.map((item, i) => ({ item, i, k: key.apply(item) }));
    sortKeys('sort_by', decorated.map((d) => d.k));
    // Stable by original index, as the specification asks.
    return decorated.sort((x, y) => compare(x.k, y.k) || x.i - y.i).map((d) => d.item);
  },
  starts_with: (a) => { arity('starts_with', a, 2); return str('starts_with', a[0]!).startsWith(str('starts_with', a[1]!)); },
  sum: (a) => { arity('sum', a, 1); return numbers('sum', a[0]!).reduce((x, y) => x + y, 0); },
  to_array: (a) => { arity('to_array', a, 1); const v = json('to_array', a[0]!); return Array.isArray(v) ? v : [v]; },
  to_number: (a) => {
    arity('to_number', a, 1);
    const v = json('to_number', a[0]!);
    if (typeof v === 'number') return v;
    if (typeof v !== 'string' || !/^\s*-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?\s*$/.test(v)) return null;
    return Number(v);
  },
  to_string: (a) => { arity('to_string', a, 1); const v = json('to_string', a[0]!); return typeof v === 'string' ? v : JSON.stringify(v); },
  type: (a) => { arity('type', a, 1); return typeOf(json('type', a[0]!)); },
  values: (a) => { arity('values', a, 1); return Object.values(obj('values', a[0]!)); },
};
