/** The OpenID Connect discovery document MAA serves at /.well-known/openid-configuration. */

/** The claims the real service lists, in its order. */
const MAA_CLAIMS_SUPPORTED = [
  'cnf',
  'nonce',
  'x-ms-ver',
  'x-ms-attestation-type',
  'x-ms-policy-hash',
  'x-ms-policy-signer',
  'x-ms-sgx-is-debuggable',
  'x-ms-sgx-mrenclave',
  'x-ms-sgx-mrsigner',
  'x-ms-sgx-svn',
  'x-ms-sgx-ehd',
  'x-ms-sgx-collateral',
  'is-debuggable',
  'sgx-mrsigner',
  'sgx-mrenclave',
  'product-id',
  'svn',
  'tee',
] as const;

export interface OpenIdConfiguration {
  issuer: string;
  jwks_uri: string;
  response_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
  claims_supported: string[];
}

/** Discovery metadata for `issuer` (an https base URL without trailing slash). */
export function openIdConfiguration(issuer: string): OpenIdConfiguration {
  return {
    issuer,
    jwks_uri: `${issuer}/certs`,
    response_types_supported: ['token', 'none'],
    id_token_signing_alg_values_supported: ['RS256'],
    claims_supported: [...MAA_CLAIMS_SUPPORTED],
  };
}
