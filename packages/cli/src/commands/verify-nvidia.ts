/**
 * The NVIDIA parts of `confide verify`: the verifier's nonce (`--nonce`), the device chain of a
 * raw report (`--chain`), a PPCIe list of devices verified as one set, and the lines a device's
 * claims add to the summary.
 */
import { readFile } from 'node:fs/promises';
import { fromHex, isConfideError } from '@confide/core';
import { CliError } from '../errors.js';
import { detectEvidence, nvidiaChainFromPem, type NvidiaClaims } from '@confide/evidence';

const NONCE_BYTES = 32;

/** `--nonce`: the 32-byte hex nonce the GPU or NVSwitch was asked to sign. Throws ERR_USAGE. */
export function parseNonce(hex: string | undefined): Uint8Array | undefined {
  if (hex === undefined) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = fromHex(hex.trim());
  } catch {
    throw new CliError('ERR_USAGE', '--nonce: not a hex string');
  }
  if (bytes.length !== NONCE_BYTES) throw new CliError('ERR_USAGE', `--nonce: an SPDM nonce is ${NONCE_BYTES} bytes, got ${bytes.length}`);
  return bytes;
}

/** `--chain`: the device certificate chain (PEM, leaf first) of a raw NVIDIA report. Throws ERR_INPUT_UNREADABLE. */
export async function readDeviceChain(path: string | undefined): Promise<Uint8Array[] | undefined> {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(path, 'latin1');
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `--chain ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  try {
    return nvidiaChainFromPem(text);
  } catch (err) {
    if (isConfideError(err)) throw new CliError('ERR_INPUT_UNREADABLE', `--chain ${path}: not a PEM certificate chain (${err.message})`, { cause: err });
    throw err;
  }
}

/** Summary lines of an NVIDIA device's claims. */
export function nvidiaLines(claims: NvidiaClaims): Array<[string, string | undefined]> {
  const n = claims.nvidia;
  return [
    ['device', `${n.device} (${n.leafSubject})`],
    ['driver', n.driverVersion],
    ['vbios', n.vbiosVersion],
    ['measurements', `${n.measurementBlocks.length} blocks`],
    ['nonce', claims.reportData],
  ];
}

/** Whether the bytes are a list of NVIDIA devices (for `--tee nvidia`, where detection is skipped). */
export function isNvidiaList(evidence: Uint8Array): boolean {
  try {
    return detectEvidence(evidence).format === 'nvidia-evidence-list';
  } catch {
    return false;
  }
}
