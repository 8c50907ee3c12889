/**
 * Confide's own services write their audit events into the ledger when it is enabled (issue 9):
 * each attestation token issued (the SHA-256 of the token and of its claims as signed), each key
 * release (the key id, the wrapping and the SHA-256 of the signed response). An event is an entry
 * of the collection `confide:audit`, JSON `{"event",...,"at"}`, and the service answers only once
 * the entry is durable: a token or key that left without its record would not be auditable, so a
 * ledger that cannot write fails the call (ERR_LEDGER_WRITER_FAILED, 503).
 */
import { createHash } from 'node:crypto';
import { systemClock, type Clock } from '@confide/core';
import type { LedgerWriter } from '@confide/ledger';

/** The collection the audit events go to. */
export const AUDIT_COLLECTION = 'confide:audit';

export type LedgerAuditEvent =
  | { event: 'attestation.token'; tokenSha256: string; claimsDigest: string }
  | { event: 'keyvault.key-release'; kid: string; enc: string; responseSha256: string };

export interface LedgerAuditSink {
  /** Appends `event`; resolves to its transaction id once it is durable. */
  record(event: LedgerAuditEvent): Promise<string>;
}

/** The sink over a ledger writer. */
export function ledgerAuditSink(writer: Pick<LedgerWriter, 'append'>, clock: Clock = systemClock): LedgerAuditSink {
  return { record: (event) => writer.append(JSON.stringify({ ...event, at: clock.now().toISOString() }), AUDIT_COLLECTION) };
}

/**
 * A sink the services are built with before the ledger is (the composition opens the ledger last);
 * until `bind` is called, and when the ledger is disabled, events are not recorded.
 */
export class LateAuditSink {
  #sink: LedgerAuditSink | undefined;

  bind(sink: LedgerAuditSink): void {
    this.#sink = sink;
  }

  /** Records `event` when bound; resolves to its transaction id, or undefined when not bound. */
  async record(event: LedgerAuditEvent): Promise<string | undefined> {
    return this.#sink?.record(event);
  }
}

const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** The attestation token's event: SHA-256 of the compact JWT, and of its payload bytes as signed (the claims). */
export function tokenEvent(token: string): LedgerAuditEvent {
  const payload = token.split('.')[1] ?? '';
  return { event: 'attestation.token', tokenSha256: sha256Hex(token), claimsDigest: sha256Hex(Buffer.from(payload, 'base64url')) };
}

/** What the attestation service signs tokens with (services/attestation: AttestationTokenIssuer). */
export interface TokenIssuer {
  sign(payload: object, options?: { lifetimeSeconds?: number | undefined }): Promise<string>;
  unsigned(payload: object, options?: { lifetimeSeconds?: number | undefined }): string;
}

/** A token issuer whose every signed token is recorded before it is handed out (unsigned draft-policy tokens are not tokens issued). */
export function auditedTokenIssuer(issuer: TokenIssuer, sink: Pick<LateAuditSink, 'record'>): TokenIssuer {
  return {
    async sign(payload, options) {
      const token = await issuer.sign(payload, options);
      await sink.record(tokenEvent(token));
      return token;
    },
    unsigned: (payload, options) => issuer.unsigned(payload, options),
  };
}

/** A key-release response signer that records each release before the response is handed out. */
export function auditedReleaseSigner(sign: (payload: object) => Promise<string>, sink: Pick<LateAuditSink, 'record'>): (payload: object) => Promise<string> {
  return async (payload) => {
    const value = await sign(payload);
    const request = (payload as { request?: { kid?: unknown; enc?: unknown } }).request ?? {};
    await sink.record({ event: 'keyvault.key-release', kid: String(request.kid), enc: String(request.enc), responseSha256: sha256Hex(value) });
    return value;
  };
}
