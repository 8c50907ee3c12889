/**
 * The work verifying Azure CVM evidence (SEV-SNP) needs at the least: the three SEV-SNP checks
 * (report by the VCEK, VCEK by the ASK, ASK by the ARK), the vTPM quote's RSASSA-PKCS1/SHA-256
 * signature under HCLAkPub, and two hashes: SHA-256 of the runtime data (report_data[0:32]) and
 * the quote's PCR digest (SHA-256 over the 24 selected PCR values), all issued at once. Parsing,
 * the JSON, the binding comparisons and the claims are ours alone.
 */
import { Buffer } from 'node:buffer';
import { floorImpl } from './floor.mjs';
import { snpChecks } from './snp-floor.mjs';

const subtle = globalThis.crypto.subtle;
const RSASSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };

/**
 * { impl, count, kinds } for `report` (1184 bytes), its DER `vcek`, `askArkPem`, the runtime data
 * (its HCLAkPub JWK is the AK), the TPMS_ATTEST `quote` with its bare `signature`, and `pcrs`.
 */
export async function azureCvmFloor({ report, vcek, askArkPem, runtimeData, quote, signature, pcrs }) {
  const akJwk = JSON.parse(Buffer.from(runtimeData).toString('utf8')).keys.find((k) => k.kid === 'HCLAkPub');
  const checks = [
    ...snpChecks(report, vcek, askArkPem),
    { label: 'vTPM quote by HCLAkPub', kind: 'RSASSA-PKCS1/SHA-256', key: subtle.importKey('jwk', { kty: 'RSA', n: akJwk.n, e: akJwk.e }, RSASSA_SHA256, false, ['verify']), algorithm: RSASSA_SHA256, signature, data: quote },
  ];
  const verify = await floorImpl(checks);
  if (verify.reason) return { impl: { reason: verify.reason } };
  const pcrBytes = Buffer.concat(pcrs);
  const op = async () => {
    await Promise.all([verify.op(), subtle.digest('SHA-256', runtimeData), subtle.digest('SHA-256', pcrBytes)]);
  };
  const kinds = `${checks.length - 1} SEV-SNP checks (ECDSA P-384, 2 × RSA-PSS/SHA-384) + 1 × RSASSA-PKCS1/SHA-256 + 2 SHA-256 (runtime data, PCR digest)`;
  return { impl: { op }, count: checks.length, kinds };
}
