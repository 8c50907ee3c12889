/** Reading compact JWS/JWT parts (no verification: verify/token.ts does that). */
import { fromBase64, fromUtf8, toBase64Url, utf8 } from '@confide/core';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Uint8Array;
}

/** Throws an Error naming the part that is not base64url JSON. */
export function decodeJwt(token: string): DecodedJwt {
  const parts = token.trim().split('.');
  if (parts.length !== 3) throw new Error(`a compact JWT has three parts separated by dots; this has ${parts.length}`);
  const part = (i: 0 | 1, name: string): Record<string, unknown> => {
    try {
      const value = JSON.parse(fromUtf8(fromBase64(parts[i]!))) as unknown;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
      return value as Record<string, unknown>;
    } catch {
      throw new Error(`the ${name} is not base64url of a JSON object`);
    }
  };
  return { header: part(0, 'header'), payload: part(1, 'payload'), signingInput: `${parts[0]}.${parts[1]}`, signature: fromBase64(parts[2] ?? '') };
}

/** An unsecured JWS (`alg: none`) of `payload`, as the MAA API takes unsigned policies in AAD mode. */
export function unsecuredJws(payload: unknown): string {
  return `${toBase64Url(utf8(JSON.stringify({ alg: 'none' })))}.${toBase64Url(utf8(JSON.stringify(payload)))}.`;
}
