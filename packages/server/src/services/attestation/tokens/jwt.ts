/** Compact JWS encoding of MAA tokens: RS256 with node:crypto, or unsecured (`alg:"none"`). */
import { sign as rsaSign, type KeyObject } from 'node:crypto';

function part(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/**
 * `header.payload.signature` signed with RSASSA-PKCS1-v1_5 SHA-256 (RS256): on libuv's pool (the
 * callback form), or with `inline` on the event loop, which saves a lone request the hand-off.
 */
export async function signRs256(header: object, payload: object, key: KeyObject, inline = false): Promise<string> {
  const input = Buffer.from(`${part(header)}.${part(payload)}`, 'ascii');
  const signature = inline
    ? rsaSign('sha256', input, key)
    : await new Promise<Buffer>((resolve, reject) => {
        rsaSign('sha256', input, key, (err, sig) => (err ? reject(err) : resolve(sig)));
      });
  return `${input.toString('ascii')}.${signature.toString('base64url')}`;
}

/** An unsecured JWT: `header.payload.` with an empty signature part. */
export function encodeUnsecured(header: object, payload: object): string {
  return `${part(header)}.${part(payload)}.`;
}
