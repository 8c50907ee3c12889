/**
 * The audit key pinned by its fingerprint: the RFC 7638 JWK thumbprint (SHA-256 of the canonical
 * {"crv","kty","x","y"} JSON, base64url), which `confide audit key` prints. Without a pin the page
 * trusts the first key it verified a log under (verify/audit.ts); with one, only the pinned key
 * (or a key the log's epoch entries chain back to it) is the coordinator's.
 */
import { auditKeyThumbprint } from '@confide/audit';

const PIN = 'confide.console.auditKeyPin';
const THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

export function pinnedAuditKey(): string | undefined {
  return localStorage.getItem(PIN) ?? undefined;
}

/**
 * Pins `fingerprint` when it is the thumbprint of `current`, the key the server gives now: a
 * fingerprint that does not match is refused rather than pinned, since it would only make every
 * later check fail. Throws with what did not match.
 */
export async function pinAuditKey(fingerprint: string, current: JsonWebKey): Promise<void> {
  const wanted = fingerprint.trim();
  if (!THUMBPRINT.test(wanted)) throw new Error('not a JWK thumbprint: 43 base64url characters, as `confide audit key` prints it');
  const actual = await auditKeyThumbprint(current);
  if (wanted !== actual) throw new Error(`the server's audit key has the fingerprint ${actual}, not ${wanted}: not pinned`);
  localStorage.setItem(PIN, wanted);
}

export function unpinAuditKey(): void {
  localStorage.removeItem(PIN);
}
