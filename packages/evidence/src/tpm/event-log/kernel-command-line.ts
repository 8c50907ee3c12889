/**
 * The kernel command line as boot loaders measure it:
 *  - GRUB: EV_IPL in PCR 8, logged as "kernel_cmdline: <line>" (ASCII, NUL-terminated); the digest covers the line alone.
 *  - systemd-boot and systemd-stub: EV_IPL in PCR 12 (PCR 8 up to systemd 250), logged as the
 *    line in UTF-16LE; the digest covers the UTF-16LE line without trailing NUL characters
 *    (systemd's docs/TPM2_PCR_MEASUREMENTS.md, "PCR 12, EV_IPL, kernel command line").
 * systemd also logs other EV_IPL events in PCR 12 in UTF-16 ("Credentials initrd", whose digest
 * covers the archive): only the digest check tells a command line from them.
 */
import { EV } from './event-types.js';
import type { TcgEvent } from './parse.js';

const GRUB_CMDLINE = 'kernel_cmdline: ';
const GRUB_PCR = 8;
const SYSTEMD_PCR = 12;
/** systemd 250 and older measured the command line into PCR 8. */
const SYSTEMD_COMPAT_PCR = 8;

/** A command line candidate: the bytes its digest must be the hash of, the text, and who measured it. */
export interface CommandLineEvent {
  hashed: Uint8Array;
  text: () => string;
  /** GRUB's event says it is a command line, so one whose digest differs is a lie; systemd's may be another UTF-16 event. */
  source: 'grub' | 'systemd';
}

const UTF8 = new TextDecoder('utf-8');
const UTF16LE = new TextDecoder('utf-16le');

function startsWithText(data: Uint8Array, text: string): boolean {
  if (data.length < text.length) return false;
  for (let i = 0; i < text.length; i++) if (data[i] !== text.charCodeAt(i)) return false;
  return true;
}

/** The UTF-16LE text without its trailing NUL characters; undefined when the bytes do not look like UTF-16LE text. */
function utf16Line(data: Uint8Array): Uint8Array | undefined {
  if (data.length < 2 || data.length % 2 !== 0) return undefined;
  let end = data.length;
  while (end >= 2 && data[end - 1] === 0 && data[end - 2] === 0) end -= 2;
  if (end === 0) return undefined;
  // An ASCII first character with a zero high byte, and no NUL inside: ASCII descriptions (GRUB's) fail here without hashing.
  if (data[1] !== 0 || data[0]! >= 0x80) return undefined;
  for (let i = 0; i < end; i += 2) if (data[i] === 0 && data[i + 1] === 0) return undefined;
  return data.subarray(0, end);
}

/** The command line an event may carry, and the bytes its digest must cover; undefined for other events. */
export function commandLineOf(e: TcgEvent): CommandLineEvent | undefined {
  if (e.type !== EV.IPL) return undefined;
  if (e.pcr === GRUB_PCR && startsWithText(e.data, GRUB_CMDLINE)) {
    // GRUB logs "kernel_cmdline: <line>" but measures the line alone, without the prefix or a NUL.
    const hashed = e.data.subarray(GRUB_CMDLINE.length, e.data[e.data.length - 1] === 0 ? e.data.length - 1 : e.data.length);
    return { hashed, text: () => UTF8.decode(hashed), source: 'grub' };
  }
  if (e.pcr === SYSTEMD_PCR || e.pcr === SYSTEMD_COMPAT_PCR) {
    const hashed = utf16Line(e.data);
    if (hashed) return { hashed, text: () => UTF16LE.decode(hashed), source: 'systemd' };
  }
  return undefined;
}
