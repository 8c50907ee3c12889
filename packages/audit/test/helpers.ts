/** Audit logs made with WebCrypto for the tests: keys, signed entries, a log across a start-over. */
import { fromHex, toBase64Url } from '@confide/core';
import { AUDIT_EPOCH_TYPE, AUDIT_GENESIS_HASH, auditEntryHash, canonicalJson, type AuditEntry } from '../src/index.js';
import { jwkOf } from '@confide/test-kit/keys';

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export interface Key {
  pair: CryptoKeyPair;
  jwk: JsonWebKey;
}

export async function newKey(): Promise<Key> {
  const pair = await crypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
  const { kty, crv, x, y } = jwkOf(pair.publicKey);
  return { pair, jwk: { kty, crv, x, y } };
}

/** Appends entries to `log`, each signed by its key. */
export async function append(log: AuditEntry[], key: Key, type: string, details: Record<string, unknown> = {}): Promise<void> {
  const prev = log[log.length - 1];
  const body = { seq: log.length + 1, time: '2026-03-01T12:00:00.000Z', type, actor: 'coordinator', details, prevHash: prev ? prev.hash : AUDIT_GENESIS_HASH };
  const hash = await auditEntryHash(body);
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.pair.privateKey, fromHex(hash) as Uint8Array<ArrayBuffer>));
  log.push({ ...body, hash, sig: toBase64Url(sig) });
}

export const text = (log: AuditEntry[]) => log.map((e) => canonicalJson(e)).join('\n') + '\n';

/** Two entries under `a`, an epoch to `b`, two entries under `b`. */
export async function startedOver(): Promise<{ a: Key; b: Key; log: AuditEntry[] }> {
  const [a, b] = [await newKey(), await newKey()];
  const log: AuditEntry[] = [];
  await append(log, a, 'manifest.set', { auditPublicKeyJwk: a.jwk });
  await append(log, a, 'secret.write', { secrets: ['x'] });
  await append(log, b, AUDIT_EPOCH_TYPE, { epoch: 1, publicKeyJwk: b.jwk, previousPublicKeyJwk: a.jwk });
  await append(log, b, 'manifest.set', { auditPublicKeyJwk: b.jwk });
  await append(log, b, 'marble.activate', {});
  return { a, b, log };
}

