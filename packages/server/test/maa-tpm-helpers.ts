/** TPM evidence for the /attest/Tpm tests: the GCE COS 85 vectors (../shared/vectors/tpm, README "TPM 2.0") as Confide's TPM evidence JSON, and forged quotes. */
import { createHash, webcrypto } from 'node:crypto';
import { at, vector, vectorText } from '@confide/test-kit/vectors';
import { ALG, encodeQuote, encodeRsaSignature, pcrDigestOf, rsaTpmtPublic } from '@confide/test-kit/tpm-pki';
import { b64url } from './maa-helpers.js';

/** 2026-06-01: inside the GCE AK certificate's validity (2021-08-31 to 2051). */
export const TPM_AT = at(1780272000);
export const GCE_DIR = 'tpm/google-go-tpm-tools';
export const GCE_ROOT = `${GCE_DIR}/tpm_ek_root_1.cer`;
const GCE_INTERMEDIATE = `${GCE_DIR}/tpm_ek_intermediate_2.crt`;

export interface TpmJson {
  quotes: Array<{ quote: string; signature: string }>;
  ak: string;
  pcrs: Record<string, Record<string, string>>;
  eventLog?: string;
  akCertificates?: string[];
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/** The GCE attestation as Confide's TPM evidence JSON document's `tpm` member. */
export function gceTpm(name: 'no-nonce' | 'nonce9009', withChain = true): TpmJson {
  const dir = `${GCE_DIR}/decoded-gce-cos-85-${name}`;
  const decoded = JSON.parse(vectorText(`${dir}/decoded.json`)) as { quotes: Array<{ hash_alg: string; tpms_attest: string; tpmt_signature: string; pcrs: Record<string, string> }> };
  return {
    quotes: decoded.quotes.map((q) => ({ quote: b64(vector(`${dir}/${q.tpms_attest}`)), signature: b64(vector(`${dir}/${q.tpmt_signature}`)) })),
    ak: b64(vector(`${dir}/ak_pub.tpm2b_public_area.bin`)),
    pcrs: Object.fromEntries(decoded.quotes.map((q) => [q.hash_alg, q.pcrs])),
    eventLog: b64(vector(`${dir}/event_log.bin`)),
    ...(withChain ? { akCertificates: [b64(vector(`${dir}/ak_cert.der`)), b64(vector(GCE_INTERMEDIATE))] } : {}),
  };
}

/** The `report` field of an /attest/Tpm body. */
export function tpmReport(tpm: TpmJson): string {
  return b64url(JSON.stringify({ tpm }));
}

/** A quote over PCR 0-1 (SHA-256) with `extraData`, signed by a fresh RSA AK that no CA certified. */
export async function forgedTpm(extraData: Uint8Array): Promise<TpmJson> {
  const { publicKey, privateKey } = await webcrypto.subtle.generateKey(
    { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    true,
    ['sign', 'verify'],
  );
  const pcrs = [new Uint8Array(32).fill(1), new Uint8Array(32).fill(2)];
  const quote = encodeQuote({ extraData, selection: [{ alg: ALG.SHA256, pcrs: [0, 1] }], pcrDigest: await pcrDigestOf(ALG.SHA256, pcrs) });
  const sig = new Uint8Array(await webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', privateKey, quote));
  return {
    quotes: [{ quote: b64(quote), signature: b64(encodeRsaSignature(ALG.RSASSA, ALG.SHA256, sig)) }],
    ak: b64(await rsaTpmtPublic(publicKey)),
    pcrs: { sha256: { '0': Buffer.from(pcrs[0]!).toString('hex'), '1': Buffer.from(pcrs[1]!).toString('hex') } },
  };
}

export const sha256 = (data: Uint8Array | string): Uint8Array => new Uint8Array(createHash('sha256').update(data).digest());
