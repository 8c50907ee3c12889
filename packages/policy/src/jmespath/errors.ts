import type { ConfideError } from '@confide/core';
import { PolicyError } from '../errors.js';

/** ERR_POLICY_EVALUATION_FAILED for a JMESPath query that cannot be parsed or run. */
export function jmespathError(message: string): ConfideError {
  return new PolicyError('ERR_POLICY_EVALUATION_FAILED', `JmesPath: ${message}`);
}
