/**
 * Audit events in the ledger: a token issuer and a key-release signer wrapped by the audit sink
 * hand out nothing before its record is durable in the `confide:audit` collection, and nothing at
 * all when the record fails; an unbound sink (ledger disabled) records nothing. End to end: a dev
 * `confide serve` with the ledger enabled records the token /attest/Simulated issued (its SHA-256
 * and its claims' SHA-256), read back from the database file after the server stopped.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LedgerWriter } from '@confide/ledger';
import { createSimEvidence } from '@confide/evidence';
import { loadSimulationKey } from '@confide/launcher/sim-key';
import { openSqliteStore } from '@confide/store';
import { rejectsWithCode } from '@confide/test-kit/assert';
import { AUDIT_COLLECTION, LateAuditSink, auditedReleaseSigner, auditedTokenIssuer, ledgerAuditSink, openDurableLedgerWriter } from '../src/index.js';
import { ledgerPki } from './ledger-durable-helpers.js';
import { startVault } from './keyvault-helpers.js';
import { raw } from './keyvault-raw.js';

const sha256Hex = (b: string | Uint8Array): string => createHash('sha256').update(b).digest('hex');
const JWT = `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from('{"x-ms-ver":"1.0","nonce":"n"}').toString('base64url')}.c2ln`;

async function durableWriter() {
  const pki = await ledgerPki();
  const store = openSqliteStore(':memory:');
  const writer = await openDurableLedgerWriter({ store, signer: pki.signer, interval: { count: 1000, ms: 60_000 } });
  return { store, writer };
}

describe('ledger audit events', () => {
  it('a signed token is handed out only once its record is durable in confide:audit; a draft token is not recorded', async () => {
    const { store, writer } = await durableWriter();
    const audit = new LateAuditSink();
    audit.bind(ledgerAuditSink(writer));
    const issuer = auditedTokenIssuer({ sign: async () => JWT, unsigned: () => 'draft..' }, audit);
    assert.equal(await issuer.sign({}), JWT);
    const recorded = writer.latest(AUDIT_COLLECTION)!;
    assert.ok(recorded, 'the record is readable (durable) when the token is handed out');
    const event = JSON.parse(recorded.contents);
    assert.deepEqual({ ...event, at: undefined }, { event: 'attestation.token', tokenSha256: sha256Hex(JWT), claimsDigest: sha256Hex('{"x-ms-ver":"1.0","nonce":"n"}'), at: undefined });
    assert.equal(issuer.unsigned({}), 'draft..');
    assert.equal(writer.entries(1, 100, { collectionId: AUDIT_COLLECTION }).length, 1);

    const release = auditedReleaseSigner(async () => 'signed.release.response', audit);
    assert.equal(await release({ request: { 'api-version': '7.6', enc: 'CKM_RSA_AES_KEY_WRAP', kid: 'https://vault/keys/k/1' } }), 'signed.release.response');
    assert.deepEqual({ ...JSON.parse(writer.latest(AUDIT_COLLECTION)!.contents), at: undefined }, { event: 'keyvault.key-release', kid: 'https://vault/keys/k/1', enc: 'CKM_RSA_AES_KEY_WRAP', responseSha256: sha256Hex('signed.release.response'), at: undefined });
    writer.close();
    await store.close();
  });

  it('a record that fails withholds the token; an unbound sink (ledger disabled) records nothing and withholds nothing', async () => {
    const pki = await ledgerPki();
    const failing = await LedgerWriter.open({ signer: pki.signer, interval: { count: 10, ms: 60_000 }, persistence: { head: async () => 0, range: async () => [], append: () => Promise.reject(new Error('disk full')) } });
    const audit = new LateAuditSink();
    const issuer = auditedTokenIssuer({ sign: async () => JWT, unsigned: () => '' }, audit);
    assert.equal(await issuer.sign({}), JWT, 'unbound: the token is issued');
    assert.equal(await audit.record({ event: 'attestation.token', tokenSha256: '', claimsDigest: '' }), undefined);
    audit.bind(ledgerAuditSink(failing));
    await rejectsWithCode(issuer.sign({}), 'ERR_LEDGER_WRITER_FAILED');
    await rejectsWithCode(auditedReleaseSigner(async () => 'x', audit)({ request: {} }), 'ERR_LEDGER_WRITER_FAILED');
  });

  it('confide serve with the ledger enabled records the token /attest/Simulated issued', async () => {
    const vault = await startVault({ CONFIDE_LEDGER_ENABLED: 'true', CONFIDE_LEDGER_PORT: '0' });
    let token: string;
    try {
      const sim = await loadSimulationKey(vault.dir);
      const evidence = await createSimEvidence({ privateKey: sim.privateKey, publicKey: sim.publicKey }, { measurement: new Uint8Array(32).fill(7) });
      const res = await raw(vault)('POST', '/attest/Simulated?api-version=2022-08-01', { quote: Buffer.from(evidence).toString('base64url') });
      assert.equal(res.status, 200, res.text);
      token = res.json.token as string;
    } finally {
      await vault.server.close();
    }
    const store = openSqliteStore(join(vault.dir, 'confide.sqlite'));
    try {
      const rows = await store.ledgerTransactions.range(1, 1000);
      const events = rows.filter((r) => r.kind === 'entry').map((r) => JSON.parse(r.body) as { collectionId: string; contents: string }).filter((b) => b.collectionId === AUDIT_COLLECTION).map((b) => JSON.parse(b.contents));
      assert.equal(events.length, 1);
      assert.equal(events[0].event, 'attestation.token');
      assert.equal(events[0].tokenSha256, sha256Hex(token));
      assert.equal(events[0].claimsDigest, sha256Hex(Buffer.from(token.split('.')[1]!, 'base64url')));
    } finally {
      await store.close();
    }
  });
});
