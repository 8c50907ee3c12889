/**
 * PEM as collateral comes: Intel PCS sends issuer chains URL-encoded in HTTP headers
 * (`-----BEGIN%20CERTIFICATE-----%0A...`), and files copied from those headers keep that form.
 * The blocks themselves are read and written by @confide/core's PEM helpers.
 */
import { ConfideError, pemBlocks, pemEncode, type ErrorCode, type PemBlock } from '@confide/core';

/** Undoes URL encoding of a PEM chain when present; plain PEM is returned as is. Throws `code`. */
export function decodePemChain(text: string, code: ErrorCode = 'ERR_COLLATERAL_MALFORMED'): string {
  const t = text.trim();
  if (!/-----BEGIN%20|%0A|%2B|%2F|%3D/i.test(t)) return t;
  try {
    return decodeURIComponent(t).trim();
  } catch {
    throw new ConfideError(code, 'an issuer chain is neither PEM nor URL-encoded PEM');
  }
}

/** All PEM blocks in `text` (URL-encoded or not), in order. Throws ERR_COLLATERAL_MALFORMED on a broken block. */
export function collateralPemBlocks(text: string): PemBlock[] {
  return pemBlocks(decodePemChain(text), 'ERR_COLLATERAL_MALFORMED');
}

/**
 * DER certificates of a PEM chain (URL-encoded or not), in order. Throws `code` when there is
 * none or a block is broken.
 */
export function pemCertificates(text: string, code: ErrorCode = 'ERR_COLLATERAL_MALFORMED', what = 'an issuer chain'): Uint8Array[] {
  const certs = pemBlocks(decodePemChain(text, code), code)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => b.der);
  if (certs.length === 0) throw new ConfideError(code, `no PEM certificate found in ${what}`);
  return certs;
}

/** A PEM chain from DER certificates, in the given order. */
export function toPemChain(ders: Uint8Array[]): string {
  return ders.map((d) => pemEncode('CERTIFICATE', d)).join('');
}
