/** MAA token issuance: signing keys, JWT encoding, /certs and OpenID metadata. */
export {
  createTokenService,
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  DEFAULT_ROTATE_AFTER_DAYS,
  DEFAULT_REFRESH_SECONDS,
  type TokenService,
  type TokenServiceOptions,
  type SignOptions,
  type MaaJwk,
  type MaaJwks,
} from './token-service.js';
export { openIdConfiguration, MAA_CLAIMS_SUPPORTED, type OpenIdConfiguration } from './openid.js';
export { signingKeyPurpose, kidOf, type StoredSigningKey } from './signing-key.js';
