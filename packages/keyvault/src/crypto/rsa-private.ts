/**
 * The RSA private-key operation of a signature, on input already encoded (rsa-signature.ts):
 * the one slow step (about 0.3 ms for RSA-2048), which node:crypto offers only synchronously for
 * a digest signed as is. A caller passes its own RsaPrivateOperation to run it elsewhere (the
 * server's threads, rsa-threads/); rsaPrivateInline runs it here.
 */
import { constants, privateEncrypt, type KeyObject } from 'node:crypto';

/** `pkcs1`: the operation adds PKCS#1 v1.5 type-1 padding; `none`: `data` is the whole encoded message. */
export type RsaPadding = 'pkcs1' | 'none';

export interface RsaPrivateInput {
  padding: RsaPadding;
  data: Uint8Array;
}

/** Runs the private operation of `key` (an RSA private key object) over `input`. */
export type RsaPrivateOperation = (key: KeyObject, input: RsaPrivateInput) => Promise<Uint8Array>;

const PADDING: Record<RsaPadding, number> = { pkcs1: constants.RSA_PKCS1_PADDING, none: constants.RSA_NO_PADDING };

/** The private operation on this thread. */
export function rsaPrivateEncrypt(key: KeyObject, input: RsaPrivateInput): Buffer {
  return privateEncrypt({ key, padding: PADDING[input.padding] }, input.data);
}

/** The private operation on this thread, as an RsaPrivateOperation. */
export const rsaPrivateInline: RsaPrivateOperation = async (key, input) => rsaPrivateEncrypt(key, input);
