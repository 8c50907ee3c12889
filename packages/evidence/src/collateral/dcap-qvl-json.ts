/**
 * Reads Intel collateral in dcap-qvl's `QuoteCollateralV3` JSON layout: `tcb_info` and
 * `qe_identity` hold the exact signed text as JSON strings, signatures are hex, CRLs hex DER,
 * issuer chains PEM (sometimes URL-encoded).
 */
import { toHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { IntelCollateral } from './types.js';
import { crlToDer } from './crl-bytes.js';
import { decodePemChain, pemCertificates } from './pem.js';
import { signedJson } from './signed-json.js';

const REQUIRED = [
  'tcb_info',
  'tcb_info_signature',
  'tcb_info_issuer_chain',
  'qe_identity',
  'qe_identity_signature',
  'qe_identity_issuer_chain',
  'pck_crl',
  'pck_crl_issuer_chain',
  'root_ca_crl',
] as const;

/** IntelCollateral in dcap-qvl's QuoteCollateralV3 layout: the inverse of parseDcapQvlCollateral. */
export function toDcapQvlCollateral(c: IntelCollateral): Record<(typeof REQUIRED)[number], string> {
  return {
    tcb_info: c.tcbInfo.body,
    tcb_info_signature: c.tcbInfo.signature,
    tcb_info_issuer_chain: c.tcbInfo.issuerChain,
    qe_identity: c.qeIdentity.body,
    qe_identity_signature: c.qeIdentity.signature,
    qe_identity_issuer_chain: c.qeIdentity.issuerChain,
    pck_crl: toHex(c.pckCrl),
    pck_crl_issuer_chain: c.pckCrlIssuerChain,
    root_ca_crl: toHex(c.rootCaCrl),
  };
}

/** True when `value` looks like a dcap-qvl QuoteCollateralV3 object (has `tcb_info` and `qe_identity`). */
export function isDcapQvlCollateral(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && 'tcb_info' in value && 'qe_identity' in value;
}

/**
 * Parses dcap-qvl QuoteCollateralV3 JSON (text or an already parsed object) into
 * IntelCollateral, keeping the exact signed text of TCB Info and QE Identity.
 * Throws ERR_COLLATERAL_MALFORMED.
 */
export function parseDcapQvlCollateral(json: string | Record<string, unknown>): IntelCollateral {
  let o: unknown = json;
  if (typeof json === 'string') {
    try {
      o = JSON.parse(json);
    } catch {
      throw new EvidenceError('ERR_COLLATERAL_MALFORMED', 'dcap-qvl collateral: not JSON');
    }
  }
  if (!isDcapQvlCollateral(o)) throw new EvidenceError('ERR_COLLATERAL_MALFORMED', 'dcap-qvl collateral: tcb_info and qe_identity are missing');
  const missing = REQUIRED.filter((k) => o[k] === undefined || o[k] === null);
  if (missing.length > 0) throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `dcap-qvl collateral: missing ${missing.join(', ')}`);
  if (typeof o['pck_crl_issuer_chain'] !== 'string') throw new EvidenceError('ERR_COLLATERAL_MALFORMED', 'dcap-qvl collateral: pck_crl_issuer_chain is not a string');
  const pckCrlIssuerChain = decodePemChain(o['pck_crl_issuer_chain']);
  pemCertificates(pckCrlIssuerChain);
  return {
    tcbInfo: signedJson('dcap-qvl tcb_info', o['tcb_info'], o['tcb_info_signature'], o['tcb_info_issuer_chain']),
    qeIdentity: signedJson('dcap-qvl qe_identity', o['qe_identity'], o['qe_identity_signature'], o['qe_identity_issuer_chain']),
    pckCrl: crlField(o['pck_crl'], 'dcap-qvl pck_crl'),
    pckCrlIssuerChain,
    rootCaCrl: crlField(o['root_ca_crl'], 'dcap-qvl root_ca_crl'),
  };
}

function crlField(v: unknown, what: string): Uint8Array {
  if (typeof v === 'string') return crlToDer(v, what);
  if (Array.isArray(v) && v.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return crlToDer(Uint8Array.from(v as number[]), what);
  throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `${what}: expected hex DER`);
}
