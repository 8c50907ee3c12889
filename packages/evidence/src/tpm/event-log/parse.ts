/**
 * The TCG PC Client event log (TCG PC Client Platform Firmware Profile Specification, section
 * 10 "Event Logging", little-endian): the SHA-1 format (TCG_PCClientPCREvent) and the
 * crypto-agile format that a first EV_NO_ACTION event with the "Spec ID Event03" signature
 * announces (TCG_PCR_EVENT2 with a digest per bank). Parsed fully and bounded: absurd sizes and
 * counts are refused, never allocated.
 */
import { EvidenceError } from '../../errors.js';
import { BinaryReader } from '../../binary-reader.js';
import { hashByAlg, type TpmBank } from '../algorithms.js';
import { MAX_PCR_INDEX } from '../pcr-values.js';
import { EV } from './event-types.js';

/** Largest log accepted: real firmware logs are tens of kilobytes. */
export const MAX_EVENT_LOG_BYTES = 4 * 1024 * 1024;
/** Most events accepted. */
export const MAX_EVENTS = 20_000;
/** Largest single event's data (a db with many certificates is some tens of kilobytes). */
export const MAX_EVENT_DATA_BYTES = 1024 * 1024;
/** Most algorithms a Spec ID event may list. */
const MAX_ALGORITHMS = 16;
/** The largest digest any TPM hash has (SHA-512). */
const MAX_DIGEST_BYTES = 64;

/** TCG_EfiSpecIDEventStruct's signature (PFP 10.4.5.1). */
const SPEC_ID_EVENT03 = 'Spec ID Event03\0';
/** TCG_EfiStartupLocalityEvent's signature (PFP 10.4.5.3). */
const STARTUP_LOCALITY = 'StartupLocality\0';
const SHA1_DIGEST_BYTES = 20;

export interface TcgEvent {
  /** Position in the log, from 0. */
  index: number;
  /** Byte offset of the event in the log. */
  offset: number;
  pcr: number;
  type: number;
  /** The digest of each bank the event carries (unknown banks are skipped by their announced size). */
  digests: Map<TpmBank, Uint8Array>;
  data: Uint8Array;
}

export interface TcgSpecId {
  platformClass: number;
  specVersion: string;
  errata: number;
  uintnSize: number;
  /** Every algorithm the log announces, known or not, with its digest size. */
  algorithms: Array<{ alg: number; size: number }>;
}

export interface TcgEventLog {
  raw: Uint8Array;
  format: 'sha1' | 'crypto-agile';
  /** The banks the log carries digests for, that Confide can replay. */
  banks: TpmBank[];
  specId: TcgSpecId | undefined;
  /** The locality the TPM started in (PCR 0 starts at that value), from a StartupLocality event. */
  startupLocality: number | undefined;
  events: TcgEvent[];
  /** Zero or 0xff bytes after the last event (logs copied from a fixed-size ACPI area). */
  paddingBytes: number;
}

function malformed(message: string): never {
  throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `TCG event log: ${message}`);
}

function startsWith(data: Uint8Array, text: string): boolean {
  if (data.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (data[i] !== text.charCodeAt(i)) return false;
  return true;
}

function readSpecId(data: Uint8Array): TcgSpecId {
  const r = new BinaryReader(data, 'TCG event log Spec ID event', SPEC_ID_EVENT03.length);
  const platformClass = r.u32('platformClass');
  const minor = r.u8('specVersionMinor');
  const major = r.u8('specVersionMajor');
  const errata = r.u8('specErrata');
  const uintnSize = r.u8('uintnSize');
  const count = r.u32('numberOfAlgorithms');
  if (count === 0 || count > MAX_ALGORITHMS) malformed(`the Spec ID event lists ${count} algorithms (1..${MAX_ALGORITHMS})`);
  const algorithms: TcgSpecId['algorithms'] = [];
  for (let i = 0; i < count; i++) {
    const alg = r.u16('algorithmId');
    const size = r.u16('digestSize');
    if (size === 0 || size > MAX_DIGEST_BYTES) malformed(`algorithm 0x${alg.toString(16)} has digest size ${size}`);
    const known = hashByAlg(alg);
    if (known && known.size !== size) malformed(`algorithm ${known.bank} has digest size ${size}, not ${known.size}`);
    if (algorithms.some((a) => a.alg === alg)) malformed(`algorithm 0x${alg.toString(16)} is listed twice`);
    algorithms.push({ alg, size });
  }
  const vendorSize = r.u8('vendorInfoSize');
  r.skip(vendorSize, 'vendorInfo');
  return { platformClass, specVersion: `${major}.${minor}`, errata, uintnSize, algorithms };
}

function readPcr(r: BinaryReader): number {
  const pcr = r.u32('pcrIndex');
  if (pcr > MAX_PCR_INDEX) malformed(`an event for PCR ${pcr} at offset ${r.offset - 4}`);
  return pcr;
}

function readData(r: BinaryReader): Uint8Array {
  const size = r.u32('eventSize');
  if (size > MAX_EVENT_DATA_BYTES) malformed(`an event of ${size} bytes at offset ${r.offset - 4}, more than ${MAX_EVENT_DATA_BYTES}`);
  return r.bytesOf(size, 'event');
}

/** TCG_PCClientPCREvent (PFP 10.2.1): the SHA-1 format, used by every event of a SHA-1 log and the first of a crypto-agile one. */
function readSha1Event(r: BinaryReader, index: number): TcgEvent {
  const offset = r.offset;
  const pcr = readPcr(r);
  const type = r.u32('eventType');
  const digest = r.bytesOf(SHA1_DIGEST_BYTES, 'digest');
  return { index, offset, pcr, type, digests: new Map([['sha1', digest]]), data: readData(r) };
}

/** TCG_PCR_EVENT2 (PFP 10.2.2): a TPML_DIGEST_VALUES with a digest per announced bank. */
function readAgileEvent(r: BinaryReader, index: number, specId: TcgSpecId): TcgEvent {
  const offset = r.offset;
  const pcr = readPcr(r);
  const type = r.u32('eventType');
  const count = r.u32('digests.count');
  if (count === 0 || count > specId.algorithms.length) malformed(`event ${index} at offset ${offset} carries ${count} digests; the log announces ${specId.algorithms.length} banks`);
  const digests = new Map<TpmBank, Uint8Array>();
  // Bit i: the digest of the Spec ID event's algorithm i was read (at most MAX_ALGORITHMS).
  let seen = 0;
  for (let i = 0; i < count; i++) {
    const alg = r.u16('digests.hashAlg');
    const at = specId.algorithms.findIndex((a) => a.alg === alg);
    if (at < 0) malformed(`event ${index} at offset ${offset} has a digest of algorithm 0x${alg.toString(16)}, which the Spec ID event does not announce`);
    if (seen & (1 << at)) malformed(`event ${index} at offset ${offset} has two digests of algorithm 0x${alg.toString(16)}`);
    seen |= 1 << at;
    const announced = specId.algorithms[at]!;
    const value = r.bytesOf(announced.size, 'digest');
    const hash = hashByAlg(alg);
    if (hash) digests.set(hash.bank, value);
  }
  return { index, offset, pcr, type, digests, data: readData(r) };
}

/** True when everything from `offset` on is one repeated 0x00 or 0xff byte. */
function isPadding(bytes: Uint8Array, offset: number): boolean {
  const fill = bytes[offset];
  if (fill !== 0 && fill !== 0xff) return false;
  for (let i = offset; i < bytes.length; i++) if (bytes[i] !== fill) return false;
  return true;
}

function startupLocality(events: readonly TcgEvent[]): number | undefined {
  for (const e of events) {
    if (e.type === EV.NO_ACTION && e.pcr === 0 && startsWith(e.data, STARTUP_LOCALITY)) {
      if (e.data.length !== STARTUP_LOCALITY.length + 1) malformed(`the StartupLocality event at offset ${e.offset} is ${e.data.length} bytes`);
      return e.data[STARTUP_LOCALITY.length];
    }
  }
  return undefined;
}

export interface TcgParseOptions {
  /**
   * The indexes a first Spec ID event may name. A TPM log names PCR 0; a confidential-computing
   * log (the TDX CCEL) names an MR index, and EDK2's TDVF writes 1 there (RTMR0).
   */
  specIdIndexes?: readonly number[];
}

/**
 * Parses a TCG PC Client event log, SHA-1 or crypto-agile. Throws ERR_EVIDENCE_MALFORMED for a
 * truncated or inconsistent log and for one past the bounds (MAX_EVENT_LOG_BYTES, MAX_EVENTS,
 * MAX_EVENT_DATA_BYTES).
 */
export function parseTcgEventLog(bytes: Uint8Array, options: TcgParseOptions = {}): TcgEventLog {
  const specIdIndexes = options.specIdIndexes ?? [0];
  if (bytes.length === 0) malformed('empty');
  if (bytes.length > MAX_EVENT_LOG_BYTES) malformed(`${bytes.length} bytes, more than ${MAX_EVENT_LOG_BYTES}`);
  const r = new BinaryReader(bytes, 'TCG event log');
  const first = readSha1Event(r, 0);
  const agile = first.type === EV.NO_ACTION && specIdIndexes.includes(first.pcr) && startsWith(first.data, SPEC_ID_EVENT03);
  const specId = agile ? readSpecId(first.data) : undefined;
  const events: TcgEvent[] = [first];
  while (r.remaining > 0) {
    if (isPadding(bytes, r.offset)) break;
    if (events.length >= MAX_EVENTS) malformed(`more than ${MAX_EVENTS} events`);
    events.push(specId ? readAgileEvent(r, events.length, specId) : readSha1Event(r, events.length));
  }
  const banks: TpmBank[] = specId ? specId.algorithms.flatMap((a) => hashByAlg(a.alg)?.bank ?? []) : ['sha1'];
  return {
    raw: bytes,
    format: specId ? 'crypto-agile' : 'sha1',
    banks,
    specId,
    startupLocality: startupLocality(events),
    events,
    paddingBytes: r.remaining,
  };
}
