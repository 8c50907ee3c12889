/**
 * Which AMD product (and so which ARK) a report belongs to. Version 3 and later reports name
 * the CPU family and model; version 2 reports do not, and there the endorsement key
 * certificate decides (its product-name extension, else its issuer's CN), never a default.
 */
import { EvidenceError } from '../errors.js';
import type { AmdProduct } from '../collateral/types.js';
import type { AmdCertificate } from './certificate.js';
import { readVekExtensions } from './vek-extensions.js';

const FAMILY_19H = 0x19;
const FAMILY_1AH = 0x1a;

/**
 * The product from CPUID family/model (report version 3 and later); undefined when the report
 * does not carry them (version 2, or zeros). Throws ERR_EVIDENCE_UNSUPPORTED for other CPUs.
 */
export function productFromCpuid(cpuid: { family: number; model: number } | undefined): AmdProduct | undefined {
  if (!cpuid || (cpuid.family === 0 && cpuid.model === 0)) return undefined;
  const modelRange = cpuid.model >> 4;
  if (cpuid.family === FAMILY_19H) {
    if (modelRange === 0x0) return 'Milan';
    // 0x1X: Genoa; 0xAX: Bergamo/Siena, which AMD endorses under the Genoa PKI.
    if (modelRange === 0x1 || modelRange === 0xa) return 'Genoa';
  }
  if (cpuid.family === FAMILY_1AH && (modelRange === 0x0 || modelRange === 0x1)) return 'Turin';
  throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `CPU family 0x${cpuid.family.toString(16)} model 0x${cpuid.model.toString(16)} is not a supported SEV-SNP product`);
}

/** Maps a KDS product name ("Milan-B0", "Genoa", "Siena-A0", "Turin") to its product. */
function productFromName(name: string): AmdProduct | undefined {
  const family = name.split('-')[0];
  if (family === 'Milan') return 'Milan';
  if (family === 'Genoa' || family === 'Siena' || family === 'Bergamo') return 'Genoa';
  if (family === 'Turin') return 'Turin';
  return undefined;
}

/**
 * The product a VCEK/VLEK names: its product-name extension when that names a known product,
 * else its issuer's CN ("SEV-Milan", "SEV-VLEK-Genoa"); undefined when neither does.
 */
export function vekProduct(productName: string | undefined, issuerCn: string): AmdProduct | undefined {
  return (productName !== undefined ? productFromName(productName) : undefined) ?? productFromName(issuerCn.replace(/^SEV-(VLEK-)?/, ''));
}

/**
 * The product of a VCEK/VLEK certificate: the product-name extension, else the issuer CN
 * ("SEV-Milan", "SEV-VLEK-Genoa"). Throws ERR_COLLATERAL_MALFORMED when neither names one.
 */
export function productFromVek(vek: AmdCertificate): AmdProduct {
  const product = vekProduct(readVekExtensions(vek).productName, vek.issuerCn);
  if (!product) {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `the endorsement key certificate names no known AMD product (issuer ${vek.issuerCn})`);
  }
  return product;
}
