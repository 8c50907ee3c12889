/**
 * TCB_VERSION decoding. The 8 bytes are laid out per product (AMD 56860, "TCB_VERSION
 * Structure"; AMD 57230 tables for family 19h and 1Ah): Milan and Genoa put the bootloader in
 * byte 0, the TEE in 1, SNP in 6 and microcode in 7; Turin adds the FMC in byte 0 and moves
 * bootloader, TEE and SNP to bytes 1, 2 and 3, microcode staying in byte 7.
 */
import { fromHex, toHex } from '@confide/core';
import { EvidenceError } from '../errors.js';
import type { AmdProduct } from '../collateral/types.js';

export interface SnpTcb {
  /** The 8 bytes as they appear in the report, lower-case hex. */
  raw: string;
  /** Turin only. */
  fmc?: number;
  bootloader: number;
  tee: number;
  snp: number;
  microcode: number;
}

/** Byte index of each TCB component, by product. */
export const TCB_LAYOUT: Readonly<Record<AmdProduct, Readonly<Partial<Record<'fmc' | 'bootloader' | 'tee' | 'snp' | 'microcode', number>>>>> = {
  Milan: { bootloader: 0, tee: 1, snp: 6, microcode: 7 },
  Genoa: { bootloader: 0, tee: 1, snp: 6, microcode: 7 },
  Turin: { fmc: 0, bootloader: 1, tee: 2, snp: 3, microcode: 7 },
};

/** Decodes a TCB_VERSION for `product`. */
export function decodeTcb(bytes: Uint8Array, product: AmdProduct): SnpTcb {
  const layout = TCB_LAYOUT[product];
  const component = (index: number | undefined): number => bytes[index ?? 0]!;
  return {
    raw: toHex(bytes),
    ...(layout.fmc !== undefined ? { fmc: component(layout.fmc) } : {}),
    bootloader: component(layout.bootloader),
    tee: component(layout.tee),
    snp: component(layout.snp),
    microcode: component(layout.microcode),
  };
}

/** Decodes a TCB_VERSION given as hex (a collateral request's). Throws ERR_EVIDENCE_MALFORMED when it is not 8 bytes. */
export function decodeTcbHex(hex: string, product: AmdProduct): SnpTcb {
  const bytes = fromHex(hex);
  if (bytes.length !== 8) throw new EvidenceError('ERR_EVIDENCE_MALFORMED', `a reported TCB is ${bytes.length} bytes, expected 8`);
  return decodeTcb(bytes, product);
}
