/**
 * The RS256 encoding of MAA tokens (tokens/jwt.ts) signs on node:crypto: its bytes must be exactly
 * jose's CompactSign output for the same header, payload and key, verify with jose, and refuse
 * keys jose refuses.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { CompactSign, compactVerify } from 'jose';
import { signRs256 } from '../src/services/attestation/tokens/jwt.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

describe('token-jws: RS256 tokens', () => {
  it('are byte for byte what jose signs, and verify with jose', async () => {
    const header = { alg: 'RS256' as const, jku: 'https://127.0.0.1:8443/certs', kid: 'k1/+=', typ: 'JWT' };
    const payloads = [
      {},
      { iat: 1, 'x-ms-sgx-collateral': { quotehash: 'ab'.repeat(32) }, list: [1, 'two', true, null], text: 'ü → "quoted" \\ \u2028' },
      { big: 'x'.repeat(5000), n: 2 ** 53 - 1 },
    ];
    for (const payload of payloads) {
      const ours = await signRs256(header, payload, rsa.privateKey);
      const theirs = await new CompactSign(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader(header).sign(rsa.privateKey);
      assert.equal(ours, theirs);
      const { payload: signed, protectedHeader } = await compactVerify(ours, rsa.publicKey);
      assert.deepEqual(JSON.parse(new TextDecoder().decode(signed)), payload);
      assert.deepEqual(protectedHeader, header);
    }
  });

  it('refuse a key that is not an RSA private key of 2048 bits or more', async () => {
    const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const key of [small.privateKey, ec.privateKey, rsa.publicKey]) {
      await assert.rejects(async () => signRs256({ alg: 'RS256' }, {}, key), TypeError);
    }
  });
});
