/**
 * SEV-SNP sealing keys: the guest asks its firmware for a key derived from the chip's VCEK and
 * the guest fields it selects (MSG_KEY_REQ / MSG_KEY_RSP in AMD's SEV-SNP firmware ABI), through
 * the SNP_GET_DERIVED_KEY ioctl on /dev/sev-guest (Linux uapi <linux/sev-guest.h>). The same
 * guest on the same chip gets the same key back; another launch measurement, policy or image
 * family does not. Node.js cannot issue an ioctl, so native/sev-guest.c does, built at install.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LauncherError } from '../errors.js';

/** GUEST_FIELD_SELECT bits: what the firmware mixes into the key. */
export const GUEST_FIELD = {
  policy: 1n << 0n,
  imageId: 1n << 1n,
  familyId: 1n << 2n,
  measurement: 1n << 3n,
  guestSvn: 1n << 4n,
  tcbVersion: 1n << 5n,
} as const;

export interface SnpKeyRequest {
  /** ROOT_KEY_SELECT: the chip's VCEK, or the VM root key of a migrated guest. */
  rootKey: 'vcek' | 'vmrk';
  /** GUEST_FIELD_SELECT, an OR of GUEST_FIELD bits. */
  fields: bigint;
  /** The VMPL mixed into the key; the firmware refuses one below the caller's. */
  vmpl: number;
  /** Mixed in when GUEST_FIELD.guestSvn is selected; at most the guest's own SVN. */
  guestSvn?: number;
  /** Mixed in when GUEST_FIELD.tcbVersion is selected; at most the current TCB. */
  tcbVersion?: bigint;
}

const REQUEST_BYTES = 32;
const RESPONSE_BYTES = 64;
const KEY_OFFSET = 0x20;
const KEY_BYTES = 32;

/** MSG_KEY_REQ as struct snp_derived_key_req lays it out (32 bytes, little-endian). */
export function encodeKeyRequest(request: SnpKeyRequest): Uint8Array {
  const out = new Uint8Array(REQUEST_BYTES);
  const view = new DataView(out.buffer);
  view.setUint32(0, request.rootKey === 'vmrk' ? 1 : 0, true);
  view.setBigUint64(8, request.fields, true);
  view.setUint32(16, request.vmpl, true);
  view.setUint32(20, request.guestSvn ?? 0, true);
  view.setBigUint64(24, request.tcbVersion ?? 0n, true);
  return out;
}

/** MSG_KEY_RSP STATUS values (firmware ABI): anything but 0 gives no key. */
const STATUS: Record<number, string> = { 0x16: 'INVALID_PARAM', 0x27: 'INVALID_KEY' };

/** The 32-byte key of a MSG_KEY_RSP. Throws ERR_TEE_UNAVAILABLE on a non-zero status. */
export function keyFromResponse(response: Uint8Array): Uint8Array {
  if (response.length !== RESPONSE_BYTES) throw new LauncherError('ERR_TEE_UNAVAILABLE', `SNP_GET_DERIVED_KEY answered ${response.length} bytes, not ${RESPONSE_BYTES}`);
  const status = new DataView(response.buffer, response.byteOffset, response.byteLength).getUint32(0, true);
  if (status !== 0) {
    throw new LauncherError('ERR_TEE_UNAVAILABLE', `SNP_GET_DERIVED_KEY: the firmware refused the key request (status 0x${status.toString(16)}${STATUS[status] ? ` ${STATUS[status]}` : ''})`);
  }
  return response.slice(KEY_OFFSET, KEY_OFFSET + KEY_BYTES);
}

/** Issues SNP_GET_DERIVED_KEY on `device` with a 32-byte request; returns the 64-byte response. */
export type DerivedKeyIoctl = (device: string, request: Uint8Array) => Uint8Array;

let loaded: { ioctl: DerivedKeyIoctl | undefined } | undefined;

/** The native helper, or undefined when it was not built (no C compiler at install). */
export function nativeDerivedKeyIoctl(): DerivedKeyIoctl | undefined {
  if (!loaded) {
    try {
      const addon = createRequire(import.meta.url)('../../../build/Release/sev_guest.node') as { derivedKey: DerivedKeyIoctl };
      loaded = { ioctl: addon.derivedKey };
    } catch {
      loaded = { ioctl: undefined };
    }
  }
  return loaded.ioctl;
}

/** Why `device` cannot give keys through `ioctl`, or undefined when it can be asked. */
export function snpKeyUnavailable(device: string, ioctl: DerivedKeyIoctl | undefined): string | undefined {
  if (!ioctl) return 'the SNP_GET_DERIVED_KEY helper (packages/launcher/native/sev-guest.c) was not built at install: it needs a C compiler and node-gyp';
  if (!existsSync(device)) return `${device} does not exist (an SEV-SNP guest with the sev-guest driver has it)`;
  return undefined;
}

/** The firmware's key for `request` from `device` through `ioctl` (nativeDerivedKeyIoctl()). Throws ERR_TEE_UNAVAILABLE naming what failed. */
export function snpDerivedKey(request: SnpKeyRequest, device: string, ioctl: DerivedKeyIoctl | undefined): Uint8Array {
  const why = snpKeyUnavailable(device, ioctl);
  if (why !== undefined) throw new LauncherError('ERR_TEE_UNAVAILABLE', `SEV-SNP derived key: ${why}`);
  let response: Uint8Array;
  try {
    response = ioctl!(device, encodeKeyRequest(request));
  } catch (err) {
    const e = err as Error & { code?: string; fwError?: number; vmmError?: number };
    const firmware = e.fwError !== undefined && e.fwError !== 0 && e.fwError !== 0xffffffff ? ` (firmware error 0x${e.fwError.toString(16)})` : '';
    throw new LauncherError('ERR_TEE_UNAVAILABLE', `SEV-SNP derived key: ${e.message}${firmware}`, { cause: err, details: { errno: e.code ?? null } });
  }
  try {
    return keyFromResponse(response);
  } finally {
    response.fill(0);
  }
}
