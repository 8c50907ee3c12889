/** A static TokenCredential: the Azure SDKs only check that getToken is a function. */
import type { AttestationAdministrationClient } from '@azure/attestation';

export type TokenCredential = ConstructorParameters<typeof AttestationAdministrationClient>[1];

/** Records the scopes of every getToken call, so a test can tell that the SDK really asked for a bearer. */
export function fakeCredential(token = 'fake'): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    async getToken(requested: string | string[]) {
      scopes.push(...(Array.isArray(requested) ? requested : [requested]));
      return { token, expiresOnTimestamp: Date.now() + 3600_000 };
    },
  };
}
