/**
 * The `key_hsm` member of a released JWK: base64url of the KeyTransferBlob JSON
 * `{"schema_version":"1.0","header":{"kid","alg":"dir","enc"},"ciphertext"}`.
 */
import { KeyVaultError } from '../errors.js';
import { isReleaseEnc, type ReleaseEnc } from './enc.js';

export interface KeyTransferBlob {
  /** kid of the transfer key (from x-ms-runtime.keys). */
  kid: string;
  enc: ReleaseEnc;
  ciphertext: Uint8Array;
}

/** Encodes the blob as the service does. */
export function encodeKeyHsm(blob: KeyTransferBlob): string {
  const json = { schema_version: '1.0', header: { kid: blob.kid, alg: 'dir', enc: blob.enc }, ciphertext: Buffer.from(blob.ciphertext).toString('base64url') };
  return Buffer.from(JSON.stringify(json), 'utf8').toString('base64url');
}

/** Decodes a key_hsm value; ERR_KEY_RELEASE_UNWRAP_FAILED when it is not a KeyTransferBlob. */
export function decodeKeyHsm(keyHsm: string): KeyTransferBlob {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(keyHsm, 'base64url').toString('utf8'));
  } catch (cause) {
    throw new KeyVaultError('ERR_KEY_RELEASE_UNWRAP_FAILED', 'key_hsm is not base64url JSON', { cause });
  }
  const d = doc as { header?: { kid?: unknown; alg?: unknown; enc?: unknown }; ciphertext?: unknown } | null;
  const h = d?.header;
  if (!h || h.alg !== 'dir' || !isReleaseEnc(h.enc) || typeof d.ciphertext !== 'string') {
    throw new KeyVaultError('ERR_KEY_RELEASE_UNWRAP_FAILED', 'key_hsm is not a KeyTransferBlob (header alg "dir", a known enc, ciphertext)');
  }
  return { kid: typeof h.kid === 'string' ? h.kid : '', enc: h.enc, ciphertext: new Uint8Array(Buffer.from(d.ciphertext, 'base64url')) };
}
