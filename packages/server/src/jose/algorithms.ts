/**
 * The JOSE signature algorithms accepted on policy JWSs and bearer JWTs. jose checks that the key
 * fits the algorithm, so an RSA key can never verify an ES256 token or the other way round.
 */

/** The JWS algorithms accepted (never `none`, never HMAC: a public key must not act as a shared secret). */
export const JWS_ALGORITHMS: readonly string[] = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
