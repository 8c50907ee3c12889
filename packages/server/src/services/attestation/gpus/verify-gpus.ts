/**
 * One token for a CPU TEE and its GPUs: every GPU (or NVSwitch) report must be signed over the
 * nonce the verified CPU evidence carries in its report data bytes 32-63, so the TEE vouches that
 * it asked these devices, with a nonce of its own, while the first 32 bytes keep MAA's runtimeData
 * binding. The set passes only when every device does.
 */
import { fromHex } from '@confide/core';
import { verifyNvidiaEvidenceList, type Claims, type NvidiaClaims, type NvidiaEvidence, type VerifyContext } from '@confide/evidence';
import { ServerError } from '../../../errors/index.js';
import type { AttestationType } from '../types.js';

/** The endpoints whose evidence may come with GPUs: the confidential VMs a GPU is passed through to, and simulated VMs (dev). */
export const GPU_HOST_TYPES: ReadonlySet<AttestationType> = new Set(['SevSnpVm', 'TdxVm', 'Simulated']);

/** Report data bytes [32, 64): the GPUs' request nonce. */
const GPU_NONCE = [32, 64] as const;

/**
 * Verifies the devices against the CPU evidence's nonce, with the CPU verification's context (clock,
 * roots, crypto). Throws ERR_EVIDENCE_BINDING_MISMATCH (a device signed another nonce), and the first
 * failing device's code with details.index.
 */
export async function verifyGpus(devices: readonly NvidiaEvidence[], cpu: Claims, ctx: VerifyContext): Promise<NvidiaClaims[]> {
  const reportData = fromHex(cpu.reportData);
  if (reportData.length < GPU_NONCE[1]) {
    throw new ServerError('ERR_EVIDENCE_BINDING_MISMATCH', 'the CPU evidence has no report data bytes 32-63 to carry the GPU nonce', { details: { field: 'gpuEvidence' } });
  }
  const { expectedReportData: _cpuBinding, ...shared } = ctx;
  return verifyNvidiaEvidenceList(devices, { ...shared, expectedNonce: reportData.subarray(...GPU_NONCE) });
}
