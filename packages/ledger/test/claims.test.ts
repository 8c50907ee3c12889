/** The LedgerEntryV1 claims digest against the Azure SDK's rule computed independently with node:crypto. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { rejectsWithCode } from '@confide/test-kit/assert';
import { claimsDigest, leafHash, type ApplicationClaim } from '../src/index.js';
import { H, independentLeaf, independentLedgerEntryClaimsDigest } from './independent.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('application claims digest', () => {
  it('matches the SDK rule for the SDK\'s own example claim and for random ones', async () => {
    // The claim in azure-sdk-for-python tests/receipt/_shared/claims_constants.py.
    const example = { collectionId: 'subledger:0', contents: 'Hello world', secretKey: 'Jde/VvaIfyrjQ/B19P+UJCBwmcrgN7sERStoyHnYO0M=' };
    const cases = [[example], [{ collectionId: 'named', contents: 'é ✓ 😀', secretKey: randomBytes(32).toString('base64') }, example]];
    for (const entries of cases) {
      const claims: ApplicationClaim[] = entries.map((e) => ({ kind: 'LedgerEntry', ledgerEntry: { ...e, protocol: 'LedgerEntryV1' } }));
      assert.equal(hex(await claimsDigest(claims)), independentLedgerEntryClaimsDigest(entries));
    }
  });

  it('hashes a ClaimDigest claim as SHA-256(protocol ‖ value)', async () => {
    const value = 'feb516ef1f903c64f1e388d9ee9fde11f64d1e2bc170248828c9eab9894f9ab9';
    const count = Buffer.from([1, 0, 0, 0]);
    assert.equal(hex(await claimsDigest([{ kind: 'ClaimDigest', digest: { protocol: 'LedgerEntryV1', value } }])), H(count, H(Buffer.from('LedgerEntryV1'), Buffer.from(value, 'hex'))).toString('hex'));
  });

  it('changes with the collection, the contents and the key', async () => {
    const base = { collectionId: 'subledger:0', contents: 'x', protocol: 'LedgerEntryV1', secretKey: randomBytes(32).toString('base64') };
    const d = hex(await claimsDigest([{ kind: 'LedgerEntry', ledgerEntry: base }]));
    for (const change of [{ collectionId: 'subledger:1' }, { contents: 'y' }, { secretKey: randomBytes(32).toString('base64') }]) {
      assert.notEqual(hex(await claimsDigest([{ kind: 'LedgerEntry', ledgerEntry: { ...base, ...change } }])), d);
    }
  });

  it('refuses an unknown protocol and a key that is not canonical base64', async () => {
    const e = { collectionId: 'c', contents: 'x', protocol: 'LedgerEntryV2', secretKey: 'AAAA' };
    await rejectsWithCode(claimsDigest([{ kind: 'LedgerEntry', ledgerEntry: e }]), 'ERR_LEDGER_RECEIPT_MALFORMED', { field: 'applicationClaims[0].ledgerEntry.protocol' });
    await rejectsWithCode(claimsDigest([{ kind: 'LedgerEntry', ledgerEntry: { ...e, protocol: 'LedgerEntryV1', secretKey: 'AAB=' } }]), 'ERR_LEDGER_RECEIPT_MALFORMED', { field: 'applicationClaims[0].ledgerEntry.secretKey' });
  });
});

describe('leaf', () => {
  it('is SHA-256(write set digest ‖ SHA-256(commit evidence) ‖ claims digest)', async () => {
    const wsd = randomBytes(32);
    const cd = randomBytes(32);
    const ce = `ce:2.15:${randomBytes(32).toString('hex')}`;
    assert.equal(hex(await leafHash({ writeSetDigest: wsd, commitEvidence: ce, claimsDigest: cd })), independentLeaf(wsd.toString('hex'), ce, cd.toString('hex')).toString('hex'));
  });
});
