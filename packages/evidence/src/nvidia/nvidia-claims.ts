/**
 * The shape of `NvidiaClaims.nvidia`, apart from the code that builds it: the claims union
 * (../claims.ts) names it, and the builder (./claims.ts) needs that union, so one file holding
 * both sides would make the two import each other.
 */
import type { NvidiaOpaqueClaims } from './opaque-data.js';

export interface NvidiaMeasurementBlockClaims {
  index: number;
  /** DMTFSpecMeasurementValueType bits 0-6 and their DSP0274 name where it has one. */
  valueType: number;
  valueTypeName?: string;
  /** True when the value is the raw bit stream rather than a digest. */
  rawBitStream: boolean;
  /** Lower-case hex. */
  value: string;
}

/** `NvidiaClaims.nvidia`: the report, its measurements and NVIDIA's opaque data, decoded. */
export interface NvidiaDetails extends NvidiaOpaqueClaims {
  /** What the device is, from its authenticated leaf certificate: GH100 leaves are GPUs, LS_10 leaves NVSwitches. */
  device: 'gpu' | 'nvswitch' | 'unknown';
  /** The leaf certificate's CN, e.g. "GH100 A01 GSP FMC LF". */
  leafSubject: string;
  /** "1.1". */
  spdmVersion: string;
  slotId: number;
  /** The request's measurement operation (255: all). */
  measurementOperation: number;
  /** The device's nonce from the response, hex. */
  responseNonce: string;
  /** Measurement value by index (1-based, as in NVIDIA's RIMs), hex. */
  measurements: Record<string, string>;
  measurementBlocks: NvidiaMeasurementBlockClaims[];
}
