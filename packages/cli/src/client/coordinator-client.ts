/**
 * A typed client for the coordinator's client API v2 (MarbleRun-compatible, JSend). One method
 * per route; each throws the coordinator's failure as a ConfideError (see jsend.ts) and the
 * transport errors of http.ts.
 */
import { fromBase64, toBase64 } from '@confide/core';
import { CliError } from '../errors.js';
import type { Connection } from './connection.js';
import { exchange } from './http.js';
import { failureOf, field, jsendData } from './jsend.js';
import { violationList, type ShownViolation } from './violations.js';

/** `warnings` of a success answer, when it has them. */
function warningsOf(data: unknown): { warnings?: ShownViolation[] } {
  const raw = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['warnings'] : undefined;
  return Array.isArray(raw) ? { warnings: violationList(raw) } : {};
}

export interface ManifestAnswer {
  manifest: Uint8Array;
  /** Hex SHA-256 of the manifest bytes. */
  fingerprint: string;
  /** ECDSA (root key) over the manifest bytes, ASN.1 DER. */
  signature: Uint8Array;
}

export interface QuoteAnswer {
  cert: string;
  quote: Uint8Array;
  /** The root's signature over the listener's TLS key; absent from MarbleRun and in recovery. */
  tlsBinding: { spkiSha256: string; signature: Uint8Array } | undefined;
  /** Hex SHA-256 of the TLS SubjectPublicKeyInfo the server presented on the quote's connection. */
  presentedSpkiSha256: string;
}

export interface UpdateAnswer {
  missingAcknowledgments: number;
  missingUsers: string[];
  message?: string;
  recoverySecrets?: Record<string, string>;
  /** The manifest's warnings, when the coordinator sends them (Confide does; MarbleRun does not). */
  warnings?: ShownViolation[];
}

export interface PendingUpdate {
  manifest: Uint8Array;
  message: string;
  missingUsers: string[];
  missingAcknowledgments: number;
}

/**
 * The encrypted recovery secrets of an answer. MarbleRun names them per route
 * (coordinator/server/v2/types.go): `RecoverySecrets` for POST /manifest, `recoverySecrets` for
 * POST /update and /update-manifest.
 */
function recoverySecretsOf(data: unknown, name: 'RecoverySecrets' | 'recoverySecrets'): Record<string, string> | undefined {
  const value = (data as Record<string, unknown> | null)?.[name];
  return typeof value === 'object' && value !== null && Object.keys(value).length > 0 ? (value as Record<string, string>) : undefined;
}

/** `missingUsers`, which MarbleRun sends as null once an update applied (a nil Go slice). Throws ERR_SERVICE_UNAVAILABLE for another type. */
function missingUsersOf(data: unknown, what: string): string[] {
  return (data as Record<string, unknown> | null)?.['missingUsers'] === null ? [] : field<string[]>(data, 'missingUsers', 'array', what);
}

export class CoordinatorClient {
  constructor(readonly conn: Connection) {}

  async #call(method: 'GET' | 'POST', path: string, what: string, body?: unknown, trust: 'tls' | 'none' = 'tls'): Promise<unknown> {
    return jsendData(await exchange(this.conn, method, path, body, trust), what);
  }

  /** GET /api/v2/status. */
  async status(trust: 'tls' | 'none' = 'tls'): Promise<{ code: number; message: string }> {
    const data = await this.#call('GET', '/api/v2/status', 'status', undefined, trust);
    return { code: field<number>(data, 'code', 'number', 'status'), message: field<string>(data, 'message', 'string', 'status') };
  }

  /**
   * GET /api/v2/quote?nonce=: evidence, the chain (intermediate, root), the root's TLS binding
   * when the coordinator sends one, and the TLS key this connection presented. `trust: 'none'`
   * skips the CA check: the evidence is what `coordinator verify` trusts.
   */
  async quote(nonce: Uint8Array | undefined, trust: 'tls' | 'none' = 'tls'): Promise<QuoteAnswer> {
    // base64url with padding: MarbleRun decodes the nonce with Go's base64.URLEncoding (v2.go QuoteGet).
    const query = nonce ? `?nonce=${encodeURIComponent(toBase64(nonce).replace(/\+/g, '-').replace(/\//g, '_'))}` : '';
    const answer = await exchange(this.conn, 'GET', `/api/v2/quote${query}`, undefined, trust);
    const data = jsendData(answer, 'quote');
    const raw = (data as Record<string, unknown>)['tlsBinding'];
    let tlsBinding: QuoteAnswer['tlsBinding'];
    if (raw !== undefined && raw !== null) {
      const spkiSha256 = field<string>(raw, 'spkiSha256', 'string', 'quote tlsBinding');
      let signature: Uint8Array;
      try {
        signature = fromBase64(field<string>(raw, 'signature', 'string', 'quote tlsBinding'));
      } catch {
        throw new CliError('ERR_EVIDENCE_MALFORMED', 'quote: tlsBinding.signature is not base64');
      }
      tlsBinding = { spkiSha256, signature };
    }
    return {
      cert: field<string>(data, 'cert', 'string', 'quote'),
      quote: fromBase64(field<string>(data, 'quote', 'string', 'quote')),
      tlsBinding,
      presentedSpkiSha256: answer.tlsSpkiSha256 ?? '',
    };
  }

  /** GET /api/v2/manifest. */
  async manifest(trust: 'tls' | 'none' = 'tls'): Promise<ManifestAnswer> {
    const data = await this.#call('GET', '/api/v2/manifest', 'manifest get', undefined, trust);
    return {
      manifest: fromBase64(field<string>(data, 'manifest', 'string', 'manifest get')),
      fingerprint: field<string>(data, 'manifestFingerprint', 'string', 'manifest get'),
      signature: fromBase64(field<string>(data, 'manifestSignatureRootECDSA', 'string', 'manifest get')),
    };
  }

  /** POST /api/v2/manifest; returns the encrypted recovery secrets, if any. */
  async setManifest(manifest: Uint8Array): Promise<{ recoverySecrets?: Record<string, string>; warnings?: ShownViolation[] }> {
    const data = await this.#call('POST', '/api/v2/manifest', 'manifest set', { manifest: toBase64(manifest) });
    const secrets = recoverySecretsOf(data, 'RecoverySecrets');
    return { ...(secrets ? { recoverySecrets: secrets } : {}), ...warningsOf(data) };
  }

  /** POST /api/v2/update: a package update or a full update proposal. */
  async update(manifest: Uint8Array): Promise<UpdateAnswer> {
    const data = await this.#call('POST', '/api/v2/update', 'manifest update apply', { manifest: toBase64(manifest) });
    const secrets = recoverySecretsOf(data, 'recoverySecrets');
    return {
      missingAcknowledgments: field<number>(data, 'missingAcknowledgments', 'number', 'manifest update apply'),
      missingUsers: missingUsersOf(data, 'manifest update apply'),
      ...(secrets ? { recoverySecrets: secrets } : {}),
      ...warningsOf(data),
    };
  }

  /** GET /api/v2/update-manifest: the pending update. */
  async pendingUpdate(): Promise<PendingUpdate> {
    const data = await this.#call('GET', '/api/v2/update-manifest', 'manifest update get');
    return {
      manifest: fromBase64(field<string>(data, 'manifest', 'string', 'manifest update get')),
      message: field<string>(data, 'message', 'string', 'manifest update get'),
      missingUsers: missingUsersOf(data, 'manifest update get'),
      // MarbleRun's answer has no count (v2.go UpdateManifestGet): the users still missing are it.
      missingAcknowledgments: typeof (data as Record<string, unknown>)['missingAcknowledgments'] === 'number' ? (data as Record<string, number>)['missingAcknowledgments']! : missingUsersOf(data, 'manifest update get').length,
    };
  }

  /** POST /api/v2/update-manifest: acknowledges the pending update with its exact bytes. */
  async acknowledge(manifest: Uint8Array): Promise<UpdateAnswer> {
    const data = await this.#call('POST', '/api/v2/update-manifest', 'manifest update acknowledge', { manifest: toBase64(manifest) });
    const secrets = recoverySecretsOf(data, 'recoverySecrets');
    return {
      message: field<string>(data, 'message', 'string', 'manifest update acknowledge'),
      missingAcknowledgments: field<number>(data, 'missingAcknowledgments', 'number', 'manifest update acknowledge'),
      missingUsers: missingUsersOf(data, 'manifest update acknowledge'),
      ...(secrets ? { recoverySecrets: secrets } : {}),
    };
  }

  /** POST /api/v2/update-cancel. */
  async cancelUpdate(): Promise<{ message: string }> {
    const data = await this.#call('POST', '/api/v2/update-cancel', 'manifest update cancel');
    return { message: field<string>(data, 'message', 'string', 'manifest update cancel') };
  }

  /** GET /api/v2/update: one JSON text per entry (MarbleRun's path, api/v2.go manifestLogV2; Confide serves /update-log too). */
  async updateLog(): Promise<string[]> {
    const data = await this.#call('GET', '/api/v2/update', 'manifest log');
    return field<string[]>(data, 'updateLog', 'array', 'manifest log');
  }

  /** GET /api/v2/secrets?s=...: the named secrets as the coordinator describes them. */
  async secrets(names: string[]): Promise<Record<string, unknown>> {
    const query = names.map((n) => `s=${encodeURIComponent(n)}`).join('&');
    const data = await this.#call('GET', `/api/v2/secrets?${query}`, 'secret get');
    return field<Record<string, unknown>>(data, 'secrets', 'object', 'secret get');
  }

  /** POST /api/v2/secrets: user-defined secrets, MarbleRun's JSON map. */
  async setSecrets(secrets: Record<string, unknown>): Promise<void> {
    await this.#call('POST', '/api/v2/secrets', 'secret set', { secrets });
  }

  /** POST /api/v2/recover: one decrypted recovery share. */
  async recover(share: Uint8Array, keyName: string | undefined, signature: Uint8Array): Promise<{ remaining: number; message: string }> {
    const body = { recoverySecret: toBase64(share), recoverySecretSignature: toBase64(signature), ...(keyName ? { keyName } : {}) };
    const data = await this.#call('POST', '/api/v2/recover', 'recover', body);
    return { remaining: field<number>(data, 'remaining', 'number', 'recover'), message: field<string>(data, 'message', 'string', 'recover') };
  }

  /** GET /api/v2/audit-log: JSON lines, oldest first. */
  async auditLog(): Promise<string> {
    const answer = await exchange(this.conn, 'GET', '/api/v2/audit-log');
    if (answer.status !== 200) {
      let json: unknown;
      try {
        json = JSON.parse(answer.body.toString('utf8'));
      } catch {
        json = undefined;
      }
      throw failureOf(answer, json, 'audit log');
    }
    const text = answer.body.toString('utf8');
    // The route may answer a JSON string (fastify serializes a returned string as text); accept both.
    if (text.startsWith('"')) {
      try {
        return JSON.parse(text) as string;
      } catch {
        throw new CliError('ERR_SERVICE_UNAVAILABLE', 'audit log: the answer is neither JSON lines nor a JSON string');
      }
    }
    return text;
  }

  /** GET /api/v2/audit-log/public-key: the audit key and the current head. */
  async auditKey(): Promise<{ publicKeyJwk: JsonWebKey; headSeq: number; headHash: string }> {
    const data = await this.#call('GET', '/api/v2/audit-log/public-key', 'audit key');
    return {
      publicKeyJwk: field<JsonWebKey>(data, 'publicKeyJwk', 'object', 'audit key'),
      headSeq: field<number>(data, 'headSeq', 'number', 'audit key'),
      headHash: field<string>(data, 'headHash', 'string', 'audit key'),
    };
  }
}
