/**
 * Replays an event log into PCR values per bank: every event but EV_NO_ACTION extends its PCR,
 * PCR = H(PCR || digest) (TCG TPM 2.0 Library Part 1, 17.2 "PCR Operations"), from the reset
 * values of the PC Client profile (PCR 0 holds the startup locality in its last byte).
 */
import { EvidenceError } from '../../errors.js';
import { nobleDigest, type SyncDigest } from '../../hash/sync-digest.js';
import { hashByBank, type TpmBank } from '../algorithms.js';
import { EV } from './event-types.js';
import type { TcgEventLog } from './parse.js';

/** PCRs 17-22 (dynamic root of trust) reset to all ones, the rest to zero (PC Client PTP, PCR allocation). */
const DYNAMIC_PCRS = new Set([17, 18, 19, 20, 21, 22]);

function resetValue(pcr: number, size: number, locality: number | undefined): Uint8Array {
  const value = new Uint8Array(size);
  if (DYNAMIC_PCRS.has(pcr)) value.fill(0xff);
  if (pcr === 0 && locality !== undefined) value[size - 1] = locality;
  return value;
}

/**
 * The PCR values the log's events produce in `bank`, for every PCR at least one event extends
 * (in ascending order of PCR), hashed synchronously with `digest` (each extend waits for the one before it, so WebCrypto's
 * thread hop per digest would cost more than the hashing). Throws ERR_EVIDENCE_MALFORMED when an
 * extending event has no digest for the bank.
 */
export function replayBank(log: TcgEventLog, bank: TpmBank, digest: SyncDigest = nobleDigest): Map<number, Uint8Array> {
  const { size, webcrypto: name } = hashByBank(bank);
  // By PCR index (the parser bounds it by MAX_PCR_INDEX): an array lookup per extend, not a map's.
  const values: Array<Uint8Array | undefined> = [];
  // One input buffer per bank: PCR || digest, the PCR half overwritten by each extend's result.
  const input = new Uint8Array(size * 2);
  for (const event of log.events) {
    if (event.type === EV.NO_ACTION) continue;
    const d = event.digests.get(bank);
    if (!d) throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `TCG event log: event ${event.index} (PCR ${event.pcr}) has no ${bank} digest`);
    input.set(values[event.pcr] ?? resetValue(event.pcr, size, log.startupLocality));
    input.set(d, size);
    values[event.pcr] = digest(name, input);
  }
  const replayed = new Map<number, Uint8Array>();
  values.forEach((value, pcr) => value && replayed.set(pcr, value));
  return replayed;
}
