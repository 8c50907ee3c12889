/**
 * What the events of a TCG PC Client log say about the boot: secure boot, the secure-boot
 * databases, the authorities that verified the boot loader and kernel, the EFI applications,
 * the kernel command line, the separators, and what could have been added after them.
 *
 * Only a digest is extended into a PCR; event data is the firmware's description of it. So a
 * claim is read from an event only when the event's PCR replayed to a quoted value and, for
 * the kinds whose digest is the hash of their data, when the data hashes to the digest in every
 * bank. Anything else is named in `injection.reasons`.
 */
import { toHex } from '@confide/core';
import { nobleDigest, type SyncDigest } from '../../hash/sync-digest.js';
import { sameBytes, tailKey } from '../../memo/cache.js';
import { defaultVerifyCache, WEBCRYPTO_SCOPE, type VerifyCache } from '../../memo/verify-cache.js';
import { hashByBank, type TpmBank } from '../algorithms.js';
import { parseTpmCertificate } from '../certificate.js';
import { crtmVersionData, decodeCrtm, type TcgCrtmClaims } from './crtm.js';
import { EV, eventTypeName } from './event-types.js';
import { commandLineOf } from './kernel-command-line.js';
import type { TcgEvent, TcgEventLog } from './parse.js';
import { EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, readImageLoad, readUefiVariable, type UefiVariable } from './uefi.js';

/** An authority (a db or MOK entry) that verified an image: EV_EFI_VARIABLE_AUTHORITY. */
export interface TcgAuthority {
  /** The variable it came from: db, MokListRT, Shim, SbatLevel, ... */
  variable: string;
  /** SHA-256 of the variable data (the certificate, or owner GUID and certificate), lower-case hex. */
  sha256: string;
  /** The certificate's subject CN, when the data holds a certificate Confide can read. */
  subject?: string;
}

/** An EFI application the firmware or boot loader started: EV_EFI_BOOT_SERVICES_APPLICATION (PCR 4). */
export interface TcgBootApplication {
  /** The image's Authenticode digest per bank, lower-case hex (only banks whose replay matched a quote): this is what the PCR covers. */
  digests: Partial<Record<TpmBank, string>>;
  /** The file path the log names. Not covered by any digest: the firmware's description only. */
  path?: string;
}

/** The claims decoded from a log's events. */
export interface TcgEventLogDecoded {
  /** The SecureBoot variable as measured before the PCR 7 separator; absent when not measured. */
  secureBoot?: boolean;
  /** SHA-256 of each secure-boot database as measured (EV_EFI_VARIABLE_DRIVER_CONFIG), lower-case hex. */
  secureBootVariables: { pk?: string; kek?: string; db?: string; dbx?: string };
  /** Authorities the firmware measured before the first boot application started: they verified the boot loader. */
  bootLoaderAuthorities: TcgAuthority[];
  /**
   * Authorities measured after it, by shim or the boot loader: they verified the later stages up
   * to the kernel. Each authority is measured once, so one that verified both the second stage
   * and the kernel appears once.
   */
  kernelAuthorities: TcgAuthority[];
  bootApplications: TcgBootApplication[];
  /**
   * Kernel command lines the boot loader measured whose digest is the hash of the line: GRUB's
   * "kernel_cmdline: " in PCR 8, systemd-boot's and systemd-stub's UTF-16 line in PCR 12 (PCR 8 up to systemd 250).
   */
  kernelCommandLines: string[];
  /** The CRTM as PCR 0 describes it (startup locality, S-CRTM version, H-CRTM); absent when PCR 0 does not count. */
  crtm?: TcgCrtmClaims;
  /** EV_SEPARATOR events of PCRs 0-7; `error` when the firmware measured its error value. */
  separators: Array<{ pcr: number; error: boolean }>;
  /**
   * Whether anything in PCRs 0-7 could have been added or described by software after the
   * firmware handed over: a PCR without a separator, an event after a separator of a kind the
   * firmware and boot manager do not measure there, or an event whose data does not hash to its digest.
   */
  injection: { possible: boolean; reasons: string[] };
}

/** Event kinds the boot manager measures after the separator of a PCR (PFP 3.3.4 and 10.4). */
const AFTER_SEPARATOR: Record<number, ReadonlySet<number>> = {
  4: new Set([EV.EFI_BOOT_SERVICES_APPLICATION, EV.EFI_BOOT_SERVICES_DRIVER, EV.EFI_ACTION, EV.IPL]),
  5: new Set([EV.EFI_GPT_EVENT, EV.EFI_ACTION, EV.EFI_VARIABLE_BOOT, EV.EFI_HANDOFF_TABLES]),
  7: new Set([EV.EFI_VARIABLE_AUTHORITY]),
};
/** The PCRs the firmware closes with a separator before the boot manager starts. */
const PRE_OS_PCRS = [0, 1, 2, 3, 4, 5, 6, 7];
const SEPARATOR_OK = 0;
const SEPARATOR_ERRORS = new Set([1, 0xffffffff]);

/** The digests of one piece of event data, each computed when first asked for. */
interface DataDigests {
  /** The data's digest in `bank`. */
  of(bank: TpmBank): Uint8Array;
  /** SHA-256 of the data's last `length` bytes: a UEFI variable's value, which ends its UEFI_VARIABLE_DATA. */
  tailSha256(length: number): Uint8Array;
}

/** How event data is hashed: the synchronous digests and the cache their results are kept in. */
export interface EventDataHashing {
  digest: SyncDigest;
  cache: VerifyCache;
  /** The scope of `digest` in `cache` (VerifyCache.scope of the primitives that bring it). */
  scope: string;
}

/** @noble/hashes's digests, kept in the default cache under the built-in primitives' scope. */
const BUILT_IN_HASHING: EventDataHashing = { digest: nobleDigest, cache: defaultVerifyCache, scope: WEBCRYPTO_SCOPE };

/** Subjects of the certificates authorities measure, by the exact bytes. */
const SUBJECTS = 'tpm-authority-subject';

/**
 * The digests of event data, each (bytes, bank) hashed once: within a log (every separator
 * measures the same four bytes) and, through the verification cache, across logs (the same boot
 * measures the same variables, authorities and separators every time). The key is the exact
 * bytes, so a hit holds the digests of the very same input by the same digests (the region
 * carries their scope).
 */
function cachedDigests({ digest, cache, scope }: EventDataHashing): (data: Uint8Array) => DataDigests {
  const region = `digest:${scope}:tpm-event-data`;
  return (data) => {
    const key = tailKey(data);
    let entry = cache.get<{ data: Uint8Array; digests: Map<TpmBank, Uint8Array>; tails: Map<number, Uint8Array> }>(region, key);
    if (entry === undefined || !sameBytes(entry.data, data)) {
      entry = { data: data.slice(), digests: new Map(), tails: new Map() };
      // Charged for every bank's digest and a tail's it may come to hold.
      cache.set(region, key, entry, data.length + 320);
    }
    const { data: bytes, digests, tails } = entry;
    return {
      of: (bank) => {
        let d = digests.get(bank);
        if (d === undefined) {
          d = digest(hashByBank(bank).webcrypto, bytes);
          digests.set(bank, d);
        }
        return d;
      },
      tailSha256: (length) => {
        let d = tails.get(length);
        if (d === undefined) {
          d = digest('SHA-256', bytes.subarray(bytes.length - length));
          tails.set(length, d);
        }
        return d;
      },
    };
  };
}

/** True when the data whose digests `digests` gives hashes to the event's digest in every bank it carries. */
function hashesTo(event: TcgEvent, digests: DataDigests): boolean {
  if (event.digests.size === 0) return false;
  for (const [bank, d] of event.digests) if (!sameBytes(digests.of(bank), d)) return false;
  return true;
}

/** The PCRs whose replay matched a quote, each with the banks it matched in. */
export type VerifiedPcrs = ReadonlyMap<number, ReadonlySet<TpmBank>>;

/** The event's digests in the banks `banks` allows (all when undefined). */
function digestsHex(event: TcgEvent, banks: ReadonlySet<TpmBank> | undefined): Partial<Record<TpmBank, string>> {
  return Object.fromEntries([...event.digests].filter(([bank]) => !banks || banks.has(bank)).map(([bank, d]) => [bank, toHex(d)]));
}

/** certificateSubject, remembered by the exact bytes (the same authorities verify every boot of an image). */
function cachedSubject(data: Uint8Array, cache: VerifyCache): string | undefined {
  const key = tailKey(data);
  const hit = cache.get<{ data: Uint8Array; subject: string | undefined }>(SUBJECTS, key);
  if (hit !== undefined && sameBytes(hit.data, data)) return hit.subject;
  const subject = certificateSubject(data);
  cache.set(SUBJECTS, key, { data: data.slice(), subject }, data.length + 128);
  return subject;
}

function certificateSubject(data: Uint8Array): string | undefined {
  // EFI_SIGNATURE_DATA is an owner GUID then the certificate; shim measures the certificate alone.
  for (const der of [data, data.subarray(16)]) {
    if (der[0] !== 0x30) continue;
    try {
      return parseTpmCertificate(der).subjectCn;
    } catch {
      // not a certificate Confide reads: the digest still names it
    }
  }
  return undefined;
}

const le32 = (b: Uint8Array) => (b[0]! | (b[1]! << 8) | (b[2]! << 16) | (b[3]! << 24)) >>> 0;

/**
 * Decodes the claims of a parsed log. `verified` holds the PCRs whose replay matched a quote,
 * each with the banks it matched in; events of other PCRs give no claims, and an event's
 * digests are reported only in the banks its PCR matched in. Without it (a log on its own), every event counts.
 */
export async function decodeEventLog(log: TcgEventLog, verified?: VerifiedPcrs): Promise<TcgEventLogDecoded> {
  return decodeWith(log, verified, BUILT_IN_HASHING);
}

/** The bytes whose hash must be an event's digest for a claim to be read from it; undefined for events that give none. */
function claimData(e: TcgEvent): Uint8Array | undefined {
  if (e.type === EV.SEPARATOR) return e.data;
  if (e.pcr === 7 && (e.type === EV.EFI_VARIABLE_DRIVER_CONFIG || e.type === EV.EFI_VARIABLE_AUTHORITY)) return e.data;
  return commandLineOf(e)?.hashed ?? crtmVersionData(e);
}

/** Which secure-boot database a configuration variable is, if any. */
function secureBootDatabase(v: UefiVariable): 'pk' | 'kek' | 'db' | 'dbx' | undefined {
  const global = v.guid === EFI_GLOBAL_VARIABLE;
  const database = v.guid === EFI_IMAGE_SECURITY_DATABASE;
  return global && v.name === 'PK' ? 'pk' : global && v.name === 'KEK' ? 'kek' : database && v.name === 'db' ? 'db' : database && v.name === 'dbx' ? 'dbx' : undefined;
}

/**
 * As decodeEventLog, hashing event data with `hashing` (the verifier's digests and cache). Each
 * event a claim may come from is checked against its digests once, when decoding first asks.
 */
export function decodeWith(log: TcgEventLog, verified: VerifiedPcrs | undefined, hashing: EventDataHashing): TcgEventLogDecoded {
  const digestsOf = cachedDigests(hashing);
  const cache = hashing.cache;
  // By event index: the digests of the data behind its claims, null when it does not hash to the event's digests.
  const checked = new Map<number, DataDigests | null>();
  const claimDigests = (e: TcgEvent): DataDigests | undefined => {
    let digests = checked.get(e.index);
    if (digests === undefined) {
      const data = claimData(e);
      const of = data !== undefined ? digestsOf(data) : undefined;
      digests = of !== undefined && hashesTo(e, of) ? of : null;
      checked.set(e.index, digests);
    }
    return digests ?? undefined;
  };
  const dataHashes = (e: TcgEvent): boolean => claimDigests(e) !== undefined;
  const out: TcgEventLogDecoded = {
    secureBootVariables: {},
    bootLoaderAuthorities: [],
    kernelAuthorities: [],
    bootApplications: [],
    kernelCommandLines: [],
    separators: [],
    injection: { possible: false, reasons: [] },
  };
  const reasons = out.injection.reasons;
  const separated = new Set<number>();
  const counts = (e: TcgEvent) => e.type !== EV.NO_ACTION && (verified === undefined || verified.has(e.pcr));
  const events = log.events.filter(counts);
  const firstApplication = events.find((e) => e.pcr === 4 && e.type === EV.EFI_BOOT_SERVICES_APPLICATION)?.index ?? Infinity;
  const where = (e: TcgEvent) => `event ${e.index} (PCR ${e.pcr}, ${eventTypeName(e.type)})`;
  /** The UEFI variable a PCR 7 event measures, when its data is one and hashes to its digest (else a reason). */
  const pcr7Variable = (e: TcgEvent): UefiVariable | undefined => {
    if (e.pcr !== 7) return undefined;
    const v = readUefiVariable(e.data);
    if (v && dataHashes(e)) return v;
    reasons.push(`${where(e)} does not describe what its digest covers`);
    return undefined;
  };

  for (const e of events) {
    const preOs = e.pcr <= 7;
    if (preOs && separated.has(e.pcr) && !AFTER_SEPARATOR[e.pcr]?.has(e.type)) reasons.push(`${where(e)} comes after the PCR ${e.pcr} separator`);
    switch (e.type) {
      case EV.SEPARATOR: {
        const value = e.data.length === 4 ? le32(e.data) : undefined;
        if (value === undefined || (value !== SEPARATOR_OK && !SEPARATOR_ERRORS.has(value)) || !dataHashes(e)) {
          reasons.push(`${where(e)} is not a separator value whose digest is its hash`);
          break;
        }
        if (preOs) {
          if (separated.has(e.pcr)) reasons.push(`${where(e)} is a second separator`);
          separated.add(e.pcr);
          out.separators.push({ pcr: e.pcr, error: value !== SEPARATOR_OK });
        }
        break;
      }
      case EV.EFI_VARIABLE_DRIVER_CONFIG: {
        const v = pcr7Variable(e);
        if (!v || separated.has(7)) break; // already named above: configuration measured after the separator
        if (v.guid === EFI_GLOBAL_VARIABLE && v.name === 'SecureBoot') {
          if (out.secureBoot !== undefined) reasons.push(`${where(e)} measures SecureBoot a second time`);
          else out.secureBoot = v.data.length === 1 && v.data[0] === 1;
        } else {
          const key = secureBootDatabase(v);
          // pcr7Variable gave v only for data that hashes to the event's digests; its value ends that data.
          if (key) out.secureBootVariables[key] = toHex(claimDigests(e)!.tailSha256(v.data.length));
        }
        break;
      }
      case EV.EFI_VARIABLE_AUTHORITY: {
        const v = pcr7Variable(e);
        if (!v) break;
        const subject = cachedSubject(v.data, cache);
        const authority: TcgAuthority = { variable: v.name, sha256: toHex(claimDigests(e)!.tailSha256(v.data.length)), ...(subject !== undefined ? { subject } : {}) };
        (e.index < firstApplication ? out.bootLoaderAuthorities : out.kernelAuthorities).push(authority);
        break;
      }
      case EV.EFI_BOOT_SERVICES_APPLICATION: {
        if (e.pcr !== 4) break;
        const path = readImageLoad(e.data)?.path;
        out.bootApplications.push({ digests: digestsHex(e, verified?.get(e.pcr)), ...(path !== undefined ? { path } : {}) });
        break;
      }
      case EV.IPL: {
        const line = commandLineOf(e);
        if (!line) break;
        if (!dataHashes(e)) {
          // systemd's other UTF-16 events in PCR 12 (credentials, sysexts) are no command line: only GRUB's claims to be one.
          if (line.source === 'grub') reasons.push(`${where(e)} does not describe what its digest covers`);
          break;
        }
        out.kernelCommandLines.push(line.text());
        break;
      }
    }
  }
  const pcr0 = events.filter((e) => e.pcr === 0);
  if (verified === undefined || verified.has(0)) out.crtm = decodeCrtm(pcr0, log.startupLocality, dataHashes, (e) => digestsHex(e, verified?.get(0)), reasons);
  const present = new Set(events.map((e) => e.pcr));
  for (const pcr of PRE_OS_PCRS) if (present.has(pcr) && !separated.has(pcr)) reasons.push(`PCR ${pcr} has no separator`);
  out.injection.possible = reasons.length > 0;
  return out;
}
