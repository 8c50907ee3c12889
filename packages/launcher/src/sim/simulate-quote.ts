/** Simulated evidence signed by the instance's simulation key (dev mode only). */
import { createSimEvidence, type SimEvidenceFields } from '@confide/evidence';
import type { SimulationKey } from './simulation-key.js';

/** Builds and signs simulated evidence with `key`. Throws ERR_USAGE for fields of the wrong size or range. */
export function simulateQuote(key: SimulationKey, fields: SimEvidenceFields): Promise<Uint8Array> {
  return createSimEvidence({ privateKey: key.privateKey, publicKey: key.spki }, fields);
}
