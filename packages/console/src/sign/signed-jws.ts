/**
 * Compact JWSs signed in the page with a management signer, as MAA's isolated mode takes them:
 * header {alg, x5c: [the signer's certificate]}, the payload's JSON, and the WebCrypto signature
 * (ECDSA's raw r||s is JWS's form already).
 */
import { toBase64Url, utf8 } from '@confide/core';
import type { ManagementSigner } from './management-signer.js';

/** How long a signed request stays valid: the server refuses it after `exp`, so a captured one cannot be used later. */
const VALID_SECONDS = 300;

export async function signedJws(signer: ManagementSigner, payload: object): Promise<string> {
  const input = `${toBase64Url(utf8(JSON.stringify({ alg: signer.alg, x5c: [signer.certificate] })))}.${toBase64Url(utf8(JSON.stringify(payload)))}`;
  const signature = new Uint8Array(await crypto.subtle.sign(signer.params, signer.key, utf8(input) as Uint8Array<ArrayBuffer>));
  return `${input}.${toBase64Url(signature)}`;
}

/**
 * The set-policy payload: the policy text (StoredAttestationPolicy), and a random jti with iat/exp.
 * The server admits each signed request once per scope (its replay ledger keys on the signing
 * input), so without the jti setting a policy back to an earlier text would read as a replay.
 */
export function policyPayload(text: string, now: Date): { AttestationPolicy: string; jti: string; iat: number; exp: number } {
  const iat = Math.floor(now.getTime() / 1000);
  return { AttestationPolicy: toBase64Url(utf8(text)), jti: toBase64Url(crypto.getRandomValues(new Uint8Array(16))), iat, exp: iat + VALID_SECONDS };
}
