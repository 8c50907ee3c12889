/**
 * A machine's NVIDIA devices verified as one set: the JSON list NVIDIA's PPCIe tools write
 * (eight H100 GPUs, four NVSwitches), every device against the same nonce. All reports are
 * parsed first, then verified concurrently; the set passes only when every device does.
 */
import { isConfideError, restate } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { NvidiaClaims } from '../claims.js';
import type { VerifyContext } from '../types.js';
import { nvidiaEvidenceFromEntry, parseNvidiaJson, type NvidiaEvidence } from './evidence.js';
import { verifyNvidiaEvidence } from './verify-evidence.js';

/** Most devices in one set: a few times the largest NVLink systems' count. */
export const MAX_NVIDIA_DEVICES = 64;

/** An error of one device, with its position (0-based) in `details.index`. */
function atIndex(err: unknown, index: number): unknown {
  if (!isConfideError(err)) return err;
  return restate(err, `device ${index}: ${err.message}`, { ...(err.details ?? {}), index });
}

/** Parses a JSON list of NVIDIA evidence entries. Throws ERR_EVIDENCE_MALFORMED (with details.index for an entry). */
export function parseNvidiaEvidenceList(bytes: Uint8Array): NvidiaEvidence[] {
  const value = parseNvidiaJson(bytes);
  if (!Array.isArray(value) || value.length === 0) throw new EvidenceError('ERR_EVIDENCE_MALFORMED', 'NVIDIA evidence list: not a non-empty JSON list');
  if (value.length > MAX_NVIDIA_DEVICES) throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `NVIDIA evidence list: ${value.length} devices, at most ${MAX_NVIDIA_DEVICES}`);
  return value.map((entry, i) => {
    try {
      return nvidiaEvidenceFromEntry(entry, `entry ${i}: `);
    } catch (err) {
      throw atIndex(err, i);
    }
  });
}

/**
 * Verifies every device of a set (parsed list or JSON bytes) against `ctx` (one nonce for all)
 * and returns their claims in order. Throws the first failing device's error (in list order)
 * with `details.index`; the codes are verifyNvidiaEvidence's.
 */
export async function verifyNvidiaEvidenceList(devices: Uint8Array | readonly NvidiaEvidence[], ctx: VerifyContext): Promise<NvidiaClaims[]> {
  const list = devices instanceof Uint8Array ? parseNvidiaEvidenceList(devices) : devices;
  // The devices verify at once: their steps would interleave in one trace, so a set records none.
  const { trace: _interleaved, ...each } = ctx;
  const settled = await Promise.allSettled(list.map((evidence) => verifyNvidiaEvidence(evidence, each)));
  return settled.map((result, i) => {
    if (result.status === 'rejected') throw atIndex(result.reason, i);
    return result.value;
  });
}
