/**
 * The trust anchors in force, as fingerprints a person can compare: the server reports those it
 * verifies with, the console computes those its own copy of this package pins, and shows both
 * side by side (a server whose roots were replaced is visible at a glance).
 */
import { digest, toHex } from '@confide/core';
import { INTEL_SGX_ROOT_CA_KEY } from '../intel/roots.js';
import { NVIDIA_DEVICE_ROOT } from '../nvidia/roots.js';
import { AMD_PINNED } from '../sev-snp/roots.js';
import type { TrustAnchors } from '../types.js';

export interface TrustAnchorFingerprint {
  vendor: 'intel' | 'amd' | 'nvidia' | 'tpm';
  /** What the bytes are: the pinned Intel root key, an AMD product's ARK, a replacement certificate. */
  label: string;
  /** Lower-case hex SHA-256 of the pinned bytes (a key for the pinned Intel root, DER otherwise). */
  sha256: string;
  /** True when the configuration replaced the package's pinned roots of this vendor (testing only). */
  replaced: boolean;
}

/** Fingerprints of `anchors` as verification uses them: a vendor's list replaces its pinned roots, an absent one keeps them. */
export async function describeTrustAnchors(anchors?: TrustAnchors): Promise<TrustAnchorFingerprint[]> {
  const out: Array<Omit<TrustAnchorFingerprint, 'sha256'> & { bytes: Uint8Array }> = [];
  const add = (vendor: TrustAnchorFingerprint['vendor'], given: Uint8Array[] | undefined, pinned: Array<[string, Uint8Array]>): void => {
    if (given === undefined) for (const [label, bytes] of pinned) out.push({ vendor, label, bytes, replaced: false });
    else given.forEach((bytes, i) => out.push({ vendor, label: `configured certificate ${i + 1}`, bytes, replaced: true }));
  };
  add('intel', anchors?.intelRoots, [['Intel SGX Root CA (public key)', INTEL_SGX_ROOT_CA_KEY]]);
  add('amd', anchors?.amdRoots, Object.entries(AMD_PINNED).map(([product, chain]) => [`ARK-${product}`, chain.ark]));
  add('nvidia', anchors?.nvidiaRoots, [['NVIDIA Device Identity CA', NVIDIA_DEVICE_ROOT]]);
  // No TPM root is pinned by default; configured ones add to the vendors' roots rather than replace them.
  anchors?.tpmRoots?.forEach((bytes, i) => out.push({ vendor: 'tpm', label: `TPM root ${i + 1}`, bytes, replaced: false }));
  return Promise.all(out.map(async ({ bytes, ...rest }) => ({ ...rest, sha256: toHex(await digest('SHA-256', bytes)) })));
}
