/**
 * Builders for /attest/AzureGuest requests: the guest attestation client's AttestationInfo from
 * the Azure vectors' parts, and a whole self-made SEV-SNP CVM (test AMD PKI, own HCL AK and TPM
 * encryption key) for what no vector holds: an encrypted token the test can open.
 */
import { constants, createHash, createPrivateKey, privateDecrypt, webcrypto } from 'node:crypto';
import { parseHclReport, parseVtpmQuoteBincode } from '@confide/evidence';
import { vector, vectorText } from '@confide/test-kit/vectors';
import { forgeReport, issueVek, pattern, productPki, type TestProductPki } from '@confide/test-kit/amd-pki';
import { ALG, BeWriter, encodeQuote, encodeRsaSignature, hash, pcrDigestOf } from '@confide/test-kit/tpm-pki';
import { jwkOf } from '@confide/test-kit/keys';

export const SNP_DIR = 'azure/trustee-az-snp-vtpm';
export const TDX_DIR = 'azure/trustee-az-tdx-vtpm';
export const SNP_AT = new Date(1780272000 * 1000);
export const TDX_AT = new Date(1759172698 * 1000);
export const TDX_COLLATERAL = 'tdx/derived-collateral/tdx_00806f050000_2025-09-29_collateral.json';

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const b64url = (b: Uint8Array | string) => Buffer.from(b).toString('base64url');

export interface TpmInfoParts {
  quote: Uint8Array;
  signature: Uint8Array;
  pcrs: Uint8Array[];
  aikPub?: Uint8Array;
  encKey?: { publicArea: Uint8Array; certifyInfo: Uint8Array; signature: Uint8Array };
}

/** The AttestationInfo JSON (before its base64url), as the clients write it. */
export function attestationInfo(isolation: Record<string, unknown>, tpm: TpmInfoParts, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    AttestationProtocolVersion: '2.0',
    OSType: b64(Buffer.from('Linux')),
    OSDistro: b64(Buffer.from('Ubuntu')),
    OSVersionMajor: '22',
    OSVersionMinor: '4',
    OSBuild: b64(Buffer.from('NotApplication')),
    TcgLogs: '',
    ClientPayload: b64(Buffer.from('{"nonce":"rp"}')),
    TpmInfo: {
      AikCert: '',
      ...(tpm.aikPub ? { AikPub: b64(tpm.aikPub) } : {}),
      PcrQuote: b64(tpm.quote),
      PcrSignature: b64(tpm.signature),
      PcrSet: tpm.pcrs.map((_, i) => i),
      PCRs: tpm.pcrs.map((d, i) => ({ Index: i, Digest: b64(d) })),
      ...(tpm.encKey ? { EncKeyPub: b64(tpm.encKey.publicArea), EncKeyCertifyInfo: b64(tpm.encKey.certifyInfo), EncKeyCertifyInfoSignature: b64(tpm.encKey.signature) } : {}),
    },
    IsolationInfo: isolation,
    ...extra,
  };
}

export function body(info: Record<string, unknown>): { AttestationInfo: string } {
  return { AttestationInfo: b64url(JSON.stringify(info)) };
}

export function snpIsolation(report: Uint8Array, chainPem: string, runtimeData: Uint8Array): Record<string, unknown> {
  return { Type: 'SevSnp', Evidence: { Proof: b64url(JSON.stringify({ SnpReport: b64url(report), VcekCertChain: b64url(chainPem) })), RunTimeData: b64url(runtimeData) } };
}

function vectorTpm(dir: string): TpmInfoParts {
  const q = parseVtpmQuoteBincode(vector(`${dir}/quote.bin`));
  return { quote: q.message, signature: q.signature, pcrs: q.pcrs };
}

/** The SEV-SNP vector's request: hardware report and runtime data out of the HCL report, the VCEK chain, the vTPM quote. */
export function snpVectorInfo(tpm: Partial<TpmInfoParts> = {}, runtimeData?: Uint8Array): Record<string, unknown> {
  const hcl = parseHclReport(vector(`${SNP_DIR}/hcl-report.bin`));
  return attestationInfo(snpIsolation(hcl.hardwareReport, vectorText(`${SNP_DIR}/vcek.pem`), runtimeData ?? hcl.runtimeData), { ...vectorTpm(SNP_DIR), ...tpm });
}

/** The TDX vector's request: the TD quote and runtime data, the vTPM quote. */
export function tdxVectorInfo(): Record<string, unknown> {
  const hcl = parseHclReport(vector(`${TDX_DIR}/hcl-report.bin`));
  return attestationInfo({ Type: 'Tdx', Evidence: { Proof: b64(vector(`${TDX_DIR}/td-quote.bin`)), RunTimeData: b64url(hcl.runtimeData) } }, vectorTpm(TDX_DIR));
}

const RSA = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' } as const;
const DECRYPT_ATTRS = (1 << 1) | (1 << 4) | (1 << 5) | (1 << 10) | (1 << 17);
const MILAN_TCB = { bootloader: 4, tee: 0, snp: 24, microcode: 219 };

async function rsaPair(): Promise<{ keys: CryptoKeyPair; jwk: JsonWebKey; n: Uint8Array }> {
  const keys = (await webcrypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const jwk = jwkOf(keys.publicKey);
  return { keys, jwk, n: new Uint8Array(Buffer.from(jwk.n!, 'base64url')) };
}

function certifyInfo(name: Uint8Array): Uint8Array {
  return new BeWriter().u32(0xff544347).u16(0x8017).sized(new Uint8Array(34)).sized(new Uint8Array(0)).u64(1n).u32(0).u32(0).u8(1).u64(0n).sized(name).sized(name).done();
}

const pem = (der: Uint8Array) => `-----BEGIN CERTIFICATE-----\n${b64(der).replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;

export interface ForgedCvm {
  pki: TestProductPki;
  info: Record<string, unknown>;
  /** Opens an encrypted token as the vTPM would (RSAES-PKCS1-v1_5 by hand: Node refuses that padding for decryption). */
  decryptInnerKey(wrapped: Uint8Array): Uint8Array;
}

/** A whole SEV-SNP Azure CVM of the test PKI: the runtime data lists its own HCLAkPub; the AK certifies a TPM encryption key. */
export async function forgedCvm(options: { secureBoot?: boolean; vmpl?: number } = {}): Promise<ForgedCvm> {
  const pki = await productPki('Milan');
  const chipId = pattern(64, 0xa0);
  const vek = await issueVek(pki, { keyType: 'vcek', tcb: MILAN_TCB, hwid: chipId });
  const ak = await rsaPair();
  const runtime = new TextEncoder().encode(
    JSON.stringify({
      keys: [{ kid: 'HCLAkPub', key_ops: ['sign'], kty: 'RSA', e: ak.jwk.e, n: ak.jwk.n }],
      'vm-configuration': { 'console-enabled': true, 'secure-boot': options.secureBoot ?? true, 'tpm-enabled': true, vmUniqueId: 'TEST-VM' },
      'user-data': '00'.repeat(64),
    }),
  );
  const reportData = new Uint8Array(64);
  reportData.set(createHash('sha256').update(runtime).digest());
  const report = await forgeReport({ product: 'Milan', tcb: MILAN_TCB, chipId, reportData, vmpl: options.vmpl ?? 0 }, vek);
  const pcrs = Array.from({ length: 8 }, (_, i) => pattern(32, i));
  const quote = encodeQuote({ extraData: new Uint8Array(0), selection: [{ alg: ALG.SHA256, pcrs: pcrs.map((_, i) => i) }], pcrDigest: await pcrDigestOf(ALG.SHA256, pcrs) });
  const sign = async (b: Uint8Array) => new Uint8Array(await webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', ak.keys.privateKey, b));
  const enc = await rsaPair();
  const tpmt = new BeWriter().u16(ALG.RSA).u16(ALG.SHA256).u32(DECRYPT_ATTRS).sized(new Uint8Array(32)).u16(ALG.NULL).u16(ALG.NULL).u16(2048).u32(0).sized(enc.n).done();
  const publicArea = new BeWriter().sized(tpmt).done();
  const info = certifyInfo(new Uint8Array([0x00, 0x0b, ...(await hash(ALG.SHA256, tpmt))]));
  const chain = [vek.der, pki.ask.der, pki.ark.der].map(pem).join('');
  const encPrivate = createPrivateKey({ key: jwkOf(enc.keys.privateKey) as never, format: 'jwk' });
  return {
    pki,
    info: attestationInfo(snpIsolation(report, chain, runtime), {
      quote,
      signature: encodeRsaSignature(ALG.RSASSA, ALG.SHA256, await sign(quote)),
      pcrs,
      encKey: { publicArea, certifyInfo: info, signature: await sign(info) },
    }),
    decryptInnerKey(wrapped) {
      const em = privateDecrypt({ key: encPrivate, padding: constants.RSA_NO_PADDING }, wrapped);
      // EM = 0x00 || 0x02 || nonzero padding || 0x00 || message (RFC 8017, 7.2.2)
      if (em[0] !== 0 || em[1] !== 2) throw new Error('not PKCS#1 v1.5 encryption padding');
      return new Uint8Array(em.subarray(em.indexOf(0, 2) + 1));
    },
  };
}
