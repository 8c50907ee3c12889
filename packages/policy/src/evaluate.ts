import { limitExceeded } from '@confide/core';
import { PolicyError } from './errors.js';
import { POLICY_LIMITS } from './limits.js';
import { evaluationError, sameValue, valueTypeOf } from './claim-values.js';
import { callFunction, type ValueSet } from './functions.js';
import type {
  Action, ClaimScalar, ClaimValueType, Condition, Expression, Policy, PolicyResult, PropertyTest, ResolvedClaim, Rule,
} from './types.js';

/** An incoming claim; a value that is not a string, integer or boolean is taken as its JSON text. */
export interface IncomingClaim {
  type: string;
  value: unknown;
  valueType?: ClaimValueType;
  issuer?: string;
}

type Bindings = Map<string, ResolvedClaim[]>;

const POLICY_ISSUER = 'AttestationPolicy';
const DEFAULT_ISSUER = 'CustomClaim';

function resolveIncoming(claim: IncomingClaim, index: number): ResolvedClaim {
  if (typeof claim.type !== 'string') throw evaluationError(`Incoming claim ${index} has no string type`);
  let value: ClaimScalar;
  if (typeof claim.value === 'string' || typeof claim.value === 'boolean') value = claim.value;
  else if (typeof claim.value === 'number') {
    if (!Number.isSafeInteger(claim.value)) throw evaluationError(`Incoming claim ${claim.type} has a number that is not a safe integer`);
    value = claim.value;
  } else {
    const text = JSON.stringify(claim.value);
    if (text === undefined) throw evaluationError(`Incoming claim ${claim.type} has no value`);
    value = text;
  }
  const valueType = valueTypeOf(value);
  if (claim.valueType !== undefined && claim.valueType !== valueType) {
    throw evaluationError(`Incoming claim ${claim.type} says valueType ${claim.valueType} but its value is ${valueType}`);
  }
  return { type: claim.type, value, valueType, issuer: claim.issuer ?? DEFAULT_ISSUER };
}

function evaluateExpression(expr: Expression, bindings: Bindings): ValueSet {
  switch (expr.kind) {
    case 'string':
    case 'integer':
    case 'boolean':
      return [expr.value];
    case 'property':
      return (bindings.get(expr.identifier) ?? []).map((claim) => claim[expr.property]);
    case 'call':
      return callFunction(expr.name, expr.args.map((arg) => evaluateExpression(arg, bindings)), expr.pos);
  }
}

/** A claim property against a set of operand values: == holds when some operand equals it, != when none does. */
function holds(actual: ClaimScalar, test: PropertyTest, operands: ValueSet): boolean {
  switch (test.operator) {
    case '==': return operands.some((v) => sameValue(actual, v));
    case '!=': return !operands.some((v) => sameValue(actual, v));
    default:
      if (typeof actual !== 'number') return false;
      return operands.some((v) => typeof v === 'number' && (
        test.operator === '<' ? actual < v : test.operator === '<=' ? actual <= v : test.operator === '>' ? actual > v : actual >= v));
  }
}

/** Claims satisfying every property test of the condition. */
function select(condition: Condition, claims: readonly ResolvedClaim[], bindings: Bindings): ResolvedClaim[] {
  const tests = condition.tests.map((test) => ({ test, operands: evaluateExpression(test.operand, bindings) }));
  return claims.filter((claim) => tests.every(({ test, operands }) => holds(claim[test.property], test, operands)));
}

/** Evaluates a rule's conditions left to right; returns the bindings when all hold. */
function match(rule: Rule, claims: readonly ResolvedClaim[]): Bindings | undefined {
  const bindings: Bindings = new Map();
  for (const condition of rule.conditions) {
    const selected = select(condition, claims, bindings);
    if (condition.negated ? selected.length > 0 : selected.length === 0) return undefined;
    if (condition.identifier !== undefined) bindings.set(condition.identifier, selected);
  }
  return bindings;
}

function claimsOf(action: Extract<Action, { claim: unknown }>, bindings: Bindings): ResolvedClaim[] {
  const spec = action.claim;
  if (spec.kind === 'reference') return (bindings.get(spec.identifier) ?? []).map((claim) => ({ ...claim }));
  const types = evaluateExpression(spec.type, bindings);
  if (types.length !== 1 || typeof types[0] !== 'string') throw evaluationError(`${action.kind}() needs exactly one string type`, spec.pos);
  const type = types[0];
  // An empty value set (JsonToClaimValue of null, an unmatched binding) adds nothing.
  return evaluateExpression(spec.value, bindings).map((value) => ({ type, value, valueType: valueTypeOf(value), issuer: POLICY_ISSUER }));
}

interface State {
  /** Characters of the values rules have added so far. */
  addedChars: number;
  claims: ResolvedClaim[];
  issued: ResolvedClaim[];
  properties: Record<string, ClaimScalar>;
}

/** Runs one rule; returns 'permit' or 'deny' when it fired such an action. */
function run(rule: Rule, state: State): 'permit' | 'deny' | undefined {
  const bindings = match(rule, state.claims);
  if (bindings === undefined) return undefined;
  const action = rule.action;
  if (action.kind === 'permit' || action.kind === 'deny') return action.kind;
  const made = claimsOf(action, bindings);
  if (state.claims.length + made.length > POLICY_LIMITS.maxClaims) throw limitExceeded('policy.maxClaims', POLICY_LIMITS.maxClaims, 'the claims of the evaluation');
  for (const claim of made) state.addedChars += typeof claim.value === 'string' ? claim.value.length : 8;
  if (state.addedChars > POLICY_LIMITS.maxAddedChars) throw limitExceeded('policy.maxAddedChars', POLICY_LIMITS.maxAddedChars, 'the claim values the rules add');
  if (action.kind === 'issueproperty') {
    if (made.length > 1) throw evaluationError('issueproperty() needs a single value', action.pos);
    for (const claim of made) state.properties[claim.type] = claim.value;
  }
  if (action.kind === 'issue') state.issued.push(...made.map((claim) => ({ ...claim })));
  state.claims.push(...made);
  return undefined;
}

/**
 * Evaluates a parsed policy against incoming claims: configuration rules, then authorization
 * rules (authorized when some rule permits and none denies; the first deny stops them), then,
 * only when authorized, issuance rules. Rules run in text order and see claims added by
 * earlier rules. Throws ERR_POLICY_EVALUATION_FAILED, ERR_LIMIT_EXCEEDED (policy.max*).
 */
export function evaluatePolicy(policy: Policy, incoming: readonly IncomingClaim[]): PolicyResult {
  const state: State = { addedChars: 0, claims: incoming.map(resolveIncoming), issued: [], properties: {} };
  for (const rule of policy.configurationRules) run(rule, state);
  let permitted = false;
  let denied = false;
  for (const rule of policy.authorizationRules) {
    const decision = run(rule, state);
    if (decision === 'permit') permitted = true;
    if (decision === 'deny') { denied = true; break; }
  }
  const authorized = permitted && !denied;
  if (authorized) for (const rule of policy.issuanceRules) run(rule, state);
  return { authorized, issued: state.issued, properties: state.properties, claims: state.claims };
}

/** Throws ERR_POLICY_DENIED unless the result is authorized. */
export function assertAuthorized(result: PolicyResult): void {
  if (!result.authorized) throw new PolicyError('ERR_POLICY_DENIED', 'The attestation policy did not authorize the evidence');
}
