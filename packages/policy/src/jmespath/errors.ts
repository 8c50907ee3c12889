import { ConfideError } from '@confide/core';

/** ERR_POLICY_EVALUATION_FAILED for a JMESPath query that cannot be parsed or run. */
export function jmespathError(message: string): ConfideError {
  return new ConfideError('ERR_POLICY_EVALUATION_FAILED', `JmesPath: ${message}`);
}
