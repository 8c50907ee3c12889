/**
 * Which policy text applies: the stored policy of the type in the policies repository, else the
 * default. Policy management (GET/PUT/reset) writes it; this file only reads it.
 */
import type { PoliciesRepository } from '@confide/store';
import { DEFAULT_POLICIES } from './default-policies.js';
import type { AttestationType } from './types.js';

/** The policy text in force for `type`. */
export async function currentPolicy(policies: PoliciesRepository, type: AttestationType): Promise<{ text: string; stored: boolean }> {
  const row = await policies.get(type);
  return row === undefined ? { text: DEFAULT_POLICIES[type], stored: false } : { text: row.text, stored: true };
}
