/**
 * Locates the real-hardware vectors (third-party data, never copied into the project), as
 * packages/evidence/test/vectors.ts does: CONFIDE_VECTORS points elsewhere; default
 * `../shared/vectors` beside the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/interop -> the repository root.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');

export const vectorsDir: string = process.env['CONFIDE_VECTORS'] ?? join(repoRoot, '..', 'shared', 'vectors');

/** Undefined when the vectors are present; otherwise the reason to pass as `skip` to node:test. */
export const vectorsMissing: string | undefined = existsSync(join(vectorsDir, 'README.md'))
  ? undefined
  : `real hardware vectors not found at ${vectorsDir} (set CONFIDE_VECTORS); skipping the MAA interop tests on real quotes`;

if (vectorsMissing) console.log(`# ${vectorsMissing}`);

/** The absolute path of a vector file. */
export function vectorPath(path: string): string {
  return join(vectorsDir, path);
}

/** Reads a vector file as bytes. */
export function vector(path: string): Buffer {
  return readFileSync(vectorPath(path));
}

/** The Phala dcap-qvl SGX quote ("Hello, world!" report data) and its dcap-qvl collateral. */
export const PHALA_QUOTE = 'sgx/phala-dcap-qvl/sgx_quote';
export const PHALA_COLLATERAL = 'sgx/phala-dcap-qvl/sgx_quote_collateral.json';
/** An Azure sample MAA request: an OE-wrapped SGX quote and its EnclaveHeldData, and the 2023 collateral of its platform. */
export const AZURE_SAMPLE_REQUEST = 'azure/azure-samples-maa/maa-uks-2020.post.attest.body.json';
export const MOBILECOIN_COLLATERAL = 'sgx/mobilecoin-attestation/collateral_dcap_qvl_format_2023_07_12.json';
