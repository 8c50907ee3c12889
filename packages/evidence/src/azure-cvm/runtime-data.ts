/**
 * The HCL report's runtime data: UTF-8 JSON the paravisor writes, bound to the hardware report
 * by SHA-256. It carries the vTPM's attestation key (`kid` "HCLAkPub", the key the TPM quote
 * must verify under) and endorsement key ("HCLEkPub") as JWKs, the VM configuration flags and
 * the guest's user data (hex, written to NV index 0x01400002 before the report was taken).
 */
import { EvidenceError } from '../errors.js';
import { readJson } from './json.js';
import { keyFromJwk, type TpmPublicKey } from '../tpm/public-key.js';
import { isJsonObject } from '@confide/core';

export const HCL_AK_KID = 'HCLAkPub';
export const HCL_EK_KID = 'HCLEkPub';
/** Most keys the runtime data may list. */
const MAX_KEYS = 16;

export interface RuntimeData {
  /** The JWKs as written, in order (what MAA's `x-ms-runtime.keys` echoes). */
  keys: Record<string, unknown>[];
  /** The vTPM's attestation key. */
  akPub: TpmPublicKey;
  /** The vTPM's endorsement key, when listed. */
  ekPub: TpmPublicKey | undefined;
  /** `vm-configuration` as written (secure-boot, tpm-enabled, console-enabled, vmUniqueId, ...). */
  vmConfiguration: Record<string, unknown>;
  /** `user-data`, lower-case hex, when present. */
  userData: string | undefined;
  /** The whole document, parsed. */
  document: Record<string, unknown>;
}

function malformed(message: string, field: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `Azure HCL runtime data: ${message}`, { details: { field } });
}

/** Reads the runtime data JSON. Throws ERR_EVIDENCE_MALFORMED (not JSON, no HCLAkPub, a key that does not read), ERR_EVIDENCE_UNSUPPORTED, ERR_LIMIT_EXCEEDED. */
export function parseRuntimeData(bytes: Uint8Array): RuntimeData {
  const doc = readJson(bytes, 'Azure HCL runtime data', 'runtimeData');
  if (!isJsonObject(doc)) malformed('not a JSON object', 'runtimeData');
  const keys = doc['keys'];
  if (!Array.isArray(keys) || keys.length > MAX_KEYS || !keys.every(isJsonObject)) malformed(`"keys" is not a list of at most ${MAX_KEYS} JWKs`, 'runtimeData.keys');
  const find = (kid: string) => keys.filter((k) => k['kid'] === kid);
  const ak = find(HCL_AK_KID);
  if (ak.length !== 1) malformed(`expected one "${HCL_AK_KID}" key, found ${ak.length}`, 'runtimeData.keys.HCLAkPub');
  const ek = find(HCL_EK_KID);
  if (ek.length > 1) malformed(`${ek.length} "${HCL_EK_KID}" keys`, 'runtimeData.keys.HCLEkPub');
  const config = doc['vm-configuration'];
  if (config !== undefined && !isJsonObject(config)) malformed('"vm-configuration" is not an object', 'runtimeData.vm-configuration');
  const userData = doc['user-data'];
  if (userData !== undefined && (typeof userData !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(userData))) malformed('"user-data" is not hex', 'runtimeData.user-data');
  return {
    keys,
    akPub: keyFromJwk(ak[0]!, HCL_AK_KID),
    ekPub: ek[0] ? keyFromJwk(ek[0], HCL_EK_KID) : undefined,
    vmConfiguration: config ?? {},
    userData: typeof userData === 'string' ? userData.toLowerCase() : undefined,
    document: doc,
  };
}
