/**
 * MarbleRun's two activation messages in protobuf's wire format (edgelesssys/marblerun
 * coordinator/rpc/coordinator.proto): only these two, so they are encoded here rather than
 * through a generated or reflective codec.
 *
 *   message ActivationReq  { bytes Quote = 1; bytes CSR = 2; string MarbleType = 3; string UUID = 4; }
 *   message ActivationResp { Parameters Parameters = 1; }
 *   message Parameters     { map<string, bytes> Files = 1; map<string, bytes> Env = 2; repeated string Argv = 3; }
 *
 * A map field is a repeated entry message { key = 1; value = 2 } (protobuf encoding guide, "Maps").
 */
import { concatBytes, utf8 } from '@confide/core';
import { ServerError } from '../errors/index.js';

export interface ActivationReq {
  quote: Uint8Array;
  csr: Uint8Array;
  marbleType: string;
  uuid: string;
}

export interface ActivationResp {
  files: Record<string, Uint8Array>;
  env: Record<string, Uint8Array>;
  argv: readonly string[];
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const WIRE_FIXED32 = 5;
const text = new TextDecoder('utf-8', { fatal: true });

function malformed(message: string): ServerError {
  return new ServerError('ERR_VALIDATION', `ActivationReq: ${message}`, { details: { field: 'ActivationReq' } });
}

/** Reads one varint at `at`; returns the value and the offset after it. */
function readVarint(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < bytes.length && i < at + 10; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    if ((b & 0x80) === 0) {
      if (!Number.isSafeInteger(value)) throw malformed('a varint is out of range');
      return [value, i + 1];
    }
    scale *= 128;
  }
  throw malformed('truncated varint');
}

/** Decodes ActivationReq; unknown fields are skipped, and the last occurrence of a field wins (proto3). Throws ERR_VALIDATION. */
export function decodeActivationReq(bytes: Uint8Array): ActivationReq {
  const out: ActivationReq = { quote: new Uint8Array(0), csr: new Uint8Array(0), marbleType: '', uuid: '' };
  let at = 0;
  while (at < bytes.length) {
    const [key, next] = readVarint(bytes, at);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    at = next;
    if (wire === WIRE_VARINT) [, at] = readVarint(bytes, at);
    else if (wire === WIRE_FIXED64) at += 8;
    else if (wire === WIRE_FIXED32) at += 4;
    else if (wire === WIRE_LENGTH) {
      const [length, start] = readVarint(bytes, at);
      at = start + length;
      if (at > bytes.length) throw malformed(`field ${field} runs past the end`);
      const value = bytes.subarray(start, at);
      if ((field === 3 || field === 4) && !isUtf8(value)) throw malformed(`field ${field === 3 ? 'MarbleType' : 'UUID'} is not valid UTF-8`);
      if (field === 1) out.quote = value;
      else if (field === 2) out.csr = value;
      else if (field === 3) out.marbleType = text.decode(value);
      else if (field === 4) out.uuid = text.decode(value);
    } else throw malformed(`wire type ${wire} is not supported`);
    if (at > bytes.length) throw malformed('truncated field');
  }
  return out;
}

function isUtf8(bytes: Uint8Array): boolean {
  try {
    text.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function varint(n: number): Uint8Array {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Uint8Array.from(out);
}

/** A length-delimited field. */
function lengthField(field: number, value: Uint8Array): Uint8Array {
  return concatBytes(varint(field * 8 + WIRE_LENGTH), varint(value.length), value);
}

function mapEntries(field: number, map: Record<string, Uint8Array>): Uint8Array[] {
  return Object.entries(map).map(([k, v]) => lengthField(field, concatBytes(lengthField(1, utf8(k)), lengthField(2, v))));
}

/** Encodes ActivationResp. */
export function encodeActivationResp(resp: ActivationResp): Uint8Array {
  const parameters = concatBytes(...mapEntries(1, resp.files), ...mapEntries(2, resp.env), ...resp.argv.map((a) => lengthField(3, utf8(a))));
  return lengthField(1, parameters);
}
