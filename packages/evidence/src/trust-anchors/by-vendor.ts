/**
 * Replacement vendor roots given as one pile of certificates (a `--roots` directory, the
 * `evidence.roots` setting) sorted into the Intel, AMD and NVIDIA anchors: Intel's PKI signs
 * with ECDSA P-256 / SHA-256, AMD's ARKs with RSA-PSS, NVIDIA's device PKI with ECDSA P-384 /
 * SHA-384, so each certificate's own profile tells which vendor it serves.
 */
import { EvidenceError } from '../errors.js';
import { parseCertificate } from '../intel/certificate.js';
import { parseAmdCertificate } from '../sev-snp/certificate.js';
import { parseNvidiaCertificate } from '../nvidia/certificate.js';
import type { TrustAnchors } from '../types.js';

function parses(parse: (der: Uint8Array) => unknown, der: Uint8Array): boolean {
  try {
    parse(der);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sorts DER certificates into `intelRoots`, `amdRoots` and `nvidiaRoots` (all always present: the
 * pile replaces the pinned roots of every vendor, so a vendor without a certificate in it trusts nothing).
 * `names` (parallel to `ders`) name a certificate in the error. Throws ERR_CONFIG_INVALID for a
 * certificate of none of these kinds.
 */
export function trustAnchorsByVendor(ders: readonly Uint8Array[], names?: readonly string[]): Required<Pick<TrustAnchors, 'intelRoots' | 'amdRoots' | 'nvidiaRoots'>> {
  const intelRoots: Uint8Array[] = [];
  const amdRoots: Uint8Array[] = [];
  const nvidiaRoots: Uint8Array[] = [];
  ders.forEach((der, i) => {
    if (parses((d) => parseCertificate(d, 'ERR_CONFIG_INVALID'), der)) intelRoots.push(der);
    else if (parses((d) => parseAmdCertificate(d, 'ERR_CONFIG_INVALID'), der)) amdRoots.push(der);
    else if (parses((d) => parseNvidiaCertificate(d, 'ERR_CONFIG_INVALID'), der)) nvidiaRoots.push(der);
    else {
      const which = names?.[i] ?? `certificate ${i + 1}`;
      throw new EvidenceError('ERR_CONFIG_INVALID', `${which}: neither an Intel root (ECDSA P-256), an AMD root (RSA-PSS) nor an NVIDIA root (ECDSA P-384 / SHA-384)`);
    }
  });
  return { intelRoots, amdRoots, nvidiaRoots };
}
