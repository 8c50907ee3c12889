/**
 * PEM helpers for collateral. Intel PCS sends issuer chains URL-encoded in HTTP headers
 * (`-----BEGIN%20CERTIFICATE-----%0A...`), and files copied from those headers keep that form.
 */
import { ConfideError, fromBase64, toBase64 } from '@confide/core';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

/** Undoes URL encoding of a PEM chain when present; plain PEM is returned as is. Throws ERR_COLLATERAL_MALFORMED. */
export function decodePemChain(text: string): string {
  const t = text.trim();
  if (!/-----BEGIN%20|%0A|%2B|%2F|%3D/i.test(t)) return t;
  try {
    return decodeURIComponent(t).trim();
  } catch {
    throw new ConfideError('ERR_COLLATERAL_MALFORMED', 'an issuer chain is neither PEM nor URL-encoded PEM');
  }
}

/** One PEM block: its label (e.g. CERTIFICATE, X509 CRL) and DER bytes. */
export interface PemBlock {
  label: string;
  der: Uint8Array;
}

/** All PEM blocks in `text` (URL-encoded or not), in order. Throws ERR_COLLATERAL_MALFORMED on a broken block. */
export function pemBlocks(text: string): PemBlock[] {
  const out: PemBlock[] = [];
  for (const m of decodePemChain(text).matchAll(PEM_BLOCK)) {
    try {
      out.push({ label: m[1]!, der: fromBase64(m[2]!) });
    } catch (cause) {
      throw new ConfideError('ERR_COLLATERAL_MALFORMED', `a PEM ${m[1]} block is not valid base64`, { cause });
    }
  }
  return out;
}

/** DER certificates of a PEM chain, in order. Throws ERR_COLLATERAL_MALFORMED when there is none. */
export function pemCertificates(text: string): Uint8Array[] {
  const certs = pemBlocks(text)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => b.der);
  if (certs.length === 0) throw new ConfideError('ERR_COLLATERAL_MALFORMED', 'no PEM certificate found in an issuer chain');
  return certs;
}

/** PEM text of one DER object. */
export function toPem(der: Uint8Array, label = 'CERTIFICATE'): string {
  const b64 = toBase64(der).replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}

/** A PEM chain from DER certificates, in the given order. */
export function toPemChain(ders: Uint8Array[]): string {
  return ders.map((d) => toPem(d)).join('');
}
