/** Compact JWS encoding of MAA tokens: RS256 with node:crypto, or unsecured (`alg:"none"`). */
import { sign as rsaSign, type KeyObject } from 'node:crypto';

function part(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** `header.payload.signature` signed with RSASSA-PKCS1-v1_5 SHA-256 (RS256). */
export async function signRs256(header: object, payload: object, key: KeyObject): Promise<string> {
  const input = `${part(header)}.${part(payload)}`;
  // The callback form runs the RSA operation on libuv's pool instead of the event loop.
  const signature = await new Promise<Buffer>((resolve, reject) => {
    rsaSign('sha256', Buffer.from(input, 'ascii'), key, (err, sig) => (err ? reject(err) : resolve(sig)));
  });
  return `${input}.${signature.toString('base64url')}`;
}

/** An unsecured JWT: `header.payload.` with an empty signature part. */
export function encodeUnsecured(header: object, payload: object): string {
  return `${part(header)}.${part(payload)}.`;
}
