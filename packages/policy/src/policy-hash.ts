import { digest, toBase64Url, utf8 } from '@confide/core';

/**
 * The `x-ms-policy-hash` claim MAA documents (claim sets): BASE64URL(SHA256(UTF8(BASE64URL(UTF8(policy text))))).
 * The text is hashed as given; no normalization.
 */
export async function policyHash(policyText: string): Promise<string> {
  return toBase64Url(await digest('SHA-256', utf8(toBase64Url(utf8(policyText)))));
}
