/**
 * The memory provider picks a VCEK/VLEK with the verifier's own reading of it (one extension
 * parser, one product rule, one chip rule). Before, the provider had a reader of its own that
 * disagreed with the verifier's: these pin the verifier's behaviour, which both now share.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError, toHex } from '@confide/core';
import { memoryCollateral, type AmdCollateralRequest, type AmdProduct } from '../src/index.js';
import { amdName, issueCertificate, issueVek, productPki, tcbBytes, TEST_NOT_AFTER, TEST_NOT_BEFORE, type TcbParts } from '@confide/test-kit/amd-pki';
import { integer, octetString, oid, sequence } from '@confide/test-kit/der';

const TCB: TcbParts = { bootloader: 3, tee: 0, snp: 8, microcode: 115 };

function chipId(hwid: Uint8Array): string {
  const chip = new Uint8Array(64);
  chip.set(hwid);
  return toHex(chip);
}

function request(product: AmdProduct | undefined, tcbProduct: AmdProduct, hwid: Uint8Array): AmdCollateralRequest {
  return { product, keyType: 'vcek', chipId: chipId(hwid), reportedTcb: toHex(tcbBytes(tcbProduct, TCB)) };
}

test('a VCEK named for a Genoa-PKI part (Siena) is a Genoa VCEK, as the verifier reads it', async () => {
  const pki = await productPki('Genoa');
  const hwid = new Uint8Array(64).fill(0x5a);
  const vek = await issueVek(pki, { keyType: 'vcek', tcb: TCB, hwid, productName: 'Siena-A0' });
  const provider = memoryCollateral([{ kind: 'amd', collateral: { vek: vek.der } }]);
  assert.ok(await provider.amd(request('Genoa', 'Genoa', hwid)));
  // A version 2 report names no product: the certificate's product decides.
  assert.ok(await provider.amd(request(undefined, 'Genoa', hwid)));
  assert.equal(await provider.amd(request('Milan', 'Milan', hwid)), undefined);
});

test('a product name that names no known product falls back to the issuer, as the verifier does', async () => {
  const pki = await productPki('Milan');
  const hwid = new Uint8Array(64).fill(0x3c);
  const vek = await issueVek(pki, { keyType: 'vcek', tcb: TCB, hwid, productName: 'Unknown-Z9' });
  const provider = memoryCollateral([{ kind: 'amd', collateral: { vek: vek.der } }]);
  assert.ok(await provider.amd(request(undefined, 'Milan', hwid)));
  assert.equal(await provider.amd(request('Genoa', 'Genoa', hwid)), undefined);
});

test('a VCEK matches the chips whose ID starts with its hwID and is zero after it', async () => {
  const pki = await productPki('Turin');
  const hwid = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
  const vek = await issueVek(pki, { keyType: 'vcek', tcb: { ...TCB, fmc: 1 }, hwid });
  const provider = memoryCollateral([{ kind: 'amd', collateral: { vek: vek.der } }]);
  const req: AmdCollateralRequest = { product: 'Turin', keyType: 'vcek', chipId: chipId(hwid), reportedTcb: toHex(tcbBytes('Turin', { ...TCB, fmc: 1 })) };
  assert.ok(await provider.amd(req));
  assert.equal(await provider.amd({ ...req, chipId: chipId(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 9)) }), undefined);
  assert.equal(await provider.amd({ ...req, chipId: req.chipId.slice(0, -2) + '01' }), undefined);
  assert.equal(await provider.amd({ ...req, reportedTcb: toHex(tcbBytes('Turin', { ...TCB, fmc: 2 })) }), undefined);
});

test('a VEK whose AMD extension is badly encoded is refused when it is handed over', async () => {
  const pki = await productPki('Milan');
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const der = await issueCertificate({
    serial: 0,
    issuer: pki.ask.name,
    subject: amdName('SEV-VCEK'),
    notBefore: TEST_NOT_BEFORE,
    notAfter: TEST_NOT_AFTER,
    publicKey: keys.publicKey,
    // blSPL must be an INTEGER that fits a TCB byte: 300 does not.
    extensions: [sequence(oid('1.3.6.1.4.1.3704.1.3.1'), octetString(integer(300)))],
    signingKey: pki.ask.keys.privateKey,
  });
  assert.throws(
    () => memoryCollateral([{ kind: 'amd', collateral: { vek: der } }]),
    (err: unknown) => isConfideError(err) && err.code === 'ERR_COLLATERAL_MALFORMED',
  );
});
