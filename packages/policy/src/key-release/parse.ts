/**
 * Parses a key release policy (the JSON the service stores base64url-encoded in
 * `release_policy.data`) into its typed form. Throws ERR_KEY_RELEASE_POLICY_INVALID (details:
 * `path`) for anything the grammar does not allow and ERR_LIMIT_EXCEEDED past
 * KEY_RELEASE_POLICY_LIMITS: a policy is refused when it is set, never half-understood at release.
 */
import { PolicyError } from '../errors.js';
import { KEY_RELEASE_POLICY_LIMITS as LIMITS } from './limits.js';
import {
  KEY_RELEASE_OPERATORS,
  KEY_RELEASE_POLICY_VERSIONS,
  type KeyReleaseAuthority,
  type KeyReleaseCondition,
  type KeyReleaseGroupCondition,
  type KeyReleaseOperator,
  type KeyReleasePolicy,
  type KeyReleasePolicyVersion,
  type KeyReleaseValue,
} from './types.js';
import { isJsonObject } from '@confide/core';

type Obj = Record<string, unknown>;

function invalid(path: string, message: string): PolicyError {
  return new PolicyError('ERR_KEY_RELEASE_POLICY_INVALID', `key release policy: ${message} at ${path}`, { details: { path } });
}

function tooLarge(limit: keyof typeof LIMITS): PolicyError {
  return new PolicyError('ERR_LIMIT_EXCEEDED', `key release policy exceeds ${limit} (${LIMITS[limit]})`, { details: { limit, value: LIMITS[limit] } });
}

/**
 * The object's members keyed by their lower-cased name. The documented grammar writes `anyof`
 * and `allof` while every example writes `anyOf` / `allOf`, so names match without case; a
 * name given twice in different cases is ambiguous and refused.
 */
function members(o: Obj, path: string): Map<string, unknown> {
  const m = new Map<string, unknown>();
  for (const [k, v] of Object.entries(o)) {
    const key = k.toLowerCase();
    if (m.has(key)) throw invalid(path, `member "${k}" is given twice`);
    m.set(key, v);
  }
  return m;
}

function refuseOthers(m: Map<string, unknown>, allowed: readonly string[], path: string): void {
  for (const k of m.keys()) if (!allowed.includes(k)) throw invalid(path, `unknown member "${k}"`);
}

const OPERATOR_BY_LOWER = new Map<string, KeyReleaseOperator>(KEY_RELEASE_OPERATORS.map((op) => [op.toLowerCase(), op]));

class Walker {
  private count = 0;

  condition(v: unknown, path: string, depth: number): KeyReleaseCondition {
    if (!isJsonObject(v)) throw invalid(path, 'a condition must be an object');
    if (++this.count > LIMITS.maxConditions) throw tooLarge('maxConditions');
    const m = members(v, path);
    if (m.has('claim')) return this.claim(m, path);
    return this.group(m, path, depth);
  }

  group(m: Map<string, unknown>, path: string, depth: number, extra: readonly string[] = []): KeyReleaseGroupCondition {
    if (depth > LIMITS.maxNesting) throw tooLarge('maxNesting');
    const kinds = (['anyof', 'allof'] as const).filter((k) => m.has(k));
    if (kinds.length !== 1) throw invalid(path, 'exactly one of "anyOf" or "allOf" is required');
    refuseOthers(m, [kinds[0]!, ...extra], path);
    const kind = kinds[0] === 'anyof' ? 'anyOf' : 'allOf';
    const list = m.get(kinds[0]!);
    const at = `${path}.${kind}`;
    if (!Array.isArray(list) || list.length === 0) throw invalid(at, `"${kind}" must be a non-empty array`);
    return { kind, conditions: list.map((c, i) => this.condition(c, `${at}[${i}]`, depth + 1)) };
  }

  private claim(m: Map<string, unknown>, path: string): KeyReleaseCondition {
    const claim = m.get('claim');
    if (typeof claim !== 'string' || claim === '') throw invalid(`${path}.claim`, '"claim" must be a non-empty string');
    const segments = claim.split('.');
    if (segments.length > LIMITS.maxPathSegments) throw tooLarge('maxPathSegments');
    if (segments.some((s) => s === '')) throw invalid(`${path}.claim`, `claim path "${claim}" has an empty segment`);
    let operator: KeyReleaseOperator;
    let value: unknown;
    if (m.has('condition')) {
      // The legacy leaf form of older SDK tests and the 7.6 examples: {claim, condition, value}.
      refuseOthers(m, ['claim', 'condition', 'value'], path);
      const name = m.get('condition');
      const op = typeof name === 'string' ? OPERATOR_BY_LOWER.get(name.toLowerCase()) : undefined;
      if (op === undefined) throw invalid(`${path}.condition`, `unknown operator ${JSON.stringify(name)}`);
      if (!m.has('value')) throw invalid(path, 'a "condition" needs a "value"');
      operator = op;
      value = m.get('value');
    } else {
      const ops = [...m.keys()].filter((k) => k !== 'claim');
      if (ops.length !== 1) throw invalid(path, 'a claim condition needs exactly one operator');
      const op = OPERATOR_BY_LOWER.get(ops[0]!);
      if (op === undefined) throw invalid(path, `unknown operator "${ops[0]}"`);
      operator = op;
      value = m.get(ops[0]!);
    }
    return { kind: 'claim', claim, operator, value: checkValue(operator, value, `${path}.${operator}`) };
  }
}

function checkValue(op: KeyReleaseOperator, v: unknown, path: string): KeyReleaseValue {
  if (op === 'exists') {
    if (typeof v !== 'boolean') throw invalid(path, '"exists" takes true or false');
    return v;
  }
  if (op === 'equals' || op === 'notEquals') {
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) return v;
    throw invalid(path, `"${op}" takes a string, number or boolean`);
  }
  // Ordering a string or a boolean has no meaning the service documents; refuse it at parse time.
  if (typeof v !== 'number' || !Number.isFinite(v)) throw invalid(path, `"${op}" takes a number`);
  return v;
}

function parseAuthority(v: unknown, path: string, walker: Walker): KeyReleaseAuthority {
  if (!isJsonObject(v)) throw invalid(path, 'an authority entry must be an object');
  const m = members(v, path);
  const authority = m.get('authority');
  if (typeof authority !== 'string' || authority.trim() === '') throw invalid(`${path}.authority`, '"authority" must be a non-empty string');
  return { authority, condition: walker.group(m, path, 1, ['authority']) };
}

/** Parses policy JSON text, or an already parsed value, into a KeyReleasePolicy. */
export function parseKeyReleasePolicy(input: string | unknown): KeyReleasePolicy {
  let doc: unknown = input;
  if (typeof input === 'string') {
    if (input.length > LIMITS.maxLength) throw tooLarge('maxLength');
    try {
      doc = JSON.parse(input);
    } catch {
      throw invalid('$', 'the policy is not JSON');
    }
  }
  if (!isJsonObject(doc)) throw invalid('$', 'the policy must be a JSON object');
  const m = members(doc, '$');
  refuseOthers(m, ['version', 'anyof'], '$');
  const version = m.get('version');
  // Managed HSM refuses a policy without a version; so do we, and name the ones we know.
  if (typeof version !== 'string' || !(KEY_RELEASE_POLICY_VERSIONS as readonly string[]).includes(version)) {
    throw invalid('$.version', `"version" must be one of ${KEY_RELEASE_POLICY_VERSIONS.join(', ')}`);
  }
  const list = m.get('anyof');
  if (!Array.isArray(list) || list.length === 0) throw invalid('$.anyOf', '"anyOf" must be a non-empty array of authorities');
  const walker = new Walker();
  return { version: version as KeyReleasePolicyVersion, anyOf: list.map((a, i) => parseAuthority(a, `$.anyOf[${i}]`, walker)) };
}
