/**
 * Reads Intel PCS v4 responses: the TCB Info body `{"tcbInfo":{...},"signature":"..."}` and the
 * QE Identity body `{"enclaveIdentity":{...},"signature":"..."}`. The signed bytes are the exact
 * text of the `tcbInfo` / `enclaveIdentity` value; the issuer chain comes from a response header.
 */
import { EvidenceError } from '../errors.js';
import type { SignedJson } from './types.js';
import { topLevelMemberText } from './json-member.js';
import { signedJson } from './signed-json.js';

/** Response headers that carry the URL-encoded issuer chains (PCS v4; v3 used `SGX-TCB-Info-Issuer-Chain`). */
export const PCS_HEADERS = {
  tcbInfoIssuerChain: ['TCB-Info-Issuer-Chain', 'SGX-TCB-Info-Issuer-Chain'],
  qeIdentityIssuerChain: ['SGX-Enclave-Identity-Issuer-Chain'],
  pckCrlIssuerChain: ['SGX-PCK-CRL-Issuer-Chain'],
} as const;

/** The member names of the two PCS response bodies. */
export type PcsDocument = 'tcbInfo' | 'enclaveIdentity';

/** The kind of a PCS JSON body (by its signed member), or undefined when it is neither. */
export function pcsDocumentKind(value: unknown): PcsDocument | undefined {
  if (typeof value !== 'object' || value === null || !('signature' in value)) return undefined;
  if ('tcbInfo' in value) return 'tcbInfo';
  if ('enclaveIdentity' in value) return 'enclaveIdentity';
  return undefined;
}

/**
 * Parses a PCS TCB Info or QE Identity response body with its issuer chain (PEM or URL-encoded
 * PEM from the header). Throws ERR_COLLATERAL_MALFORMED.
 */
export function parsePcsSignedResponse(kind: PcsDocument, body: string, issuerChain: string): SignedJson {
  const what = kind === 'tcbInfo' ? 'PCS TCB Info' : 'PCS QE Identity';
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `${what}: the response body is not JSON`);
  }
  if (pcsDocumentKind(parsed) !== kind) throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `${what}: the body has no ${kind} and signature`);
  const signed = topLevelMemberText(body, kind);
  return signedJson(what, signed, (parsed as Record<string, unknown>)['signature'], issuerChain);
}

/** Parses a PCS v4 TCB Info response (body and `TCB-Info-Issuer-Chain` header). Throws ERR_COLLATERAL_MALFORMED. */
export function parsePcsTcbInfo(body: string, issuerChainHeader: string): SignedJson {
  return parsePcsSignedResponse('tcbInfo', body, issuerChainHeader);
}

/** Parses a PCS v4 QE Identity response (body and `SGX-Enclave-Identity-Issuer-Chain` header). Throws ERR_COLLATERAL_MALFORMED. */
export function parsePcsQeIdentity(body: string, issuerChainHeader: string): SignedJson {
  return parsePcsSignedResponse('enclaveIdentity', body, issuerChainHeader);
}
