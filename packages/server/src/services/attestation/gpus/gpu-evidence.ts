/**
 * The GPUs beside CPU TEE evidence (Confide extension field `gpuEvidence`): NVIDIA's evidence
 * list as its attestation SDK and PPCIe tools write it (`[{"evidence", "certificate", "arch", ...}]`),
 * or the body NVIDIA's remote attestation service (NRAS) takes (`{"nonce", "arch", "evidence_list": [...]}`).
 * The entries' own `nonce` fields are not signed and are not read: the binding to the CPU evidence decides.
 */
import { assertJsonDepth, isConfideError, restate } from '@confide/core';
import { MAX_NVIDIA_DEVICES, nvidiaEvidenceFromEntry, type NvidiaEvidence } from '@confide/evidence';
import { ServerError } from '../../../errors/index.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function malformed(message: string): never {
  throw new ServerError('ERR_EVIDENCE_MALFORMED', `gpuEvidence: ${message}`, { details: { field: 'gpuEvidence' } });
}

/** Parses every device of `gpuEvidence`. Throws ERR_EVIDENCE_MALFORMED (details.index names an entry), ERR_EVIDENCE_UNSUPPORTED. */
export function parseGpuEvidence(bytes: Uint8Array): NvidiaEvidence[] {
  let value: unknown;
  try {
    value = JSON.parse(UTF8.decode(bytes));
    assertJsonDepth(value, 'json.maxDepth', 'gpuEvidence');
  } catch {
    malformed('not UTF-8 JSON of bounded depth');
  }
  const list = Array.isArray(value) ? value : (value as { evidence_list?: unknown } | null)?.evidence_list;
  if (!Array.isArray(list) || list.length === 0) malformed('neither a non-empty list of NVIDIA evidence entries nor an object with a non-empty "evidence_list"');
  if (list.length > MAX_NVIDIA_DEVICES) malformed(`${list.length} devices, at most ${MAX_NVIDIA_DEVICES}`);
  return list.map((entry, index) => {
    try {
      return nvidiaEvidenceFromEntry(entry, `gpuEvidence entry ${index}: `);
    } catch (err) {
      throw isConfideError(err) ? restate(err, err.message, { ...(err.details ?? {}), field: 'gpuEvidence', index }) : err;
    }
  });
}
