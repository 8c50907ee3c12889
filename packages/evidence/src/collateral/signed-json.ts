/**
 * Checks the shape of a signed Intel collateral document (TCB Info, QE Identity) and reads the
 * few fields needed to file it (id, FMSPC, dates). The signature itself is the verifier's job.
 */
import { fromHex, toHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { SignedJson } from './types.js';
import { decodePemChain, pemCertificates } from './pem.js';

/** ECDSA P-256 r||s. */
const SIGNATURE_BYTES = 64;

function malformed(what: string, why: string): never {
  throw new EvidenceError('ERR_COLLATERAL_MALFORMED', `${what}: ${why}`);
}

/** Hex (any case), or a JSON array of byte values, to bytes. */
function bytesField(value: unknown, what: string): Uint8Array {
  if (typeof value === 'string') {
    try {
      return fromHex(value.trim());
    } catch {
      malformed(what, 'not hex');
    }
  }
  if (Array.isArray(value) && value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) {
    return Uint8Array.from(value as number[]);
  }
  malformed(what, 'expected hex or an array of bytes');
}

/** Checks a signed body (a JSON object) and its 64-byte signature; the signature comes back as lower-case hex. Throws ERR_COLLATERAL_MALFORMED. */
export function signedBody(what: string, body: unknown, signature: unknown): { body: string; signature: string } {
  if (typeof body !== 'string') malformed(what, 'the signed body is not a string');
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    malformed(what, 'the signed body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) malformed(what, 'the signed body is not a JSON object');
  const sig = bytesField(signature, `${what} signature`);
  if (sig.length !== SIGNATURE_BYTES) malformed(what, `the signature is ${sig.length} bytes, expected ${SIGNATURE_BYTES}`);
  return { body, signature: toHex(sig) };
}

/**
 * A checked SignedJson: `body` must be a JSON object, the signature 64 bytes (lower-cased hex
 * on output), the chain PEM or URL-encoded PEM (decoded on output). Throws ERR_COLLATERAL_MALFORMED.
 */
export function signedJson(what: string, body: unknown, signature: unknown, issuerChain: unknown): SignedJson {
  const checked = signedBody(what, body, signature);
  if (typeof issuerChain !== 'string') malformed(what, 'the issuer chain is missing');
  const chain = decodePemChain(issuerChain);
  pemCertificates(chain);
  return { ...checked, issuerChain: chain };
}

/** Fields used to file a TCB Info or QE Identity document. */
export interface SignedJsonInfo {
  /** "SGX" | "TDX" for TCB Info (v2 has none: SGX), "QE" | "TD_QE" | "QVE" for identities. */
  id: string | undefined;
  version: number | undefined;
  /** Lower-case hex, TCB Info only. */
  fmspc: string | undefined;
  issueDate: Date | undefined;
  nextUpdate: Date | undefined;
}

function date(v: unknown): Date | undefined {
  if (typeof v !== 'string') return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/** Reads id, version, FMSPC and dates from a signed body. Throws ERR_COLLATERAL_MALFORMED. */
export function signedJsonInfo(body: string): SignedJsonInfo {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(body) as Record<string, unknown>;
  } catch {
    malformed('collateral', 'the signed body is not JSON');
  }
  return {
    id: typeof o['id'] === 'string' ? o['id'] : undefined,
    version: typeof o['version'] === 'number' ? o['version'] : undefined,
    fmspc: typeof o['fmspc'] === 'string' ? o['fmspc'].toLowerCase() : undefined,
    issueDate: date(o['issueDate']),
    nextUpdate: date(o['nextUpdate']),
  };
}

/** Which TEE a TCB Info body is for: `id` "TDX" means tdx; "SGX" or no id (version 2) means sgx. */
export function tcbInfoTee(info: SignedJsonInfo): 'sgx' | 'tdx' | undefined {
  if (info.id === undefined || info.id === 'SGX') return 'sgx';
  if (info.id === 'TDX') return 'tdx';
  return undefined;
}

/** Which TEE a QE Identity body is for: "QE" (or none, version 1) sgx, "TD_QE" tdx; others (QVE) none. */
export function qeIdentityTee(info: SignedJsonInfo): 'sgx' | 'tdx' | undefined {
  if (info.id === undefined || info.id === 'QE') return 'sgx';
  if (info.id === 'TD_QE') return 'tdx';
  return undefined;
}
