/**
 * The policy suite that runs in Chromium as well as in Node (test/browser.test.ts): policy
 * parsing and evaluation, the policy hash, and JMESPath, importing only the package and core.
 */
import { isConfideError } from '@confide/core';
import { evaluatePolicy, parsePolicy, policyHash, searchJmesPath, type IncomingClaim, type Json } from '@confide/policy';

export interface PolicyCase {
  policy: string;
  claims: IncomingClaim[];
}

/** Each policy's evaluation (or error code) and hash. */
export async function evaluateCases(cases: PolicyCase[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const c of cases) {
    try {
      out.push({ result: evaluatePolicy(parsePolicy(c.policy), c.claims), hash: await policyHash(c.policy) });
    } catch (err) {
      if (!isConfideError(err)) throw err;
      out.push({ code: err.code });
    }
  }
  return out;
}

/** Each JMESPath query's result over its data, or the error code. */
export async function searchCases(cases: Array<{ given: Json; expression: string }>): Promise<unknown[]> {
  return cases.map((c) => {
    try {
      return { result: searchJmesPath(c.given, c.expression) };
    } catch (err) {
      if (!isConfideError(err)) throw err;
      return { code: err.code };
    }
  });
}
