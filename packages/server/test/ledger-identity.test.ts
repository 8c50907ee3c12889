/**
 * The ledger identity: a self-signed P-384 service identity, a node certificate it issued, both
 * private keys sealed in the store (never in clear), the same identity at the next start, refused
 * under another seal key, and a fresh TLS leaf per start whose chain ends at the identity.
 */
import assert from 'node:assert/strict';
import { createPrivateKey, randomBytes, X509Certificate } from 'node:crypto';
import { it } from 'node:test';
import { isConfideError } from '@confide/core';
import { openSqliteStore } from '@confide/store';
import { createSeal } from '../src/seal/index.js';
import { openLedgerIdentity } from '../src/services/ledger/index.js';
import { LEDGER_NODE_KEY_CONTEXT, LEDGER_SERVICE_KEY_CONTEXT } from '../src/services/ledger/identity.js';

it('is created once, sealed at rest, reopened unchanged, and chains the listener to a self-signed root', async () => {
  const store = openSqliteStore(':memory:');
  const seal = createSeal(randomBytes(32));
  try {
    const first = await openLedgerIdentity({ store, seal, names: ['ledger.example', '10.0.0.7'] });
    assert.equal(first.created, true);
    const service = new X509Certificate(first.serviceCertificatePem);
    assert.equal(service.subject, 'CN=CCF Network');
    assert.equal(service.issuer, service.subject);
    assert.equal(service.ca, true);
    assert.equal(service.verify(service.publicKey), true, 'self-signed');
    assert.equal(service.publicKey.asymmetricKeyDetails?.namedCurve, 'secp384r1');
    const node = new X509Certificate(first.nodeCertificatePem);
    assert.equal(node.verify(service.publicKey), true, 'the node certificate is issued by the identity');

    const [leafPem, rootPem] = first.tls.cert.split(/(?<=-----END CERTIFICATE-----\n)/);
    assert.equal(rootPem, first.serviceCertificatePem, 'the chain ends at the identity');
    const leaf = new X509Certificate(leafPem!);
    assert.equal(leaf.verify(service.publicKey), true);
    assert.equal(leaf.checkHost('ledger.example'), 'ledger.example');
    assert.equal(leaf.checkIP('10.0.0.7'), '10.0.0.7');
    assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');

    const row = (await store.ledgerIdentity.get())!;
    for (const [sealed, context] of [[row.sealedServiceKey, LEDGER_SERVICE_KEY_CONTEXT], [row.sealedNodeKey, LEDGER_NODE_KEY_CONTEXT]] as const) {
      assert.throws(() => createPrivateKey({ key: Buffer.from(sealed), format: 'der', type: 'pkcs8' }), 'the stored bytes are no key in clear');
      assert.equal(createPrivateKey({ key: Buffer.from(seal.unseal(sealed, context)), format: 'der', type: 'pkcs8' }).type, 'private');
    }
    const again = await openLedgerIdentity({ store, seal, names: ['other.example'] });
    assert.equal(again.created, false);
    assert.equal(again.serviceCertificatePem, first.serviceCertificatePem);
    assert.equal(again.nodeCertificatePem, first.nodeCertificatePem);
    assert.notEqual(again.tls.key, first.tls.key, 'a fresh TLS key each start');
    assert.equal(new X509Certificate(again.tls.cert).checkHost('other.example'), 'other.example');
    const signature = await again.signer.sign(new Uint8Array(32));
    assert.equal(signature[0], 0x30, 'a DER signature by the node key');

    await assert.rejects(openLedgerIdentity({ store, seal: createSeal(randomBytes(32)), names: [] }), (err) => isConfideError(err, 'ERR_SEAL_UNSEAL_FAILED'));
  } finally {
    await store.close();
  }
});
