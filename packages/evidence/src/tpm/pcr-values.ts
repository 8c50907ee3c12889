/**
 * PCR values as the evidence gives them, by bank, and the digest a quote signs over them: the
 * selected PCRs of each TPMS_PCR_SELECTION in order, each bank's PCRs ascending, concatenated and
 * hashed with the signing scheme's hash (TCG TPM 2.0 Library Part 3, 18.4 "TPM2_Quote").
 */
import { fromHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import { nobleDigest, type SyncDigest } from '../hash/sync-digest.js';
import { hashByBank, isTpmBank, type TpmBank, type TpmHash } from './algorithms.js';
import type { TpmPcrSelection } from './attest.js';

/** The most PCRs a bank has (PC Client platforms have 24). */
export const MAX_PCR_INDEX = 31;

/** PCR values by bank and index. */
export type TpmPcrBanks = Map<TpmBank, Map<number, Uint8Array>>;

/** PCR values as callers write them: by bank name, then by index, hex or bytes. */
export type TpmPcrInput = Partial<Record<string, Record<string, string | Uint8Array> | ReadonlyArray<string | Uint8Array>>>;

function malformed(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `PCR values: ${message}`);
}

/** The PCR index `key` writes in one or two decimal digits ("07" too), up to MAX_PCR_INDEX; undefined otherwise. */
function pcrIndex(key: string): number | undefined {
  if (key.length === 0 || key.length > 2) return undefined;
  let n = 0;
  for (let i = 0; i < key.length; i++) {
    const d = key.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n <= MAX_PCR_INDEX ? n : undefined;
}

/**
 * Reads PCR values given by bank ("sha1", "sha256", "sha384", "sha512"), each an object keyed by
 * index or an array from PCR 0. Throws ERR_EVIDENCE_MALFORMED (unknown bank, bad index, a value
 * that is not hex or not the bank's digest size).
 */
export function readPcrBanks(input: TpmPcrInput): TpmPcrBanks {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) malformed('expected an object of banks');
  const banks: TpmPcrBanks = new Map();
  for (const [name, values] of Object.entries(input)) {
    if (!isTpmBank(name)) malformed(`unknown bank "${name}" (sha1, sha256, sha384 or sha512)`);
    if (values === null || typeof values !== 'object') malformed(`bank ${name} is not an object or array`);
    const hash = hashByBank(name);
    const map = new Map<number, Uint8Array>();
    const entries: Array<[string, unknown]> = Array.isArray(values) ? values.map((v, i) => [String(i), v]) : Object.entries(values);
    for (const [key, value] of entries) {
      const pcr = pcrIndex(key);
      if (pcr === undefined) malformed(`bank ${name}: "${key}" is not a PCR index 0..${MAX_PCR_INDEX}`);
      let bytes: Uint8Array;
      if (value instanceof Uint8Array) bytes = value;
      else if (typeof value === 'string') {
        try {
          bytes = fromHex(value);
        } catch {
          malformed(`bank ${name} PCR ${key} is not hex`);
        }
      } else malformed(`bank ${name} PCR ${key} is not a hex string`);
      if (bytes.length !== hash.size) malformed(`bank ${name} PCR ${key} is ${bytes.length} bytes, not ${hash.size}`);
      map.set(pcr, bytes);
    }
    banks.set(name, map);
  }
  return banks;
}

/**
 * The digest of the selected PCR values with `hash`, computed with `digest`. Throws
 * ERR_EVIDENCE_UNSUPPORTED (a bank of an unknown hash), ERR_EVIDENCE_MALFORMED (a selected PCR
 * without a value).
 */
export function selectedPcrDigest(selection: readonly TpmPcrSelection[], banks: TpmPcrBanks, hash: TpmHash, digest: SyncDigest = nobleDigest): Uint8Array {
  let size = 0;
  for (const s of selection) {
    if (!s.hash) throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `the quote selects PCRs of bank 0x${s.alg.toString(16)}, a hash Confide does not know`);
    const bank = banks.get(s.hash.bank);
    for (const pcr of s.pcrs) {
      const value = bank?.get(pcr);
      if (!value) malformed(`the quote selects ${s.hash.bank} PCR ${pcr}, but no value was given for it`);
      size += value.length;
    }
  }
  // The values concatenated into one buffer, in selection order.
  const input = new Uint8Array(size);
  let offset = 0;
  for (const s of selection) {
    const bank = banks.get(s.hash!.bank)!;
    for (const pcr of s.pcrs) {
      const value = bank.get(pcr)!;
      input.set(value, offset);
      offset += value.length;
    }
  }
  return digest(hash.webcrypto, input);
}
