/**
 * Which policy text applies: a stored policy under settings key `maa/policies/<type>`, else the
 * default. Policy management (GET/PUT/reset) writes that key; this file only reads it.
 */
import { ConfideError, fromBase64, fromUtf8 } from '@confide/core';
import type { SettingsRepository } from '@confide/store';
import { DEFAULT_POLICIES } from './default-policies.js';
import type { AttestationType } from './types.js';

export const POLICY_KEY_PREFIX = 'maa/policies/';

/** The settings key holding the stored policy of `type`. */
export function policyKey(type: AttestationType): string {
  return `${POLICY_KEY_PREFIX}${type}`;
}

/** Policy text out of a stored value: a string, `{ text }`, `{ policy }`, or MAA's `{ AttestationPolicy: b64url }`. */
function storedText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') return undefined;
  const o = value as Record<string, unknown>;
  for (const k of ['text', 'policy']) if (typeof o[k] === 'string') return o[k] as string;
  if (typeof o['AttestationPolicy'] === 'string') return fromUtf8(fromBase64(o['AttestationPolicy'] as string));
  return undefined;
}

/** The policy text in force for `type`. Throws ERR_INTERNAL when the stored value has no policy text. */
export async function currentPolicy(settings: SettingsRepository, type: AttestationType): Promise<{ text: string; stored: boolean }> {
  const value = await settings.get(policyKey(type));
  if (value === undefined) return { text: DEFAULT_POLICIES[type], stored: false };
  const text = storedText(value);
  if (text === undefined) throw new ConfideError('ERR_INTERNAL', `stored policy ${policyKey(type)} holds no policy text`);
  return { text, stored: true };
}
