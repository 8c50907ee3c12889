/**
 * The device certificate chain of an NVIDIA GPU or NVSwitch, leaf first, root last (for an
 * H100: GSP FMC leaf, GSP BROM, GH100 Provisioner ICA, GH100 Identity, NVIDIA Device Identity
 * CA): names link, issuers are CAs, the root's key is pinned, and every signature verifies.
 * Validity at the verification time is reported, not judged.
 */
import { timingSafeEqual } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { defaultVerifyCache, type VerifyCache } from '../memo/verify-cache.js';
import type { TrustAnchors } from '../types.js';
import { verifyP384Recurring } from '../webcrypto/p384.js';
import { parseNvidiaCertificate, type NvidiaCertificate } from './certificate.js';
import { NVIDIA_DEVICE_ROOT } from './roots.js';
import type { VerifyTrace } from '../trace/verify-trace.js';

export interface NvidiaChain {
  /** Leaf first, root last. */
  certificates: NvidiaCertificate[];
  leaf: NvidiaCertificate;
  root: NvidiaCertificate;
  /** `cert:<CN>` of each certificate outside its validity at the verification time. */
  expired: string[];
}

let pinnedParsed: NvidiaCertificate | undefined;

/** SPKIs accepted as the NVIDIA Device Identity CA. Throws ERR_CONFIG_INVALID for an unusable anchor. */
export function nvidiaRootKeys(anchors: TrustAnchors | undefined): Uint8Array[] {
  if (!anchors?.nvidiaRoots) {
    pinnedParsed ??= parseNvidiaCertificate(NVIDIA_DEVICE_ROOT, 'ERR_CONFIG_INVALID');
    return [pinnedParsed.spki];
  }
  return anchors.nvidiaRoots.map((der) => {
    try {
      return parseNvidiaCertificate(der, 'ERR_CONFIG_INVALID').spki;
    } catch (err) {
      throw new EvidenceError('ERR_CONFIG_INVALID', 'trustAnchors.nvidiaRoots holds a certificate that is not an ECDSA P-384 certificate', { cause: err });
    }
  });
}

/** The chain's structure, then every link's own signature result (all of them, not only up to the first failure). */
function recordLinks(links: ReadonlyArray<{ cert: NvidiaCertificate; issuer: NvidiaCertificate }>, verdicts: readonly boolean[], trace: VerifyTrace): void {
  trace.record('device-chain', 'structure', 'passed', `${links.map((l) => l.cert.subjectCn).join(' → ')}, the root's key pinned as the NVIDIA Device Identity CA; names link, issuers are CAs`);
  links.forEach(({ cert, issuer }, i) => {
    const signer = cert === issuer ? 'self-signed' : `signed by "${issuer.subjectCn}"`;
    if (verdicts[i]) trace.record('device-chain', cert.subjectCn, 'passed', signer);
    else trace.record('device-chain', cert.subjectCn, 'failed', `${signer}: the signature does not verify`, 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });
}

function chainInvalid(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_CHAIN_INVALID', `NVIDIA device certificate chain: ${message}`);
}

/**
 * Parses and verifies a device chain (DER, leaf first) at `now`. Throws ERR_EVIDENCE_MALFORMED
 * (a certificate that does not parse), ERR_EVIDENCE_UNSUPPORTED (not P-384 / SHA-384),
 * ERR_EVIDENCE_UNTRUSTED_ROOT (the last certificate's key is not a pinned root),
 * ERR_EVIDENCE_CHAIN_INVALID (only the root, a broken name link, an issuer that is not a CA, a
 * root that is not self-issued) and ERR_EVIDENCE_SIGNATURE_INVALID (a certificate signature).
 */
export async function verifyNvidiaChain(ders: readonly Uint8Array[], now: Date, anchors: TrustAnchors | undefined, cache: VerifyCache = defaultVerifyCache, trace?: VerifyTrace): Promise<NvidiaChain> {
  if (ders.length === 0) chainInvalid('no certificate');
  const certificates = ders.map((der) => parseNvidiaCertificate(der));
  const root = certificates[certificates.length - 1]!;
  const leaf = certificates[0]!;
  const pinned = nvidiaRootKeys(anchors);
  if (!pinned.some((spki) => timingSafeEqual(spki, root.spki))) {
    throw new EvidenceError('ERR_EVIDENCE_UNTRUSTED_ROOT', `NVIDIA device certificate chain: it ends at "${root.subjectCn}", not at a pinned NVIDIA Device Identity CA`);
  }
  if (certificates.length < 2) chainInvalid('it holds only the root; the device certificate is missing');
  const links = certificates.map((cert, i) => {
    const issuer = certificates[Math.min(i + 1, certificates.length - 1)]!;
    if (!timingSafeEqual(cert.issuer, issuer.subject)) {
      chainInvalid(`"${cert.subjectCn}" is issued by "${cert.issuerCn}", not by the next certificate "${issuer.subjectCn}"`);
    }
    if (cert !== issuer && !issuer.isCa) chainInvalid(`"${issuer.subjectCn}" is not a CA`);
    return { cert, issuer };
  });
  const verdicts = await Promise.all(links.map(({ cert, issuer }) => verifyP384Recurring(issuer.spki, cert.signature, cert.tbs, cache)));
  if (trace) recordLinks(links, verdicts, trace);
  verdicts.forEach((ok, i) => {
    const { cert, issuer } = links[i]!;
    if (!ok) throw new EvidenceError('ERR_EVIDENCE_SIGNATURE_INVALID', `NVIDIA device certificate chain: the signature on "${cert.subjectCn}" does not verify under "${issuer.subjectCn}"`);
  });
  const t = now.getTime();
  const expired = certificates.filter((c) => t < c.notBefore.getTime() || t > c.notAfter.getTime()).map((c) => `cert:${c.subjectCn}`);
  return { certificates, leaf, root, expired };
}
