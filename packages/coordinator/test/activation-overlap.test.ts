/**
 * An activation alone in flight commits its store transaction while the intermediate signs the
 * marble certificate when the templates only print the certificate; when a template reads its
 * bytes, or other activations are in flight, the signature comes first; a refusal commits nothing
 * either way. The intermediate's signature is held here until a transaction commits (or 1 s
 * passed, when none does meanwhile), so the order shows whatever the machine's load.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID, webcrypto, X509Certificate } from 'node:crypto';
import { isConfideError, utf8 } from '@confide/core';
import { createSimEvidence, emptyCollateral } from '@confide/evidence';
import { openSqliteStore, type Store } from '@confide/store';
import { testIdentity } from '@confide/test-kit/identity';
import { CoordinatorService, createMemorySealProvider } from '../src/index.js';

const MEASUREMENT = new Uint8Array(32).fill(0x42);
const simKey = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;

const MANIFEST = utf8(
  JSON.stringify({
    Packages: { pkg: { Tee: 'sim', UniqueID: Buffer.from(MEASUREMENT).toString('hex'), Debug: false } },
    Marbles: {
      printing: { Package: 'pkg', MaxActivations: 10, Parameters: { Files: { '/cert.pem': '{{ pem .MarbleRun.MarbleCert.Cert }}' }, Env: { HEX: '{{ hex .MarbleRun.MarbleCert.Cert }}' } } },
      reading: { Package: 'pkg', MaxActivations: 10, Parameters: { Files: { '/length': '{{ len (hex .MarbleRun.MarbleCert.Cert) }}' } } },
      refused: { Package: 'pkg', MaxActivations: 10, Parameters: { Files: { '/cert.pem': '{{ pem .MarbleRun.MarbleCert.Cert }}', '/secret': '{{ raw .Secrets.later }}' } } },
    },
    Secrets: { later: { Type: 'plain', UserDefined: true } },
  }),
);

/** The order of the commits and the intermediate's (P-384) signatures while `run` runs. */
async function ordered<T>(store: Store, run: () => Promise<T>): Promise<{ result: T; events: string[] }> {
  const events: string[] = [];
  const subtle = webcrypto.subtle;
  const sign = subtle.sign.bind(subtle);
  const tx = store.tx.bind(store);
  let committed: () => void = () => {};
  const aCommit = new Promise<void>((resolve) => (committed = resolve));
  subtle.sign = (async (algorithm: Parameters<SubtleCrypto['sign']>[0], key: CryptoKey, data: Parameters<SubtleCrypto['sign']>[2]) => {
    const signature = await sign(algorithm, key, data);
    if ((key.algorithm as EcKeyAlgorithm).namedCurve === 'P-384') {
      await Promise.race([aCommit, new Promise((resolve) => setTimeout(resolve, 1000))]);
      events.push('signed');
    }
    return signature;
  }) as SubtleCrypto['sign'];
  store.tx = (async (fn: Parameters<Store['tx']>[0]) => {
    const out = await tx(fn);
    events.push('committed');
    committed();
    return out;
  }) as Store['tx'];
  try {
    return { result: await run(), events };
  } finally {
    delete (subtle as { sign?: unknown }).sign;
    store.tx = tx;
  }
}

async function deployed() {
  const store = openSqliteStore(':memory:');
  const service = await CoordinatorService.start({
    store,
    seal: createMemorySealProvider(new Uint8Array(32).fill(3)),
    evidence: { collateral: emptyCollateral, simulationKeys: async () => [simKey.publicKey] },
  });
  await service.setManifest(MANIFEST);
  return { service, store };
}

/** An activation request of a fresh marble. */
async function request(marbleType: string) {
  const id = await testIdentity('marble');
  const reportData = new Uint8Array(createHash('sha256').update(id.spki).digest());
  const evidence = await createSimEvidence(simKey, { measurement: MEASUREMENT, reportData });
  return { marbleType, uuid: randomUUID(), tee: 'sim' as const, evidence, clientCertificate: id.der };
}

async function activate(service: CoordinatorService, marbleType: string) {
  return service.activate(await request(marbleType));
}

test('templates that only print the certificate: the transaction commits while it is signed, and the answer holds the signed certificate', async () => {
  const { service, store } = await deployed();
  const { result, events } = await ordered(store, () => activate(service, 'printing'));
  assert.deepEqual(events, ['committed', 'signed']);
  const leafPem = result.certificate.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/)![0];
  const leaf = new X509Certificate(leafPem);
  assert.equal(Buffer.from(result.parameters.files['/cert.pem']!).toString(), leafPem);
  assert.equal(Buffer.from(result.parameters.env.HEX!).toString(), leaf.raw.toString('hex'));
  assert.equal(Buffer.from(result.parameters.env.MARBLE_PREDEFINED_MARBLE_CERTIFICATE_CHAIN!).toString(), result.certificate);
  assert.equal(await store.activations.count('printing'), 1);
});

test("a template that reads the certificate's bytes: it is signed before the transaction commits", async () => {
  const { service, store } = await deployed();
  const { result, events } = await ordered(store, () => activate(service, 'reading'));
  assert.deepEqual(events, ['signed', 'committed']);
  const leaf = new X509Certificate(result.certificate.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n/)![0]);
  assert.equal(Buffer.from(result.parameters.files['/length']!).toString(), String(leaf.raw.length * 2));
});

test('a refusal found while the certificate is signed commits nothing', async () => {
  const { service, store } = await deployed();
  const audited = (await service.auditLog()).trim().split('\n').length;
  const { result, events } = await ordered(store, () => activate(service, 'refused').then(() => undefined, (err: unknown) => err));
  assert.ok(isConfideError(result, 'ERR_SECRET_INVALID'), String(result));
  assert.ok(!events.includes('committed'), events.join());
  assert.equal(await store.activations.count('refused'), 0);
  assert.equal((await service.auditLog()).trim().split('\n').length, audited);
});

test('activations in flight together: each commits after its certificate is signed', async () => {
  const { service, store } = await deployed();
  const requests = await Promise.all([request('printing'), request('printing'), request('printing')]);
  const { result, events } = await ordered(store, () => Promise.all(requests.map((r) => service.activate(r))));
  assert.equal(result.length, 3);
  assert.equal(events.length, 6);
  // Never more commits than signatures so far: no commit overlapped its own signature.
  events.forEach((_, i) => {
    const prefix = events.slice(0, i + 1);
    assert.ok(prefix.filter((e) => e === 'committed').length <= prefix.filter((e) => e === 'signed').length, events.join());
  });
  // Alone again: the overlap is back.
  assert.deepEqual((await ordered(store, () => activate(service, 'printing'))).events, ['committed', 'signed']);
});
