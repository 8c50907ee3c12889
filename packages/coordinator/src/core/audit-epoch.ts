/**
 * The audit log across a start-over. The old audit key is sealed with the state that is being
 * discarded, so the new state's entries are signed by a new key. An `audit.epoch` entry, signed
 * by the new key and chained to the old head, names the new key and the one before it (as the
 * log itself recorded it), so a verifier holding the current key checks every entry
 * (@confide/audit verifyAuditLog).
 */
import type { Repositories } from '@confide/store';
import { AUDIT_EPOCH_TYPE } from '@confide/audit';
import { exportAuditLog, type AuditEvent } from '../audit/append.js';

/** The public key the newest entries were signed with, as the log names it (manifest.set or audit.epoch), or null. */
function lastAuditKey(lines: readonly string[]): { key: JsonWebKey | null; epochs: number } {
  let key: JsonWebKey | null = null;
  let epochs = 0;
  for (const line of lines) {
    const entry = JSON.parse(line) as { type: string; details: Record<string, unknown> };
    if (entry.type === AUDIT_EPOCH_TYPE) {
      epochs++;
      key = (entry.details.publicKeyJwk as JsonWebKey | undefined) ?? null;
    } else if (entry.type === 'manifest.set' && entry.details.auditPublicKeyJwk !== undefined) {
      key = entry.details.auditPublicKeyJwk as JsonWebKey;
    }
  }
  return { key, epochs };
}

/** The `audit.epoch` event that starts the new key's part of the log. */
export async function epochEvent(repos: Repositories, publicKeyJwk: JsonWebKey, why: { by: 'operator' | 'manifest' | 'restart'; recoveryReason: string }): Promise<AuditEvent> {
  const lines = (await exportAuditLog(repos)).split('\n').filter((l) => l !== '');
  const { key, epochs } = lastAuditKey(lines);
  return {
    type: AUDIT_EPOCH_TYPE,
    actor: why.by === 'operator' ? 'operator' : 'coordinator',
    details: { epoch: epochs + 1, startedBy: why.by, recoveryReason: why.recoveryReason, publicKeyJwk: publicJwk(publicKeyJwk), previousPublicKeyJwk: key ? publicJwk(key) : null },
  };
}

function publicJwk(jwk: JsonWebKey): JsonWebKey {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y };
}
