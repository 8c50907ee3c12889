/** Compact JWS encoding of MAA tokens: RS256 signed by jose, or unsecured (`alg:"none"`). */
import type { KeyObject } from 'node:crypto';
import { CompactSign, type CompactJWSHeaderParameters } from 'jose';

function part(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** `header.payload.signature` signed with RSASSA-PKCS1-v1_5 SHA-256 (RS256). */
export function signRs256(header: CompactJWSHeaderParameters & { alg: 'RS256' }, payload: object, key: KeyObject): Promise<string> {
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header).sign(key);
}

/** An unsecured JWT: `header.payload.` with an empty signature part (jose signs nothing with `none`). */
export function encodeUnsecured(header: object, payload: object): string {
  return `${part(header)}.${part(payload)}.`;
}
