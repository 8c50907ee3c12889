/**
 * Replays an event log into PCR values per bank: every event but EV_NO_ACTION extends its PCR,
 * PCR = H(PCR || digest) (TCG TPM 2.0 Library Part 1, 17.2 "PCR Operations"), from the reset
 * values of the PC Client profile (PCR 0 holds the startup locality in its last byte).
 */
import { digest } from '@confide/core';
import { EvidenceError } from '../../errors.js';
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
 * The PCR values the log's events produce in `bank`, for every PCR at least one event extends.
 * Throws ERR_EVIDENCE_MALFORMED when an extending event has no digest for the bank.
 */
export async function replayBank(log: TcgEventLog, bank: TpmBank): Promise<Map<number, Uint8Array>> {
  const hash = hashByBank(bank);
  // Each PCR's extends form a chain; different PCRs replay side by side (WebCrypto's thread pool).
  const chains = new Map<number, Uint8Array[]>();
  for (const event of log.events) {
    if (event.type === EV.NO_ACTION) continue;
    const d = event.digests.get(bank);
    if (!d) throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `TCG event log: event ${event.index} (PCR ${event.pcr}) has no ${bank} digest`);
    const chain = chains.get(event.pcr);
    if (chain) chain.push(d);
    else chains.set(event.pcr, [d]);
  }
  const replayed = await Promise.all(
    [...chains].map(async ([pcr, digests]): Promise<[number, Uint8Array]> => {
      let value = resetValue(pcr, hash.size, log.startupLocality);
      for (const d of digests) {
        // PCR || digest in a buffer of its own per extend (WebCrypto may read it after the call returns).
        const input = new Uint8Array(value.length + d.length);
        input.set(value);
        input.set(d, value.length);
        value = await digest(hash.webcrypto, input);
      }
      return [pcr, value];
    }),
  );
  return new Map(replayed);
}
