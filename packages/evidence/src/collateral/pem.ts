/**
 * PEM as collateral comes: Intel PCS sends issuer chains URL-encoded in HTTP headers
 * (`-----BEGIN%20CERTIFICATE-----%0A...`), and files copied from those headers keep that form.
 * The blocks themselves are read and written by @confide/core's PEM helpers.
 */
import { pemBlocks, pemEncode, type PemBlock } from '@confide/core';
import { EvidenceError, type EvidenceErrorCode } from '../errors.js';

/** Undoes URL encoding of a PEM chain when present; plain PEM is returned as is. Throws `code`. */
export function decodePemChain(text: string, code: EvidenceErrorCode = 'ERR_COLLATERAL_MALFORMED'): string {
  const t = text.trim();
  if (!/-----BEGIN%20|%0A|%2B|%2F|%3D/i.test(t)) return t;
  try {
    return decodeURIComponent(t).trim();
  } catch {
    throw new EvidenceError(code, 'an issuer chain is neither PEM nor URL-encoded PEM');
  }
}

/** All PEM blocks in `text` (URL-encoded or not), in order. Throws ERR_COLLATERAL_MALFORMED on a broken block. */
export function collateralPemBlocks(text: string): PemBlock[] {
  return pemBlocks(decodePemChain(text), (message) => new EvidenceError('ERR_COLLATERAL_MALFORMED', message));
}

/**
 * DER certificates of a PEM chain (URL-encoded or not), in order. Throws `code` when there is
 * none or a block is broken.
 */
export function pemCertificates(text: string, code: EvidenceErrorCode = 'ERR_COLLATERAL_MALFORMED', what = 'an issuer chain'): Uint8Array[] {
  const certs = pemBlocks(decodePemChain(text, code), (message) => new EvidenceError(code, message))
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => b.der);
  if (certs.length === 0) throw new EvidenceError(code, `no PEM certificate found in ${what}`);
  return certs;
}

/** A PEM chain from DER certificates, in the given order. */
export function toPemChain(ders: Uint8Array[]): string {
  return ders.map((d) => pemEncode('CERTIFICATE', d)).join('');
}
