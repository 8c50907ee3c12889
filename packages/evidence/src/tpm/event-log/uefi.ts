/**
 * The UEFI structures inside event data (TCG PC Client Platform Firmware Profile, section 10.4
 * "Event Data"; UEFI Specification, section 10 "Device Path Protocol"). Event data is described
 * by the firmware, not checked by the TPM: these readers return undefined for data that does not
 * follow the structure instead of refusing the log.
 */
import { isConfideError, toHex } from '@confide/core';
import { BinaryReader } from '../../binary-reader.js';

/** EFI_GLOBAL_VARIABLE (SecureBoot, PK, KEK, Boot####) and EFI_IMAGE_SECURITY_DATABASE_GUID (db, dbx). */
export const EFI_GLOBAL_VARIABLE = '8be4df61-93ca-11d2-aa0d-00e098032b8c';
export const EFI_IMAGE_SECURITY_DATABASE = 'd719b2cb-3d3a-4596-a3bc-dad00e67656f';

/** The largest variable name or device path read (far above any real one). */
const MAX_NAME_CHARS = 1024;

/** UEFI_VARIABLE_DATA. */
export interface UefiVariable {
  guid: string;
  name: string;
  data: Uint8Array;
}

/** UEFI_IMAGE_LOAD_EVENT. */
export interface UefiImageLoad {
  /** File path nodes of the device path joined ("\EFI\BOOT\BOOTX64.EFI"), when it has any. */
  path: string | undefined;
}

/** The byte order of a GUID's registry form: the first three fields are little-endian, the rest as stored. */
const GUID_ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];

/** The GUID's bytes in registry order, rewritten by each guidText call before it returns. */
const registryOrder = new Uint8Array(GUID_ORDER.length);

/** A GUID in its registry form ("8be4df61-93ca-11d2-aa0d-00e098032b8c"). */
export function guidText(b: Uint8Array): string {
  // A loop, not Uint8Array.from with a mapping function, which costs several times more in V8.
  for (let i = 0; i < GUID_ORDER.length; i++) registryOrder[i] = b[GUID_ORDER[i]!]!;
  const hex = toHex(registryOrder);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** UTF-16LE text up to its first NUL. */
export function utf16(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i + 1 < b.length; i += 2) {
    const c = b[i]! | (b[i + 1]! << 8);
    if (c === 0) break;
    out += String.fromCharCode(c);
  }
  return out;
}

/** The value `read` returns, or undefined when it throws a ConfideError (data that is not the structure). */
export function lenient<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if (isConfideError(err)) return undefined;
    throw err;
  }
}

function u64Small(r: BinaryReader, field: string, max: number): number | undefined {
  const v = r.u64(field);
  return v > BigInt(max) ? undefined : Number(v);
}

/** UEFI_VARIABLE_DATA (PFP 10.4.4), or undefined when the data is not one. */
export function readUefiVariable(data: Uint8Array): UefiVariable | undefined {
  return lenient(() => {
    const r = new BinaryReader(data, 'UEFI_VARIABLE_DATA');
    const guid = guidText(r.bytesOf(16, 'VariableName'));
    const nameChars = u64Small(r, 'UnicodeNameLength', MAX_NAME_CHARS);
    const dataLength = u64Small(r, 'VariableDataLength', data.length);
    if (nameChars === undefined || dataLength === undefined) return undefined;
    const name = utf16(r.bytesOf(nameChars * 2, 'UnicodeName'));
    const value = r.bytesOf(dataLength, 'VariableData');
    return r.remaining === 0 ? { guid, name, data: value } : undefined;
  });
}

/** Device path node types (UEFI 10.3.1): media, end; media subtype 4 is a file path. */
const MEDIA = 4;
const MEDIA_FILE_PATH = 4;
const END = 0x7f;

/** UEFI_IMAGE_LOAD_EVENT (PFP 10.4.3), or undefined when the data is not one. */
export function readImageLoad(data: Uint8Array): UefiImageLoad | undefined {
  return lenient(() => {
    const r = new BinaryReader(data, 'UEFI_IMAGE_LOAD_EVENT');
    r.skip(24, 'image location, length and link-time address');
    const pathBytes = u64Small(r, 'LengthOfDevicePath', r.remaining);
    if (pathBytes === undefined) return undefined;
    const p = new BinaryReader(r.bytesOf(pathBytes, 'DevicePath'), 'device path');
    const files: string[] = [];
    while (p.remaining >= 4) {
      const type = p.u8('node type');
      const subtype = p.u8('node subtype');
      const length = p.u16('node length');
      if (length < 4) return undefined;
      const body = p.bytesOf(length - 4, 'node');
      if (type === END) break;
      if (type === MEDIA && subtype === MEDIA_FILE_PATH) files.push(utf16(body));
    }
    const path = files.length > 0 ? files.join('\\').replace(/\\{2,}/g, '\\') : undefined;
    return { path };
  });
}
