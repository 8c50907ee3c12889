/**
 * What the events of a TDX CC event log say: firmware volumes, ACPI and handoff tables, the
 * secure-boot and boot variables, the EFI applications, the files GRUB loaded (kernel included),
 * the Linux EFI stub's tagged events (initrd, load options), and the kernel command line.
 *
 * Only a digest is extended into an RTMR; event data is the firmware's description of it. Each
 * event says whether its data hashes to its digest (`dataVerified`): a description whose event
 * is not verified is the firmware's word, not a measurement.
 */
import { digest, fromUtf8, toHex } from '@confide/core';
import { BinaryReader } from '../../binary-reader.js';
import { EV, eventTypeName } from '../../tpm/event-log/event-types.js';
import type { TcgEvent } from '../../tpm/event-log/parse.js';
import type { CcelTable } from './ccel-table.js';
import { EFI_GLOBAL_VARIABLE, EFI_IMAGE_SECURITY_DATABASE, lenient, readImageLoad, readUefiVariable } from '../../tpm/event-log/uefi.js';

export interface TdxEventClaim {
  /** Position in the log, from 0 (the Spec ID event is 0). */
  index: number;
  /** The RTMR the event extends (its MR index minus 1). */
  rtmr: number;
  type: string;
  /** The SHA-384 digest extended, lower-case hex. */
  digest: string;
  /** The firmware's description: a variable name, a path, a tag or the event's text. */
  description?: string;
  /** True when the event data hashes (SHA-384) to the digest: then the data itself is measured. */
  dataVerified: boolean;
}

/** The claims decoded from a replayed CC event log. Hashes are lower-case hex. */
export interface TdxEventLogDecoded {
  events: TdxEventClaim[];
  /** EV_EFI_PLATFORM_FIRMWARE_BLOB(2): firmware volumes, with base and length as hex. */
  firmwareVolumes: Array<{ rtmr: number; description?: string; base: string; length: string; digest: string }>;
  /** EV_PLATFORM_CONFIG_FLAGS "ACPI DATA": the ACPI tables the VMM gave the TD. */
  acpiTables: Array<{ rtmr: number; digest: string }>;
  /** EV_EFI_HANDOFF_TABLES(2): configuration tables (TDVF's "TdxTable", the TD HOB). */
  handoffTables: Array<{ rtmr: number; description?: string; digest: string }>;
  /** The SecureBoot variable as measured; absent when not measured. */
  secureBoot?: boolean;
  /** SHA-256 of each secure-boot database as measured (as the TPM claims give them). */
  secureBootVariables: { pk?: string; kek?: string; db?: string; dbx?: string };
  /** EV_EFI_VARIABLE_BOOT(2): BootOrder, Boot####, with the digest extended. */
  bootVariables: Array<{ name: string; guid: string; digest: string }>;
  /** EV_EFI_BOOT_SERVICES_APPLICATION: the image's digest and the path the log names. */
  bootApplications: Array<{ digest: string; path?: string }>;
  /** Files GRUB measured (EV_IPL whose text is a path): grub.cfg, the kernel, an initrd. */
  loadedFiles: Array<{ path: string; digest: string }>;
  /** The Linux EFI stub's tagged events (EV_EVENT_TAG): "Linux initrd", "LOADED_IMAGE::LoadOptions". */
  taggedEvents: Array<{ tag: string; digest: string }>;
  /** Kernel command lines GRUB measured ("kernel_cmdline: "), kept only when the digest is the line's hash. */
  kernelCommandLines: string[];
}

const GRUB_CMDLINE = 'kernel_cmdline: ';
/** Shortest leading text taken as an event's description. */
const MIN_TEXT = 3;

async function sha384Hex(data: Uint8Array): Promise<string> {
  return toHex(await digest('SHA-384', data));
}

/** The printable ASCII text the data starts with, up to a NUL, when it is at least MIN_TEXT long. */
function leadingText(data: Uint8Array): string | undefined {
  let end = 0;
  while (end < data.length && data[end]! >= 0x20 && data[end]! < 0x7f) end++;
  if (end < MIN_TEXT || (end < data.length && data[end] !== 0 && data[end] !== 0x0a)) return undefined;
  return fromUtf8(data.subarray(0, end));
}

/** UEFI_PLATFORM_FIRMWARE_BLOB(2) (PFP 10.4.2): an optional description, base, length. */
function readBlob(e: TcgEvent): { description?: string; base: string; length: string } | undefined {
  return lenient(() => {
    const r = new BinaryReader(e.data, 'UEFI_PLATFORM_FIRMWARE_BLOB');
    const description = e.type === EV.EFI_PLATFORM_FIRMWARE_BLOB2 ? leadingText(r.bytesOf(r.u8('BlobDescriptionSize'), 'BlobDescription')) : undefined;
    const base = r.u64('BlobBase').toString(16);
    const length = r.u64('BlobLength').toString(16);
    return { ...(description !== undefined ? { description } : {}), base, length };
  });
}

/** UEFI_HANDOFF_TABLE_POINTERS2's description (PFP 10.4.2). */
function handoffDescription(e: TcgEvent): string | undefined {
  if (e.type !== EV.EFI_HANDOFF_TABLES2) return undefined;
  return lenient(() => {
    const r = new BinaryReader(e.data, 'UEFI_HANDOFF_TABLE_POINTERS2');
    return leadingText(r.bytesOf(r.u8('TableDescriptionSize'), 'TableDescription'));
  });
}

/** TCG_PCClientTaggedEvent (PFP 10.4.2.1): event id, size, data; Linux puts its text there. */
function eventTag(e: TcgEvent): string | undefined {
  return lenient(() => {
    const r = new BinaryReader(e.data, 'TCG_PCClientTaggedEvent');
    r.skip(4, 'taggedEventID');
    return leadingText(r.bytesOf(r.u32('taggedEventDataSize'), 'taggedEventData'));
  });
}

function describe(e: TcgEvent): string | undefined {
  switch (e.type) {
    case EV.EFI_VARIABLE_DRIVER_CONFIG:
    case EV.EFI_VARIABLE_BOOT:
    case EV.EFI_VARIABLE_BOOT2:
    case EV.EFI_VARIABLE_AUTHORITY:
      return readUefiVariable(e.data)?.name;
    case EV.EFI_BOOT_SERVICES_APPLICATION:
    case EV.EFI_BOOT_SERVICES_DRIVER:
    case EV.EFI_RUNTIME_SERVICES_DRIVER:
      return readImageLoad(e.data)?.path;
    case EV.EFI_PLATFORM_FIRMWARE_BLOB2:
      return readBlob(e)?.description;
    case EV.EFI_HANDOFF_TABLES2:
      return handoffDescription(e);
    case EV.EVENT_TAG:
      return eventTag(e);
    default:
      return leadingText(e.data);
  }
}

/** Decodes the events of a CC event log whose SHA-384 replay matched the quote's RTMRs. */
export async function decodeCcEvents(events: readonly TcgEvent[]): Promise<TdxEventLogDecoded> {
  const out: TdxEventLogDecoded = {
    events: [],
    firmwareVolumes: [],
    acpiTables: [],
    handoffTables: [],
    secureBootVariables: {},
    bootVariables: [],
    bootApplications: [],
    loadedFiles: [],
    taggedEvents: [],
    kernelCommandLines: [],
  };
  for (const e of events) {
    if (e.type === EV.NO_ACTION) continue;
    const d = toHex(e.digests.get('sha384')!);
    const rtmr = e.pcr - 1;
    const description = describe(e);
    const dataVerified = (await sha384Hex(e.data)) === d;
    out.events.push({ index: e.index, rtmr, type: eventTypeName(e.type), digest: d, ...(description !== undefined ? { description } : {}), dataVerified });
    switch (e.type) {
      case EV.EFI_PLATFORM_FIRMWARE_BLOB:
      case EV.EFI_PLATFORM_FIRMWARE_BLOB2: {
        const blob = readBlob(e);
        if (blob) out.firmwareVolumes.push({ rtmr, ...blob, digest: d });
        break;
      }
      case EV.PLATFORM_CONFIG_FLAGS:
        if (description === 'ACPI DATA') out.acpiTables.push({ rtmr, digest: d });
        break;
      case EV.EFI_HANDOFF_TABLES:
      case EV.EFI_HANDOFF_TABLES2:
        out.handoffTables.push({ rtmr, ...(description !== undefined ? { description } : {}), digest: d });
        break;
      case EV.EFI_VARIABLE_DRIVER_CONFIG: {
        const v = readUefiVariable(e.data);
        if (!v) break;
        const global = v.guid === EFI_GLOBAL_VARIABLE;
        const database = v.guid === EFI_IMAGE_SECURITY_DATABASE;
        // The configuration is the data hashed into the digest; a description that is not is ignored.
        if (!dataVerified) break;
        if (global && v.name === 'SecureBoot') out.secureBoot ??= v.data.length === 1 && v.data[0] === 1;
        const key = global && v.name === 'PK' ? 'pk' : global && v.name === 'KEK' ? 'kek' : database && v.name === 'db' ? 'db' : database && v.name === 'dbx' ? 'dbx' : undefined;
        if (key) out.secureBootVariables[key] = toHex(await digest('SHA-256', v.data));
        break;
      }
      case EV.EFI_VARIABLE_BOOT:
      case EV.EFI_VARIABLE_BOOT2: {
        const v = readUefiVariable(e.data);
        if (v) out.bootVariables.push({ name: v.name, guid: v.guid, digest: d });
        break;
      }
      case EV.EFI_BOOT_SERVICES_APPLICATION:
        out.bootApplications.push({ digest: d, ...(description !== undefined ? { path: description } : {}) });
        break;
      case EV.EVENT_TAG:
        if (description !== undefined) out.taggedEvents.push({ tag: description, digest: d });
        break;
      case EV.IPL: {
        if (description?.startsWith('/') || description?.startsWith('(')) out.loadedFiles.push({ path: description, digest: d });
        if (!description?.startsWith(GRUB_CMDLINE)) break;
        // GRUB logs "kernel_cmdline: <line>" but measures the line alone, without the prefix or a NUL.
        const end = e.data[e.data.length - 1] === 0 ? e.data.length - 1 : e.data.length;
        const line = e.data.subarray(GRUB_CMDLINE.length, end);
        if ((await sha384Hex(line)) === d) out.kernelCommandLines.push(fromUtf8(line));
        break;
      }
    }
  }
  return out;
}

/** `TdxDetails.eventLog`: the replay, then the decoded claims. */
export interface TdxEventLogClaims extends TdxEventLogDecoded {
  /** Events that extend an RTMR (EV_NO_ACTION excluded). */
  eventCount: number;
  /** The RTMRs whose replay equals the quote's value: always all four when the claims exist. */
  replayed: number[];
  /** The CCEL ACPI table, when it was given. */
  table?: CcelTable;
}
