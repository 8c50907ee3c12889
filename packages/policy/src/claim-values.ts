import type { ConfideError } from '@confide/core';
import { PolicyError } from './errors.js';
import type { ClaimScalar, ClaimValueType } from './types.js';

/** ERR_POLICY_EVALUATION_FAILED with the rule's place in the text, when known. */
export function evaluationError(message: string, pos?: { line: number; column: number }): ConfideError {
  return pos === undefined
    ? new PolicyError('ERR_POLICY_EVALUATION_FAILED', message)
    : new PolicyError('ERR_POLICY_EVALUATION_FAILED', `${message} at line ${pos.line}, column ${pos.column}`, { details: { line: pos.line, column: pos.column } });
}

/** The policy-language value type of a JS value. */
export function valueTypeOf(value: ClaimScalar): ClaimValueType {
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'number') return 'Integer';
  return 'String';
}

/** Equality within one value type: "1" and 1 differ, as do true and "true". */
export function sameValue(a: ClaimScalar, b: ClaimScalar): boolean {
  return typeof a === typeof b && a === b;
}
