/**
 * Intel's production trust anchor for DCAP: the Intel SGX Root CA. It is pinned by its public
 * key, because two encodings of the root certificate appear in real PCK chains (valid to
 * 2049-12-31, and an older one valid to 2033-05-21), both carrying this key.
 */
import { fromHex } from '@confide/core';

/** The Intel SGX Root CA public key, uncompressed P-256 point (0x04 || x || y). */
export const INTEL_SGX_ROOT_CA_KEY: Uint8Array = fromHex(
  '040ba9c4c0c0c86193a3fe23d6b02cda10a8bbd4e88e48b4458561a36e705525f567918e2edc88e40d860bd0cc4ee26aacc988e505a953558c453f6b0904ae7394',
);
