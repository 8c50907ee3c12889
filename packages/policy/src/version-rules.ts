import type { ConfideError } from '@confide/core';
import { PolicyError } from './errors.js';
import type { Action, Expression, FunctionName, Policy, Rule, SectionName, SourcePosition } from './types.js';

const ARITY: Record<FunctionName, number> = {
  JmesPath: 2, JsonToClaimValue: 1, IsSubsetOf: 2, AppendString: 2, NegateBool: 1, ContainsOnlyValue: 2,
};

/** The actions each section takes (claim-rule-grammar; configuration rules only set properties). */
const ACTIONS: Record<SectionName, readonly Action['kind'][]> = {
  configurationrules: ['issueproperty'],
  authorizationrules: ['permit', 'deny', 'add'],
  issuancerules: ['add', 'issue', 'issueproperty'],
};

/** ERR_POLICY_INVALID at `pos`: the text parses but breaks a rule of its version. */
export function invalid(message: string, pos: SourcePosition): ConfideError {
  return new PolicyError('ERR_POLICY_INVALID', `${message} at line ${pos.line}, column ${pos.column}`, { details: { line: pos.line, column: pos.column } });
}

function checkExpression(expr: Expression, policy: Policy, known: ReadonlySet<string>): void {
  if (expr.kind === 'property' && !known.has(expr.identifier)) {
    throw invalid(`Identifier ${expr.identifier} is not bound by an earlier condition of this rule`, expr.pos);
  }
  if (expr.kind === 'call') {
    if (policy.version !== '1.2') throw invalid(`Function ${expr.name} needs policy version 1.2 (this policy is ${policy.version})`, expr.pos);
    if (expr.args.length !== ARITY[expr.name]) throw invalid(`${expr.name} takes ${ARITY[expr.name]} argument(s), not ${expr.args.length}`, expr.pos);
    for (const arg of expr.args) checkExpression(arg, policy, known);
  }
}

function checkRule(rule: Rule, section: SectionName, policy: Policy): void {
  const known = new Set<string>();
  for (const condition of rule.conditions) {
    if (condition.negated && policy.version !== '1.2') throw invalid(`The ! operator needs policy version 1.2 (this policy is ${policy.version})`, condition.pos);
    for (const test of condition.tests) {
      const ordering = test.operator !== '==' && test.operator !== '!=';
      const literal = test.operand.kind === 'string' || test.operand.kind === 'boolean';
      if (ordering && (test.property !== 'value' || literal)) {
        throw invalid(`Operator ${test.operator} applies only to integer values`, test.pos);
      }
      checkExpression(test.operand, policy, known);
    }
    if (condition.identifier !== undefined) {
      if (known.has(condition.identifier)) throw invalid(`Identifier ${condition.identifier} is bound twice in one rule`, condition.pos);
      known.add(condition.identifier);
    }
  }
  const action = rule.action;
  if (!ACTIONS[section].includes(action.kind)) throw invalid(`Action ${action.kind}() is not allowed in ${section}`, action.pos);
  if (action.kind === 'permit' || action.kind === 'deny') return;
  if (action.claim.kind === 'reference') {
    if (!known.has(action.claim.identifier)) throw invalid(`Identifier ${action.claim.identifier} is not bound by a condition of this rule`, action.claim.pos);
  } else {
    checkExpression(action.claim.type, policy, known);
    checkExpression(action.claim.value, policy, known);
  }
}

/**
 * Checks what the grammar alone does not: sections allowed and required by the version,
 * actions allowed per section, 1.2-only functions and `!`, identifier binding.
 * Throws ERR_POLICY_INVALID.
 */
export function checkPolicy(policy: Policy, sectionPos: ReadonlyMap<SectionName, SourcePosition>, endPos: SourcePosition): void {
  const configPos = sectionPos.get('configurationrules');
  if (configPos !== undefined && policy.version === '1.0') throw invalid('Section configurationrules needs policy version 1.1 or later', configPos);
  if (!sectionPos.has('authorizationrules')) throw invalid('Section authorizationrules is required', endPos);
  for (const rule of policy.configurationRules) checkRule(rule, 'configurationrules', policy);
  for (const rule of policy.authorizationRules) checkRule(rule, 'authorizationrules', policy);
  for (const rule of policy.issuanceRules) checkRule(rule, 'issuancerules', policy);
}
