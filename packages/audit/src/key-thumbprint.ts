/** The audit key's fingerprint, as the CLI prints it and the console pins it. */
import { digest, toBase64Url, utf8 } from '@confide/core';

/**
 * RFC 7638 JWK thumbprint of a P-256 public key: SHA-256 of the JSON of its required members
 * (crv, kty, x, y) in lexicographic order without spaces, base64url.
 */
export async function auditKeyThumbprint(jwk: JsonWebKey): Promise<string> {
  return toBase64Url(await digest('SHA-256', utf8(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }))));
}
