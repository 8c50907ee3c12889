/** What the MAA interop tests check tokens and policies with, as the Azure SDK and MAA define them. */
import { createHash } from 'node:crypto';
import type { AttestationTokenValidationOptions } from '@azure/attestation';

export const sha256 = (b: Uint8Array | string): Buffer => createHash('sha256').update(b).digest();

/** MAA's x-ms-policy-hash: SHA-256 over the ASCII of BASE64URL(UTF-8 policy text). */
export const maaPolicyHash = (text: string): Buffer => sha256(Buffer.from(text, 'utf8').toString('base64url'));

/** Every check on, as the SDK's defaults (passing any validationOptions replaces the defaults, so all are spelt out). */
export const strict = (expectedIssuer: string): AttestationTokenValidationOptions => ({
  validateToken: true,
  validateExpirationTime: true,
  validateNotBeforeTime: true,
  validateIssuer: true,
  expectedIssuer,
});
