/**
 * Makes simulated evidence: the dev-mode stand-in for a TEE quote, signed by an instance's
 * simulation key. Runtime-agnostic, so tests and browsers can make evidence too.
 */
import { toArrayBuffer } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { SIM_FLAG_DEBUG, SIM_MAGIC, SIM_OFFSET, SIM_SIZE, SIM_VERSION } from './layout.js';
import { trustedSimKey } from './keys.js';

/** What the simulated TEE reports. */
export interface SimEvidenceFields {
  /** 32 bytes; the launcher uses the SHA-256 of the program file. */
  measurement: Uint8Array;
  /** 32 bytes; zero when absent. */
  signer?: Uint8Array;
  /** 0..65535; 0 when absent. */
  productId?: number;
  /** 0..65535; 0 when absent. */
  svn?: number;
  debug?: boolean;
  /** Up to 64 bytes, zero-padded; zero when absent. */
  reportData?: Uint8Array;
  /** Default: now. */
  issuedAt?: Date;
}

/** A simulation key pair; a WebCrypto CryptoKeyPair fits. */
export interface SimSigningKey {
  privateKey: CryptoKey;
  /** The matching public key, as a CryptoKey or SPKI DER. */
  publicKey: CryptoKey | Uint8Array;
}

function bad(message: string): never {
  throw new EvidenceError('ERR_USAGE', `simulated evidence: ${message}`);
}

function u16(value: number | undefined, name: string): number {
  const v = value ?? 0;
  if (!Number.isInteger(v) || v < 0 || v > 0xffff) bad(`${name} must be an integer 0..65535, got ${value}`);
  return v;
}

/**
 * Builds and signs version-1 simulated evidence (256 bytes). Throws ERR_USAGE for fields of
 * the wrong size or range and for a key that is not ECDSA P-256.
 */
export async function createSimEvidence(key: SimSigningKey, fields: SimEvidenceFields): Promise<Uint8Array> {
  const { measurement, signer, reportData } = fields;
  if (measurement.length !== SIM_SIZE.MEASUREMENT) bad(`measurement must be ${SIM_SIZE.MEASUREMENT} bytes, got ${measurement.length}`);
  if (signer !== undefined && signer.length !== SIM_SIZE.SIGNER) bad(`signer must be ${SIM_SIZE.SIGNER} bytes, got ${signer.length}`);
  if (reportData !== undefined && reportData.length > SIM_SIZE.REPORT_DATA) bad(`report data must be at most ${SIM_SIZE.REPORT_DATA} bytes, got ${reportData.length}`);
  const productId = u16(fields.productId, 'product id');
  const svn = u16(fields.svn, 'svn');
  const issuedAt = (fields.issuedAt ?? new Date()).getTime();
  if (!Number.isSafeInteger(issuedAt) || issuedAt < 0) bad('issued-at time must be at or after 1970-01-01');

  const out = new Uint8Array(SIM_SIZE.TOTAL);
  const view = new DataView(out.buffer);
  out.set(SIM_MAGIC, SIM_OFFSET.MAGIC);
  out[SIM_OFFSET.VERSION] = SIM_VERSION;
  out.set((await trustedSimKey(key.publicKey)).id, SIM_OFFSET.KEY_ID);
  out.set(measurement, SIM_OFFSET.MEASUREMENT);
  if (signer) out.set(signer, SIM_OFFSET.SIGNER);
  view.setUint16(SIM_OFFSET.PRODUCT_ID, productId, true);
  view.setUint16(SIM_OFFSET.SVN, svn, true);
  out[SIM_OFFSET.FLAGS] = fields.debug ? SIM_FLAG_DEBUG : 0;
  view.setBigUint64(SIM_OFFSET.ISSUED_AT, BigInt(issuedAt), true);
  if (reportData) out.set(reportData, SIM_OFFSET.REPORT_DATA);

  let signature: ArrayBuffer;
  try {
    signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, toArrayBuffer(out.subarray(0, SIM_SIZE.SIGNED)));
  } catch (err) {
    bad(`the private key cannot sign ECDSA P-256/SHA-256 (${(err as Error).message})`);
  }
  if (signature.byteLength !== SIM_SIZE.SIGNATURE) bad(`the private key is not P-256 (signature of ${signature.byteLength} bytes)`);
  out.set(new Uint8Array(signature), SIM_OFFSET.SIGNATURE);
  return out;
}
