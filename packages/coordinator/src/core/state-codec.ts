/**
 * The coordinator state travels through the sealed store as JSON bytes. Byte fields (keys, root
 * secrets, generated secret values) become {"$bytes": "<base64>"} so every module can keep its
 * natural Uint8Array types without a codec of its own.
 */
import { fromBase64, toBase64, utf8 } from '@confide/core';
import { CoordinatorError } from '../errors.js';

const BYTES = '$bytes';

function replacer(this: unknown, _key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return { [BYTES]: toBase64(value) };
  return value;
}

function reviver(_key: string, value: unknown): unknown {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const text = (value as Record<string, unknown>)[BYTES];
    if (keys.length === 1 && typeof text === 'string') return fromBase64(text);
  }
  return value;
}

/** JSON bytes of a state object. */
export function encodeState(state: unknown): Uint8Array {
  return utf8(JSON.stringify(state, replacer));
}

/** Parses bytes from `encodeState`. Throws ERR_SEAL_UNSEAL_FAILED when they are not such JSON. */
export function decodeState<T>(bytes: Uint8Array): T {
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes), reviver) as T;
  } catch (err) {
    throw new CoordinatorError('ERR_SEAL_UNSEAL_FAILED', 'the unsealed coordinator state is not valid JSON', { cause: err });
  }
}
