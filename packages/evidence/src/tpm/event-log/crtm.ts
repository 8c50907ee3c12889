/**
 * The core root of trust for measurement as PCR 0's first events describe it (TCG PC Client PFP
 * 3.3.2 and 10.4.5.3): the locality the TPM started in (a StartupLocality event), the S-CRTM
 * version the firmware measured, and an H-CRTM measurement (EV_EFI_HCRTM_EVENT, made by
 * hardware through _TPM_Hash_Start at locality 4 before any firmware ran).
 */
import { toHex } from '@confide/core';
import type { TpmBank } from '../algorithms.js';
import { EV, eventTypeName } from './event-types.js';
import type { TcgEvent } from './parse.js';

/** The CRTM claims, when PCR 0 counts (its replay matched a quote, or the log stands alone). */
export interface TcgCrtmClaims {
  /** The StartupLocality event's locality (PCR 0 started at this value): 3, or 4 with an H-CRTM; absent when the log has none (0). */
  startupLocality?: number;
  /** EV_S_CRTM_VERSION whose data hashes to its digest: the UTF-16 text, or hex when it is not text (a GUID). */
  version?: string;
  /** The H-CRTM measurement's digests (in the banks PCR 0 matched in); the event data ("HCRTM") is a marker, the digest covers the H-CRTM code. */
  hCrtm?: { digests: Partial<Record<TpmBank, string>> };
}

/** H-CRTM measurements start PCR 0 at locality 4 (PFP 3.3.4.1). */
const HCRTM_LOCALITY = 4;
const UTF16LE = new TextDecoder('utf-16le');

/** The bytes of an S-CRTM version whose digest is their hash (its data, as the firmware measured it). */
export function crtmVersionData(e: TcgEvent): Uint8Array | undefined {
  return e.pcr === 0 && e.type === EV.S_CRTM_VERSION ? e.data : undefined;
}

function versionText(data: Uint8Array): string {
  let end = data.length - (data.length % 2);
  while (end >= 2 && data[end - 1] === 0 && data[end - 2] === 0) end -= 2;
  const printable = end > 0 && data.length % 2 === 0 && Array.from({ length: end / 2 }, (_, i) => data[2 * i]! | (data[2 * i + 1]! << 8)).every((c) => c >= 0x20 && c !== 0x7f);
  return printable ? UTF16LE.decode(data.subarray(0, end)) : toHex(data);
}

/**
 * The CRTM claims from PCR 0's counted events (in log order). An H-CRTM event that is not the
 * first measurement of PCR 0 after a locality 4 start adds a reason: hardware makes it first, or not at all.
 */
export function decodeCrtm(
  pcr0: readonly TcgEvent[],
  startupLocality: number | undefined,
  dataHashes: (e: TcgEvent) => boolean,
  digestsHex: (e: TcgEvent) => Partial<Record<TpmBank, string>>,
  reasons: string[],
): TcgCrtmClaims {
  const out: TcgCrtmClaims = startupLocality !== undefined ? { startupLocality } : {};
  for (const [i, e] of pcr0.entries()) {
    if (e.type === EV.EFI_HCRTM_EVENT) {
      if (i !== 0 || startupLocality !== HCRTM_LOCALITY || out.hCrtm) {
        reasons.push(`event ${e.index} (PCR 0, ${eventTypeName(e.type)}) is not the first measurement of PCR 0 after a start at locality ${HCRTM_LOCALITY}`);
      } else out.hCrtm = { digests: digestsHex(e) };
    } else if (e.type === EV.S_CRTM_VERSION && out.version === undefined && dataHashes(e)) {
      out.version = versionText(e.data);
    }
  }
  return out;
}
