/** The claims of a verified NVIDIA GPU or NVSwitch report. */
import { digest, toHex } from '@confide/core';
import type { NvidiaClaims } from '../claims.js';
import type { NvidiaChain } from './chain.js';
import { DMTF_VALUE_TYPES } from './layout.js';
import type { NvidiaDetails } from './nvidia-claims.js';
import type { NvidiaReport } from './report.js';

function deviceOf(leafCn: string): NvidiaDetails['device'] {
  if (/^GH\d+\b/.test(leafCn)) return 'gpu';
  if (/^LS_?\d+\b/.test(leafCn)) return 'nvswitch';
  return 'unknown';
}

/**
 * The claims of a report whose signature, chain and bindings verified. `measurement` is the
 * SHA-384 of the signed measurement record (every block as the device sent it), one value a
 * policy can pin; the report has no debug flag and no TCB grading (RIMs and OCSP are not
 * consulted), so `debug` is false and `tcbStatus` UpToDate, as for SEV-SNP.
 */
export async function nvidiaClaims(report: NvidiaReport, chain: NvidiaChain, verifiedAt: Date): Promise<NvidiaClaims> {
  const measurements: Record<string, string> = {};
  const measurementBlocks = report.blocks.map((b) => {
    const value = toHex(b.value);
    measurements[String(b.index)] = value;
    const name = DMTF_VALUE_TYPES[b.valueType];
    return { index: b.index, valueType: b.valueType, ...(name ? { valueTypeName: name } : {}), rawBitStream: b.rawBitStream, value };
  });
  return {
    tee: 'nvidia',
    debug: false,
    measurement: toHex(await digest('SHA-384', report.record)),
    reportData: toHex(report.requestNonce),
    tcbStatus: 'UpToDate',
    advisoryIds: [],
    collateralExpired: chain.expired.length > 0,
    expiredCollateral: chain.expired,
    verifiedAt: verifiedAt.toISOString(),
    nvidia: {
      device: deviceOf(chain.leaf.subjectCn),
      leafSubject: chain.leaf.subjectCn,
      spdmVersion: `${report.spdmVersion >> 4}.${report.spdmVersion & 0x0f}`,
      slotId: report.slotId,
      measurementOperation: report.measurementOperation,
      responseNonce: toHex(report.responseNonce),
      measurements,
      measurementBlocks,
      ...report.opaqueDecoded,
    },
  };
}
