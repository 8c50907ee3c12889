/**
 * Assembles the endorsement chain of one report, VCEK -> ASK -> ARK or VLEK -> ASVK -> ARK, and
 * checks everything about it that needs no signature: the ARK is a pinned anchor for the
 * product, names link, CNs fit the key type, CAs are CAs and keys have the expected types.
 */
import { timingSafeEqual } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { AmdCollateral, AmdProduct } from '../collateral/types.js';
import { parseAmdCertificate, parseAmdCrl, type AmdCertificate, type AmdCrl } from './certificate.js';
import { AMD_PINNED } from './roots.js';

export interface SnpChain {
  vek: AmdCertificate;
  /** ASK (VCEK) or ASVK (VLEK). */
  ask: AmdCertificate;
  ark: AmdCertificate;
  /**
   * True when the ARK came with the collateral and differs in its bytes from the pinned
   * anchor with the same key: then its self-signature must verify too.
   */
  arkNeedsSelfCheck: boolean;
  crl: AmdCrl | undefined;
}

type KeyType = 'vcek' | 'vlek';

const sameBytes = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b);

let pinnedParsed: Record<AmdProduct, { ark: AmdCertificate; ask: AmdCertificate; asvk: AmdCertificate }> | undefined;

function pinned(): NonNullable<typeof pinnedParsed> {
  if (!pinnedParsed) {
    const parse = (p: AmdProduct) => ({
      ark: parseAmdCertificate(AMD_PINNED[p].ark),
      ask: parseAmdCertificate(AMD_PINNED[p].ask),
      asvk: parseAmdCertificate(AMD_PINNED[p].asvk),
    });
    pinnedParsed = { Milan: parse('Milan'), Genoa: parse('Genoa'), Turin: parse('Turin') };
  }
  return pinnedParsed;
}

function chainInvalid(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_CHAIN_INVALID', message);
}

function untrusted(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_UNTRUSTED_ROOT', message);
}

/**
 * Builds and checks the chain for `vek`. `anchors` (DER ARKs) replace the pinned ARKs.
 * Throws ERR_EVIDENCE_UNTRUSTED_ROOT (ARK not pinned for the product),
 * ERR_EVIDENCE_CHAIN_INVALID (names, CNs, CA flags or key types do not fit),
 * ERR_COLLATERAL_MALFORMED (unparsable chain or CRL, CRL of another issuer).
 */
export function buildChain(
  product: AmdProduct,
  keyType: KeyType,
  vek: AmdCertificate,
  collateral: AmdCollateral,
  anchors: readonly Uint8Array[] | undefined,
): SnpChain {
  const supplied = collateral.chain ?? [];
  if (supplied.length > 2) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `AMD chain has ${supplied.length} certificates, expected the ASK/ASVK and the ARK`);
  }
  const trusted = anchors ? anchors.map((der) => parseAmdCertificate(der)) : Object.values(pinned()).map((p) => p.ark);
  const arkName = `ARK-${product}`;

  let ark: AmdCertificate;
  let arkNeedsSelfCheck = false;
  if (supplied[1]) {
    ark = parseAmdCertificate(supplied[1]);
    const anchor = trusted.find((a) => sameBytes(a.spki, ark.spki));
    if (!anchor) untrusted(`the ARK "${ark.subjectCn}" is not a pinned AMD root`);
    if (anchor.subjectCn !== arkName) untrusted(`the ARK "${anchor.subjectCn}" is not pinned for ${product}`);
    arkNeedsSelfCheck = !sameBytes(anchor.raw, ark.raw);
  } else {
    const anchor = trusted.find((a) => a.subjectCn === arkName);
    if (!anchor) untrusted(`no ARK is pinned for ${product}`);
    ark = anchor;
  }
  const ask = supplied[0]
    ? parseAmdCertificate(supplied[0])
    : keyType === 'vcek'
      ? pinned()[product].ask
      : pinned()[product].asvk;

  const vekCn = keyType === 'vcek' ? 'SEV-VCEK' : 'SEV-VLEK';
  const askCn = keyType === 'vcek' ? `SEV-${product}` : `SEV-VLEK-${product}`;
  if (vek.subjectCn !== vekCn) chainInvalid(`the report is signed by a ${keyType.toUpperCase()} but the certificate is "${vek.subjectCn}"`);
  if (ask.subjectCn !== askCn) chainInvalid(`expected the intermediate "${askCn}", found "${ask.subjectCn}"`);
  if (!sameBytes(vek.issuer, ask.subject)) chainInvalid(`"${vekCn}" is not issued by "${ask.subjectCn}"`);
  if (!sameBytes(ask.issuer, ark.subject)) chainInvalid(`"${ask.subjectCn}" is not issued by "${ark.subjectCn}"`);
  if (!sameBytes(ark.issuer, ark.subject)) chainInvalid(`the ARK "${ark.subjectCn}" is not self-issued`);
  if (!ask.isCa || !ark.isCa) chainInvalid('the ASK/ASVK or ARK is not a CA certificate');
  if (vek.keyKind !== 'ec-p384') chainInvalid('the VCEK/VLEK key is not ECDSA P-384');
  if (ask.keyKind !== 'rsa' || ark.keyKind !== 'rsa') chainInvalid('the ASK/ASVK or ARK key is not RSA');

  let crl: AmdCrl | undefined;
  if (collateral.crl) {
    crl = parseAmdCrl(collateral.crl);
    if (!sameBytes(crl.issuer, ark.subject)) {
      throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `the CRL is not issued by "${ark.subjectCn}"`);
    }
  }
  return { vek, ask, ark, arkNeedsSelfCheck, crl };
}
