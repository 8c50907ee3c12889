/**
 * The coordinator's quote (MarbleRun's GET /quote): evidence over its root certificate, and the
 * root's signature over the listener's TLS key so a client ties the channel to the attested root.
 */
import { concatBytes, digest, pemDecode, toHex, utf8 } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { p1363ToDer } from '../pki/der.js';
import { caSigningKey } from '../pki/keys.js';
import type { CoordinatorPki } from '../pki/types.js';

/** The root's signature over the listener's TLS key: what ties the HTTPS channel to the attested coordinator. */
export interface TlsBinding {
  /** Hex SHA-256 of the TLS leaf's SubjectPublicKeyInfo DER. */
  spkiSha256: string;
  /** ECDSA P-384 / SHA-384 by the root key over tlsBindingMessage(), ASN.1 DER. */
  signature: Uint8Array;
}

/** The exact text the root signs for the TLS binding; `nonceHex` is lower-case hex, empty without a nonce. */
export function tlsBindingMessage(spkiSha256: string, nonceHex: string): string {
  return `confide-coordinator-tls-binding/v1\n${spkiSha256}\n${nonceHex}`;
}

/** Throws ERR_VALIDATION unless `spkiSha256` is a lower-case hex SHA-256. */
export function checkTlsSpki(spkiSha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(spkiSha256)) throw new CoordinatorError('ERR_VALIDATION', 'the TLS binding needs a lower-case hex SHA-256');
  return spkiSha256;
}

export interface QuoteInput {
  pki: CoordinatorPki;
  nonce: Uint8Array | undefined;
  /** The coordinator's evidence over 64 bytes of report data; absent: an empty quote, as MarbleRun in simulation. */
  evidence: ((reportData: Uint8Array) => Promise<Uint8Array>) | undefined;
  /** The listener's key, when bound and the root is the real one (not recovery's throwaway). */
  tlsSpkiSha256: string | undefined;
}

/**
 * The evidence over SHA-256(root certificate DER || nonce) and the chain (intermediate, then root),
 * with the TLS binding when a key is given.
 */
export async function makeQuote(input: QuoteInput): Promise<{ cert: string; quote: Uint8Array; tlsBinding?: TlsBinding }> {
  const { pki, nonce } = input;
  const rootDer = pemDecode(pki.rootCert, 'CERTIFICATE')!;
  const reportData = new Uint8Array(64);
  reportData.set(await digest('SHA-256', nonce ? concatBytes(rootDer, nonce) : rootDer));
  const quote = input.evidence ? await input.evidence(reportData) : new Uint8Array(0);
  const cert = pki.intermediateCert + pki.rootCert;
  const spki = input.tlsSpkiSha256;
  if (spki === undefined) return { cert, quote };
  const key = await caSigningKey(pki.rootKey);
  const signed = utf8(tlsBindingMessage(spki, nonce ? toHex(nonce) : ''));
  const signature = p1363ToDer(new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, key, signed as Uint8Array<ArrayBuffer>)));
  return { cert, quote, tlsBinding: { spkiSha256: spki, signature } };
}
