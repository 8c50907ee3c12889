/**
 * Who may set the first manifest of a coordinator (issue 16): without it, whoever reaches a
 * fresh production coordinator first owns the deployment. The operator names a certificate or
 * public key at start; the manifest must then come over a TLS connection whose client
 * certificate carries that key.
 */
import { pemBlocks, timingSafeEqual } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { certificateSpki } from '../pki/spki.js';

/** Checks the client certificate of a request that sets the first manifest. */
export interface ManifestAuthority {
  /** Throws ERR_UNAUTHENTICATED unless `clientCertificate` (DER) carries the named key. */
  check(clientCertificate: Uint8Array | undefined): void;
}

/**
 * The authority for a PEM certificate or public key (SubjectPublicKeyInfo). Throws
 * ERR_CONFIG_INVALID when the text holds neither.
 */
export function manifestAuthority(pem: string): ManifestAuthority {
  let spki: Uint8Array | undefined;
  try {
    const block = pemBlocks(pem).find((b) => b.label === 'CERTIFICATE' || b.label === 'PUBLIC KEY');
    if (block) spki = block.label === 'CERTIFICATE' ? certificateSpki(block.der) : block.der;
  } catch (err) {
    throw new CoordinatorError('ERR_CONFIG_INVALID', 'coordinator.firstManifestKey is neither a PEM certificate nor a PEM public key', { cause: err });
  }
  if (!spki) throw new CoordinatorError('ERR_CONFIG_INVALID', 'coordinator.firstManifestKey is neither a PEM certificate nor a PEM public key');
  const expected = spki;
  return {
    check(clientCertificate) {
      if (clientCertificate === undefined || clientCertificate.length === 0) {
        throw new CoordinatorError('ERR_UNAUTHENTICATED', 'this coordinator takes its first manifest only with the client certificate the operator named (coordinator.firstManifestKey)');
      }
      const presented = certificateSpki(clientCertificate);
      if (!timingSafeEqual(presented, expected)) {
        throw new CoordinatorError('ERR_UNAUTHENTICATED', "the client certificate's key is not the one the operator named for the first manifest (coordinator.firstManifestKey)");
      }
    },
  };
}
