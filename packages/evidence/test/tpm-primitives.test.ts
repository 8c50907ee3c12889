/**
 * TPM verification with a runtime's own primitives (VerifyContext.crypto: synchronous digests
 * and RSA verification, as the server brings node:crypto's): the same claims as the built-in
 * path (WebCrypto and @noble/hashes), the primitives really used for the quotes, the chain, the
 * replay and the PCR digests, and their verdicts kept apart from the built-in path's.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError, toBase64Url } from '@confide/core';
import { sha1 } from '@noble/hashes/legacy';
import { sha256, sha384, sha512 } from '@noble/hashes/sha2';
import { parseTpmEvidence, verifyTpmEvidence, VerifyCache, type RsaPublicKey, type RsaVerifyParams, type SyncDigestName, type VerifyCrypto } from '../src/index.js';
import { webCryptoPrimitives } from '../src/webcrypto/p256.js';
import { vectorsMissing } from '@confide/test-kit/vectors';
import { flipBit } from '@confide/test-kit/amd-pki';
import { gceParts, tpmContext } from './tpm-support.js';

const DIGESTS: Record<SyncDigestName, (data: Uint8Array) => Uint8Array> = { 'SHA-1': sha1, 'SHA-256': sha256, 'SHA-384': sha384, 'SHA-512': sha512 };

async function webVerifyRsa(key: RsaPublicKey, params: RsaVerifyParams, signature: Uint8Array, data: Uint8Array): Promise<boolean> {
  const imported = await crypto.subtle.importKey('jwk', { kty: 'RSA', n: toBase64Url(key.n), e: toBase64Url(key.e) }, { name: params.name, hash: params.hash }, false, ['verify']);
  return crypto.subtle.verify(params, imported, signature as Uint8Array<ArrayBuffer>, data as Uint8Array<ArrayBuffer>);
}

/** Correct primitives that count what they are asked. */
function counting(): VerifyCrypto & { rsa: number; digests: Record<string, number> } {
  const digests: Record<string, number> = {};
  const out = {
    rsa: 0,
    digests,
    sha256: webCryptoPrimitives.sha256,
    verifyP256: webCryptoPrimitives.verifyP256,
    digestSync: (name: SyncDigestName, data: Uint8Array) => {
      digests[name] = (digests[name] ?? 0) + 1;
      return DIGESTS[name](data);
    },
    verifyRsa: (key: RsaPublicKey, params: RsaVerifyParams, signature: Uint8Array, data: Uint8Array) => {
      out.rsa += 1;
      return webVerifyRsa(key, params, signature, data);
    },
  };
  return out;
}

describe('TPM verification with a runtime\'s own primitives', { skip: vectorsMissing }, () => {
  it('gives the claims of the built-in path, with every quote, chain link, extend and PCR digest through the primitives', async () => {
    const parts = gceParts('nonce9009');
    const builtIn = await verifyTpmEvidence(parseTpmEvidence(parts), tpmContext({ cache: new VerifyCache() }));
    const primitives = counting();
    const own = await verifyTpmEvidence(parseTpmEvidence(parts), tpmContext({ cache: new VerifyCache(), crypto: primitives }));
    assert.deepEqual(own, builtIn);
    // 3 quotes and 2 chain links; then only the quotes, the chain's links being remembered.
    assert.equal(primitives.rsa, 5);
    // 44 extending events in each of the 3 banks, and the PCR digest of each quote (SHA-256 signatures).
    assert.ok(primitives.digests['SHA-1']! >= 44 && primitives.digests['SHA-384']! >= 44, JSON.stringify(primitives.digests));
    assert.ok(primitives.digests['SHA-256']! >= 44 + 3, JSON.stringify(primitives.digests));
    const before = { ...primitives.digests };
    primitives.rsa = 0;
    await verifyTpmEvidence(parseTpmEvidence(parts), tpmContext({ cache: new VerifyCache(), crypto: primitives }));
    assert.equal(primitives.rsa, 5, 'a fresh cache checks the chain again');
    assert.equal(primitives.digests['SHA-1']! - before['SHA-1']!, before['SHA-1']!, 'the whole replay runs again');
  });

  it('refuses a forged quote through the primitives as through WebCrypto', async () => {
    const parts = gceParts('nonce9009');
    const sig = parts.quotes[1]!.signature;
    const forged = { ...parts, quotes: parts.quotes.map((q, n) => (n === 1 ? { ...q, signature: flipBit(sig, sig.length - 1) } : q)) };
    for (const crypto of [counting(), undefined]) {
      await assert.rejects(verifyTpmEvidence(parseTpmEvidence(forged), tpmContext({ cache: new VerifyCache(), ...(crypto ? { crypto } : {}) })), (err) =>
        isConfideError(err, 'ERR_EVIDENCE_SIGNATURE_INVALID'),
      );
    }
  });

  it('a verifyRsa that accepts anything fools only verifications that use it, never the built-in path sharing its cache', async () => {
    const cache = new VerifyCache();
    const parts = gceParts('nonce9009');
    const [akCert, intermediate] = parts.akCertificates!;
    const forgedCert = flipBit(akCert!, 16); // in the serial number: still DER, the same signature
    const forged = parseTpmEvidence({ ...parts, akCertificates: [forgedCert, intermediate!] });
    const liar: VerifyCrypto = { ...counting(), verifyRsa: async () => true };
    // The liar's own verification believes it: the hook is what checked the chain.
    const fooled = await verifyTpmEvidence(forged, tpmContext({ cache, crypto: liar }));
    assert.equal(fooled.tpm.ak.certified, true);
    // Its verdict on the forged link is not the built-in path's.
    await assert.rejects(verifyTpmEvidence(parseTpmEvidence({ ...parts, akCertificates: [forgedCert, intermediate!] }), tpmContext({ cache })), (err) =>
      isConfideError(err, 'ERR_EVIDENCE_SIGNATURE_INVALID'),
    );
  });
});
