/**
 * The floor of one MAA attestation of an SGX quote: the quote's ten ECDSA P-256 checks
 * (intel-floor.mjs) and one RS256 token signature (RSASSA-PKCS1-v1_5 2048-bit / SHA-256, the
 * key type Confide's token service uses), all issued at once through WebCrypto.
 */
import { TextEncoder } from 'node:util';
import { floorImpl } from './floor.mjs';

const subtle = globalThis.crypto.subtle;
const RS256 = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };

/** { op } signing `signingInput` (a JWT header.payload) beside the checks, or { reason }. */
export async function attestFloorImpl(checks, signingInput) {
  const verifies = await floorImpl(checks);
  if (verifies.reason) return verifies;
  const { privateKey, publicKey } = await subtle.generateKey(RS256, false, ['sign', 'verify']);
  const data = new TextEncoder().encode(signingInput);
  const op = async () => {
    const [, signature] = await Promise.all([verifies.op(), subtle.sign(RS256, privateKey, data)]);
    if (signature.byteLength !== 256) throw new Error('RS256 signature is not 256 bytes');
  };
  // The signature must be a real one: verify it once.
  const probe = await subtle.sign(RS256, privateKey, data);
  if (!(await subtle.verify(RS256, publicKey, probe, data))) return { reason: 'the RS256 probe signature does not verify' };
  return { op };
}
