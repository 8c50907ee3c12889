/** Decoding a File or Env `Data` as Go's manifest decoder does (base64.StdEncoding, hex). */
import { fromBase64, fromHex } from '@confide/core';
import type { FileEncoding, ManifestFile } from './types.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HEX = /^(?:[0-9a-fA-F]{2})*$/;

/** The encoding name, lower-cased as Go compares it; '' means string. Undefined when unknown. */
export function normalizeEncoding(encoding: string): FileEncoding | undefined {
  const e = encoding.toLowerCase();
  if (e === '' || e === 'string') return 'string';
  if (e === 'base64' || e === 'hex') return e;
  return undefined;
}

/** The decoded bytes, or undefined when `data` is not valid for `encoding`. Go's base64 skips CR and LF. */
export function decodeFileData(data: string, encoding: FileEncoding): Uint8Array | undefined {
  if (encoding === 'string') return new TextEncoder().encode(data);
  if (encoding === 'hex') return HEX.test(data) ? fromHex(data) : undefined;
  const compact = data.replace(/[\r\n]/g, '');
  return BASE64.test(compact) ? fromBase64(compact) : undefined;
}

/** The bytes a marble receives for this file or variable (before templates). Throws TypeError on undecodable data, which a parsed manifest never has. */
export function fileBytes(file: ManifestFile): Uint8Array {
  const bytes = decodeFileData(file.Data, file.Encoding);
  if (bytes === undefined) throw new TypeError(`file data is not valid ${file.Encoding}`);
  return bytes;
}
