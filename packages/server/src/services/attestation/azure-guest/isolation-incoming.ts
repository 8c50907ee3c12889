/** How a policy sees the claims a guest attestation token nests under `x-ms-isolation-tee`. */

export const ISOLATION_TEE = 'x-ms-isolation-tee';

/**
 * The nested claims as `x-ms-isolation-tee.<name>` (the dotted names key release policies use),
 * objects as their JSON text (absent values left out); nothing when the claims nest none.
 */
export function isolationIncoming(m: Record<string, unknown>): Record<string, unknown> {
  const tee = m[ISOLATION_TEE];
  if (tee === null || typeof tee !== 'object' || Array.isArray(tee)) return {};
  return Object.fromEntries(Object.entries(tee).filter(([, v]) => v !== undefined).map(([k, v]) => [`${ISOLATION_TEE}.${k}`, v !== null && typeof v === 'object' && !Array.isArray(v) ? JSON.stringify(v) : v]));
}
