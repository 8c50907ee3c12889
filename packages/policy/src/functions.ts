import { assertJsonDepth, isConfideError, limitExceeded } from '@confide/core';
import { searchJmesPath } from './jmespath/interpreter.js';
import type { Json } from './jmespath/ast.js';
import { evaluationError, sameValue } from './claim-values.js';
import type { ClaimScalar, FunctionName, SourcePosition } from './types.js';
import { POLICY_LIMITS } from './limits.js';

/** Every policy expression evaluates to a set (multiset) of values: a bound claim may match many claims. */
export type ValueSet = ClaimScalar[];

/** Applies a function of single values to every combination of its argument sets. */
function lift(args: ValueSet[], fn: (values: ClaimScalar[]) => ValueSet): ValueSet {
  // Nested calls over multi-valued claims multiply: refuse before building the product.
  if (args.reduce((n, set) => n * set.length, 1) > POLICY_LIMITS.maxValues) {
    throw limitExceeded('policy.maxValues', POLICY_LIMITS.maxValues, 'the combinations of a function\'s argument values');
  }
  let combos: ClaimScalar[][] = [[]];
  for (const set of args) combos = combos.flatMap((prefix) => set.map((v) => [...prefix, v]));
  return combos.flatMap(fn);
}

function parseJson(name: string, text: ClaimScalar, pos: SourcePosition): Json {
  if (typeof text !== 'string' || text.length === 0) throw evaluationError(`${name} needs a non-empty JSON string`, pos);
  let json: Json;
  try {
    json = JSON.parse(text) as Json;
  } catch {
    throw evaluationError(`${name} was given text that is not JSON`, pos);
  }
  assertJsonDepth(json, 'json.maxDepth', `the JSON given to ${name}`);
  return json;
}

/** JSON -> claim values (JsonToClaimValue): integers, booleans, strings; arrays of primitives become sets; null is empty. */
function jsonToClaimValues(json: Json, pos: SourcePosition, inArray = false): ValueSet {
  if (json === null) return [];
  if (typeof json === 'boolean' || typeof json === 'string') return [json];
  if (typeof json === 'number') {
    if (!Number.isInteger(json)) throw evaluationError('JsonToClaimValue cannot convert a fractional number', pos);
    if (!Number.isSafeInteger(json)) throw evaluationError('JsonToClaimValue: integer out of range', pos);
    return [json];
  }
  if (Array.isArray(json) && !inArray) return json.flatMap((item) => jsonToClaimValues(item, pos, true));
  throw evaluationError(`JsonToClaimValue cannot convert a JSON ${Array.isArray(json) ? 'nested array' : 'object'}`, pos);
}

function expectString(name: string, v: ClaimScalar, pos: SourcePosition): string {
  if (typeof v !== 'string') throw evaluationError(`${name} needs string arguments`, pos);
  return v;
}

/** Runs one of the version 1.2 claim rule functions. Throws ERR_POLICY_EVALUATION_FAILED. */
export function callFunction(name: FunctionName, args: ValueSet[], pos: SourcePosition): ValueSet {
  switch (name) {
    case 'JmesPath':
      return lift(args, ([data, query]) => {
        const json = parseJson(name, data!, pos);
        const q = expectString(name, query!, pos);
        if (q.length === 0) throw evaluationError('JmesPath needs a non-empty query', pos);
        try {
          return [JSON.stringify(searchJmesPath(json, q))];
        } catch (err) {
          if (isConfideError(err, 'ERR_LIMIT_EXCEEDED')) throw err;
          if (isConfideError(err)) throw evaluationError(err.message, pos);
          throw err;
        }
      });
    case 'JsonToClaimValue':
      return lift(args, ([text]) => jsonToClaimValues(parseJson(name, text!, pos), pos));
    case 'AppendString':
      return lift(args, ([a, b]) => {
        const joined = expectString(name, a!, pos) + expectString(name, b!, pos);
        if (joined.length > POLICY_LIMITS.maxStringLength) throw limitExceeded('policy.maxStringLength', POLICY_LIMITS.maxStringLength, 'an AppendString result');
        return [joined];
      });
    case 'NegateBool':
      return lift(args, ([a]) => {
        if (typeof a !== 'boolean') throw evaluationError('NegateBool needs a Boolean argument', pos);
        return [!a];
      });
    case 'IsSubsetOf': {
      const [sub, sup] = args as [ValueSet, ValueSet];
      return [sub.every((v) => sup.some((w) => sameValue(v, w)))];
    }
    case 'ContainsOnlyValue': {
      const [set, single] = args as [ValueSet, ValueSet];
      if (single.length !== 1) throw evaluationError('ContainsOnlyValue needs a single value as its second argument', pos);
      return [set.length > 0 && set.every((v) => sameValue(v, single[0]!))];
    }
  }
}
