/** MAA token issuance: signing keys, JWT encoding, /certs and OpenID metadata. */
export { createTokenService, type TokenService, type TokenServiceOptions, type SignOptions, type MaaJwk, type MaaJwks } from './token-service.js';
export { openIdConfiguration, type OpenIdConfiguration } from './openid.js';
export { signingKeyPurpose, type StoredSigningKey } from './signing-key.js';
