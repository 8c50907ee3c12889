/**
 * TPM evidence that must be refused: single-bit flips in the real GCE quote, its signature, its
 * AK and its PCR values; an event log with one event changed; and self-made quotes (ECDSA,
 * RSAPSS, SHA-384, SPKI and TPM2B_PUBLIC keys) that must verify, with their corrupted twins.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { constants, verify as nodeVerify, webcrypto } from 'node:crypto';
import { fixedClock, isConfideError, toBase64Url, toHex, type ErrorCode } from '@confide/core';
import { emptyCollateral, parseTpmEvidence, verifyTpmEvidence, type RsaPublicKey, type RsaVerifyParams, type TpmEvidenceParts, type VerifyContext } from '../src/index.js';
import { vectorsMissing } from '@confide/test-kit/vectors';
import { findEvent, gceParts, tpmContext } from './tpm-support.js';
import { ALG, encodeEcdsaSignature, encodeQuote, encodeRsaSignature, eccTpmtPublic, pcrDigestOf, rsaTpmtPublic } from '@confide/test-kit/tpm-pki';
import { flipBit } from '@confide/test-kit/amd-pki';
import { signatureStartingWithZero } from '@confide/test-kit/keys';
import { webCryptoPrimitives } from '../src/webcrypto/p256.js';

const ctx: VerifyContext = { clock: fixedClock(new Date('2026-06-01T00:00:00Z')), collateral: emptyCollateral };

async function code(parts: TpmEvidenceParts, context: VerifyContext = tpmContext()): Promise<string> {
  try {
    await verifyTpmEvidence(parseTpmEvidence(parts), context);
    return 'OK';
  } catch (err) {
    assert.ok(isConfideError(err), `not a ConfideError: ${String(err)}`);
    return err.code;
  }
}

async function rejects(promise: Promise<unknown>, want: ErrorCode): Promise<Record<string, unknown> | undefined> {
  let details: Record<string, unknown> | undefined;
  await assert.rejects(promise, (err) => {
    details = (err as { details?: Record<string, unknown> }).details;
    return isConfideError(err, want);
  });
  return details;
}

describe('TPM single-bit flips in the real GCE evidence', { skip: vectorsMissing }, () => {
  const STRUCTURAL: readonly string[] = ['ERR_EVIDENCE_MALFORMED', 'ERR_EVIDENCE_UNSUPPORTED'];

  it('the untouched evidence verifies', async () => {
    assert.equal(await code(gceParts('nonce9009')), 'OK');
  });

  it('every bit of a quote: refused (signature, or the structure where a size or type breaks)', async () => {
    const parts = gceParts('nonce9009');
    const quote = parts.quotes[1]!.quote;
    for (let i = 0; i < quote.length * 8; i++) {
      const flipped = { ...parts, quotes: parts.quotes.map((q, n) => (n === 1 ? { ...q, quote: flipBit(quote, i >> 3, i & 7) } : q)) };
      const got = await code(flipped);
      assert.ok(got === 'ERR_EVIDENCE_SIGNATURE_INVALID' || STRUCTURAL.includes(got), `bit ${i}: ${got}`);
    }
  });

  it('a flip in extraData, the clock or the PCR digest is a bad signature', async () => {
    const parts = gceParts('nonce9009');
    const quote = parts.quotes[0]!.quote;
    // magic 4, type 2, qualifiedSigner 2+34, extraData 2+2 (0x9009), clock at 46, pcrDigest the last 32 bytes.
    for (const offset of [44, 45, 46, 60, quote.length - 1, quote.length - 32]) {
      const flipped = { ...parts, quotes: parts.quotes.map((q, n) => (n === 0 ? { ...q, quote: flipBit(quote, offset) } : q)) };
      assert.equal(await code(flipped), 'ERR_EVIDENCE_SIGNATURE_INVALID', `offset ${offset}`);
    }
  });

  it('every bit of the RSA signature value is a bad signature', async () => {
    const parts = gceParts('no-nonce');
    const sig = parts.quotes[2]!.signature;
    for (let i = 6 * 8; i < sig.length * 8; i += 7) {
      const flipped = { ...parts, quotes: parts.quotes.map((q, n) => (n === 2 ? { ...q, signature: flipBit(sig, i >> 3, i & 7) } : q)) };
      assert.equal(await code(flipped), 'ERR_EVIDENCE_SIGNATURE_INVALID', `bit ${i}`);
    }
    // The header: scheme, hash and size.
    for (let i = 0; i < 6 * 8; i++) {
      const flipped = { ...parts, quotes: parts.quotes.map((q, n) => (n === 2 ? { ...q, signature: flipBit(sig, i >> 3, i & 7) } : q)) };
      assert.notEqual(await code(flipped), 'OK', `bit ${i}`);
    }
  });

  it('every bit of the AK is refused or changes its name; in the modulus it is a bad signature', async () => {
    const parts = gceParts('no-nonce', false);
    const context = tpmContext({ trustAnchors: {} });
    const name = (await verifyTpmEvidence(parseTpmEvidence(parts), context)).tpm.ak.name;
    for (let i = 0; i < parts.ak.length * 8; i += i < 24 * 8 ? 1 : 5) {
      const ak = flipBit(parts.ak, i >> 3, i & 7);
      if (i >= 24 * 8) {
        assert.equal(await code({ ...parts, ak }, context), 'ERR_EVIDENCE_SIGNATURE_INVALID', `bit ${i}`);
        continue;
      }
      // A quote does not sign the AK's attributes: a flip there verifies, under another name
      // (the hash of TPMT_PUBLIC), which a policy pinning the AK name or a certificate tells apart.
      try {
        const claims = await verifyTpmEvidence(parseTpmEvidence({ ...parts, ak }), context);
        assert.notEqual(claims.tpm.ak.name, name, `bit ${i}`);
      } catch (err) {
        assert.ok(isConfideError(err), `bit ${i}: ${String(err)}`);
      }
    }
  });

  it('a flip in any quoted PCR value is a PCR digest mismatch', async () => {
    const parts = gceParts('no-nonce');
    const pcrs = parts.pcrs as Record<string, Record<string, string>>;
    for (const bank of ['sha1', 'sha256', 'sha384']) {
      for (const pcr of ['0', '7', '10', '23']) {
        const value = pcrs[bank]![pcr]!;
        const flipped = (parseInt(value[0]!, 16) ^ 8).toString(16) + value.slice(1);
        const changed = { ...parts, pcrs: { ...pcrs, [bank]: { ...pcrs[bank], [pcr]: flipped } } };
        const details = await rejects(verifyTpmEvidence(parseTpmEvidence(changed), tpmContext()), 'ERR_EVIDENCE_BINDING_MISMATCH');
        assert.equal(details?.['field'], 'pcrDigest', `${bank} PCR ${pcr}`);
      }
    }
  });

  it('a missing PCR value the quote selects is malformed', async () => {
    const parts = gceParts('no-nonce');
    const pcrs = { ...(parts.pcrs as Record<string, Record<string, string>>) };
    const sha256 = { ...pcrs['sha256']! };
    delete sha256['5'];
    await rejects(verifyTpmEvidence(parseTpmEvidence({ ...parts, pcrs: { ...pcrs, sha256 } }), tpmContext()), 'ERR_EVIDENCE_MALFORMED');
  });
});

describe('TPM event log with one event changed', { skip: vectorsMissing }, () => {
  it('a changed digest of a PCR 7 event is refused naming PCR 7', async () => {
    const parts = gceParts('no-nonce');
    const log = parts.eventLog!;
    const { offset } = findEvent(log, 7, 0x80000001, 1); // the PK variable
    // The digests follow pcr, type and count (12 bytes); SHA-1 first (2 + 20), then SHA-256.
    const details = await rejects(verifyTpmEvidence(parseTpmEvidence({ ...parts, eventLog: flipBit(log, offset + 12 + 22 + 2 + 5) }), tpmContext()), 'ERR_EVIDENCE_BINDING_MISMATCH');
    assert.equal(details?.['pcr'], 7);
    assert.equal(details?.['bank'], 'sha256');
    assert.equal(details?.['field'], 'eventLog');
  });

  it('a changed kernel command line event digest is refused naming PCR 8', async () => {
    const parts = gceParts('nonce9009');
    const log = parts.eventLog!;
    const { offset } = findEvent(log, 8, 0xd, 14); // "kernel_cmdline: ..."
    const details = await rejects(verifyTpmEvidence(parseTpmEvidence({ ...parts, eventLog: flipBit(log, offset + 12 + 2) }), tpmContext()), 'ERR_EVIDENCE_BINDING_MISMATCH');
    assert.equal(details?.['pcr'], 8);
    assert.equal(details?.['bank'], 'sha1');
  });

  it('with only the SHA-1 bank quoted, event digests of the other banks are not claims (nothing vouches for them)', async () => {
    const parts = gceParts('no-nonce');
    const sha1Only = { ...parts, quotes: parts.quotes.slice(0, 1) };
    const forged = parts.eventLog!.slice();
    const { offset } = findEvent(forged, 4, 0x80000003, 0);
    forged[offset + 12 + 22 + 2]! ^= 1; // the first boot application's SHA-256 digest: no quote covers that bank
    const log = (await verifyTpmEvidence(parseTpmEvidence({ ...sha1Only, eventLog: forged }), tpmContext())).tpm.eventLog!;
    assert.deepEqual(log.replayed, { sha1: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    assert.deepEqual(Object.keys(log.bootApplications[0]!.digests), ['sha1']);
  });

  it('changed data under an unchanged digest replays, but gives no claim and says it could be injected', async () => {
    const parts = gceParts('no-nonce');
    const log = parts.eventLog!;
    const { dataOffset } = findEvent(log, 7, 0x80000001, 0); // SecureBoot = 1
    const forged = log.slice();
    forged[dataOffset + 52] = 0; // the variable's one data byte
    const claims = await verifyTpmEvidence(parseTpmEvidence({ ...parts, eventLog: forged }), tpmContext());
    const decoded = claims.tpm.eventLog!;
    assert.equal(decoded.secureBoot, undefined);
    assert.equal(decoded.injection.possible, true);
    assert.match(decoded.injection.reasons.join('\n'), /PCR 7, EV_EFI_VARIABLE_DRIVER_CONFIG\) does not describe what its digest covers/);
  });
});

describe('TPM self-made quotes: ECDSA, RSAPSS, SHA-384, SPKI and TPM2B_PUBLIC keys', () => {
  const pcrValues = [0, 1, 2, 3].map((i) => new Uint8Array(32).fill(i + 1));
  const pcrs = { sha256: Object.fromEntries(pcrValues.map((v, i) => [String(i), toHex(v)])) };
  const selection = [{ alg: ALG.SHA256, pcrs: [0, 1, 2, 3] }];
  const nonce = new Uint8Array(32).fill(0xab);

  async function quoteFor(hashAlg: number): Promise<Uint8Array> {
    return encodeQuote({ extraData: nonce, selection, pcrDigest: await pcrDigestOf(hashAlg, pcrValues) });
  }

  it('ECDSA P-256 / SHA-256 with a TPMT_PUBLIC AK', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const quote = await quoteFor(ALG.SHA256);
    const raw = new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, quote));
    const parts: TpmEvidenceParts = { quotes: [{ quote, signature: encodeEcdsaSignature(ALG.SHA256, raw) }], ak: await eccTpmtPublic(keys.publicKey, 0x0003), pcrs };
    const claims = await verifyTpmEvidence(parseTpmEvidence(parts), { ...ctx, expectedNonce: nonce });
    assert.equal(claims.tpm.quotes[0]!.signature, 'ecdsa-sha256');
    assert.equal(claims.tpm.ak.type, 'ecc-p256');
    const r = flipBit(raw, 3);
    assert.equal(await code({ ...parts, quotes: [{ quote, signature: encodeEcdsaSignature(ALG.SHA256, r) }] }, ctx), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    await rejects(verifyTpmEvidence(parseTpmEvidence(parts), { ...ctx, expectedNonce: nonce.subarray(1) }), 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('ECDSA P-384 / SHA-384 with an SPKI AK', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify']);
    const quote = await quoteFor(ALG.SHA384);
    const raw = new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-384' }, keys.privateKey, quote));
    const spki = new Uint8Array(await webcrypto.subtle.exportKey('spki', keys.publicKey));
    const parts: TpmEvidenceParts = { quotes: [{ quote, signature: encodeEcdsaSignature(ALG.SHA384, raw) }], ak: spki, pcrs };
    const claims = await verifyTpmEvidence(parseTpmEvidence(parts), ctx);
    assert.equal(claims.tpm.quotes[0]!.signature, 'ecdsa-sha384');
    assert.equal(claims.tpm.ak.format, 'spki');
    assert.equal(await code({ ...parts, ak: flipBit(spki, spki.length - 3) }, ctx), 'ERR_EVIDENCE_SIGNATURE_INVALID');
  });

  for (const saltCase of ['digest-size salt', 'largest salt'] as const) {
    it(`RSAPSS / SHA-256 (${saltCase}) with a TPM2B_PUBLIC AK`, async () => {
      const keys = await webcrypto.subtle.generateKey({ name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
      const quote = await quoteFor(ALG.SHA256);
      const saltLength = saltCase === 'digest-size salt' ? 32 : 256 - 32 - 2;
      const sig = new Uint8Array(await webcrypto.subtle.sign({ name: 'RSA-PSS', saltLength }, keys.privateKey, quote));
      const tpmt = await rsaTpmtPublic(keys.publicKey, ALG.RSAPSS, ALG.SHA256);
      const tpm2b = new Uint8Array([tpmt.length >> 8, tpmt.length & 255, ...tpmt]);
      const parts: TpmEvidenceParts = { quotes: [{ quote, signature: encodeRsaSignature(ALG.RSAPSS, ALG.SHA256, sig) }], ak: tpm2b, pcrs };
      const claims = await verifyTpmEvidence(parseTpmEvidence(parts), ctx);
      assert.equal(claims.tpm.quotes[0]!.signature, 'rsapss-sha256');
      assert.equal(claims.tpm.ak.format, 'tpm2b-public');
      assert.equal(claims.tpm.ak.restricted, true);
      assert.equal(await code({ ...parts, quotes: [{ quote, signature: encodeRsaSignature(ALG.RSAPSS, ALG.SHA256, flipBit(sig, 100)) }] }, ctx), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    });
  }

  it('RSAPSS: a signature cut of its leading zero byte (the same number, one byte short) is a bad signature, though WebCrypto on Node accepts it', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'RSA-PSS', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
    const quote = await quoteFor(ALG.SHA256);
    const sig = await signatureStartingWithZero(() => webcrypto.subtle.sign({ name: 'RSA-PSS', saltLength: 32 }, keys.privateKey, quote));
    assert.equal(sig[0], 0, 'a signature starting with a zero byte');
    const cut = sig.subarray(1);
    assert.equal(await webcrypto.subtle.verify({ name: 'RSA-PSS', saltLength: 32 }, keys.publicKey, cut, quote), true, 'WebCrypto takes the cut signature');
    const ak = await rsaTpmtPublic(keys.publicKey, ALG.RSAPSS, ALG.SHA256);
    const parts = (s: Uint8Array): TpmEvidenceParts => ({ quotes: [{ quote, signature: encodeRsaSignature(ALG.RSAPSS, ALG.SHA256, s) }], ak, pcrs });
    // WebCrypto, and an injected verifyRsa that, like OpenSSL, does not check the length itself.
    const pss = (k: RsaPublicKey, params: RsaVerifyParams, s: Uint8Array, data: Uint8Array) =>
      Promise.resolve(
        nodeVerify('sha256', data, { key: { kty: 'RSA', n: toBase64Url(k.n), e: toBase64Url(k.e) }, format: 'jwk', padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: params.name === 'RSA-PSS' ? params.saltLength : 0 }, s),
      );
    for (const context of [ctx, { ...ctx, crypto: { ...webCryptoPrimitives, verifyRsa: pss } }]) {
      assert.equal(await code(parts(sig), context), 'OK');
      assert.equal(await code(parts(cut), context), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    }
  });

  it('RSASSA / SHA-384; a scheme that does not fit the key type is a bad signature', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-384' }, true, ['sign', 'verify']);
    const quote = await quoteFor(ALG.SHA384);
    const sig = new Uint8Array(await webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', keys.privateKey, quote));
    const ak = await rsaTpmtPublic(keys.publicKey);
    const parts: TpmEvidenceParts = { quotes: [{ quote, signature: encodeRsaSignature(ALG.RSASSA, ALG.SHA384, sig) }], ak, pcrs };
    assert.equal((await verifyTpmEvidence(parseTpmEvidence(parts), ctx)).tpm.quotes[0]!.signature, 'rsassa-sha384');
    const asEcdsa = encodeEcdsaSignature(ALG.SHA384, sig.subarray(0, 96));
    assert.equal(await code({ ...parts, quotes: [{ quote, signature: asEcdsa }] }, ctx), 'ERR_EVIDENCE_SIGNATURE_INVALID');
    // A PCR digest made with another hash than the signature's does not match.
    const other = encodeQuote({ selection, pcrDigest: await pcrDigestOf(ALG.SHA256, pcrValues) });
    const otherSig = new Uint8Array(await webcrypto.subtle.sign('RSASSA-PKCS1-v1_5', keys.privateKey, other));
    assert.equal(await code({ ...parts, quotes: [{ quote: other, signature: encodeRsaSignature(ALG.RSASSA, ALG.SHA384, otherSig) }] }, ctx), 'ERR_EVIDENCE_BINDING_MISMATCH');
  });

  it('quotes that disagree on the nonce are refused', async () => {
    const keys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const sign = async (q: Uint8Array) => encodeEcdsaSignature(ALG.SHA256, new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, q)));
    const a = await quoteFor(ALG.SHA256);
    const b = encodeQuote({ extraData: new Uint8Array(32), selection, pcrDigest: await pcrDigestOf(ALG.SHA256, pcrValues) });
    const parts: TpmEvidenceParts = { quotes: [{ quote: a, signature: await sign(a) }, { quote: b, signature: await sign(b) }], ak: await eccTpmtPublic(keys.publicKey, 0x0003), pcrs };
    const details = await rejects(verifyTpmEvidence(parseTpmEvidence(parts), ctx), 'ERR_EVIDENCE_BINDING_MISMATCH');
    assert.equal(details?.['field'], 'extraData');
  });
});
