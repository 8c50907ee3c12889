/**
 * Channel binding as a user drives it: `coordinator verify --pin-out` saves the TLS key the
 * attested root signed; `status --pin` then trusts that key without --ca, and refuses another.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, sign, webcrypto, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { checkTlsBinding, tlsBindingMessage } from '../src/client/verify-coordinator.js';
import { freePort, runCliJson as cli, startServe, type Served } from '@confide/test-kit/process';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const tmp = mkdtempSync(join(tmpdir(), 'confide-tls-pin-'));
const dataDir = join(tmp, 'data');
let served: Served | undefined;
let addr: string;

before(async () => {
  const port = await freePort();
  addr = `127.0.0.1:${port}`;
  served = await startServe(['--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir]);
});

after(async () => {
  if (served && served.child.exitCode === null) {
    served.child.kill('SIGTERM');
    await served.exited;
  }
  rmSync(tmp, { recursive: true, force: true });
});

/** Hex SHA-256 of the SPKI of the listener's leaf certificate, read from the data directory. */
function listenerSpki(): string {
  const leaf = new X509Certificate(readFileSync(join(dataDir, 'tls', 'server.pem')));
  return createHash('sha256').update(leaf.publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

test('verify --pin-out saves the attested TLS key; status --pin works without --ca; a wrong pin exits 2', async () => {
  const pinFile = join(tmp, 'coordinator.pin');
  const rootFile = join(tmp, 'root.pem');
  const verified = await cli(['coordinator', 'verify', '--coordinator', addr, '--data-dir', dataDir, '--pin-out', pinFile, '--out', rootFile]);
  assert.equal(verified.code, 0, `${JSON.stringify(verified.json)} ${verified.stderr}`);
  assert.equal(verified.json.ok, true);
  const pin = readFileSync(pinFile, 'utf8').trim();
  assert.match(pin, /^[0-9a-f]{64}$/);
  assert.equal(verified.json['tlsSpkiSha256'], pin);
  assert.equal(pin, listenerSpki());

  // Without --ca or --pin the local CA is not trusted: the pin is what makes status work.
  const untrusted = await cli(['status', '--coordinator', addr]);
  assert.equal(untrusted.code, 2, JSON.stringify(untrusted.json));
  assert.equal(untrusted.json.error?.code, 'ERR_EVIDENCE_UNTRUSTED_ROOT');

  // The saved root signs manifests, not the listener's certificate: --ca root.pem is refused with the way out.
  const rootAsCa = await cli(['status', '--coordinator', addr, '--ca', rootFile]);
  assert.equal(rootAsCa.code, 2, JSON.stringify(rootAsCa.json));
  assert.equal(rootAsCa.json.error?.code, 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  assert.match(String((rootAsCa.json.error as { message?: string }).message), /--pin/);
  assert.match(String((rootAsCa.json.error as { message?: string }).message), /tls\/ca\.pem/);

  const byFile = await cli(['status', '--coordinator', addr, '--pin', pinFile]);
  assert.equal(byFile.code, 0, `${JSON.stringify(byFile.json)} ${byFile.stderr}`);
  assert.equal(byFile.json['code'], 2);
  const byHex = await cli(['status', '--coordinator', addr, '--pin', pin]);
  assert.equal(byHex.code, 0, `${JSON.stringify(byHex.json)} ${byHex.stderr}`);

  const wrong = (pin[0] === '0' ? '1' : '0') + pin.slice(1);
  const wrongFile = join(tmp, 'wrong.pin');
  writeFileSync(wrongFile, wrong + '\n');
  for (const given of [wrong, wrongFile]) {
    const refused = await cli(['status', '--coordinator', addr, '--pin', given]);
    assert.equal(refused.code, 2, JSON.stringify(refused.json));
    assert.equal(refused.json.error?.code, 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  }
  // A wrong pin also stops verify before it trusts anything.
  const verifyWrong = await cli(['coordinator', 'verify', '--coordinator', addr, '--data-dir', dataDir, '--pin', wrong]);
  assert.equal(verifyWrong.code, 2, JSON.stringify(verifyWrong.json));
  assert.equal(verifyWrong.json.error?.code, 'ERR_EVIDENCE_UNTRUSTED_ROOT');
});

test('a pin that is neither hex nor a readable file is a usage error', async () => {
  const r = await cli(['status', '--coordinator', addr, '--pin', join(tmp, 'missing.pin')]);
  assert.equal(r.code, 1, JSON.stringify(r.json));
  assert.equal(r.json.error?.code, 'ERR_INPUT_UNREADABLE');
});

test('checkTlsBinding: the root over the presented key and this nonce, nothing else', async () => {
  const alg = { name: 'ECDSA', namedCurve: 'P-384', hash: 'SHA-384' };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const other = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name: 'CN=root', notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 86_400_000), keys, signingAlgorithm: alg });
  const root = new X509Certificate(Buffer.from(cert.rawData));
  const spki = 'cd'.repeat(32);
  const nonce = new Uint8Array(32).fill(5);
  const signWith = async (k: CryptoKeyPair, message: string) => {
    const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', k.privateKey));
    return new Uint8Array(sign('sha384', Buffer.from(message), { key: pkcs8, format: 'der', type: 'pkcs8', dsaEncoding: 'der' }));
  };
  const good = await signWith(keys, tlsBindingMessage(spki, Buffer.from(nonce).toString('hex')));
  assert.equal(checkTlsBinding(root, { spkiSha256: spki, signature: good }, nonce, spki), spki);

  const mismatch = (f: () => unknown, field: string) =>
    assert.throws(f, (e: { code?: string; details?: { field?: string } }) => e.code === 'ERR_EVIDENCE_BINDING_MISMATCH' && e.details?.field === field);
  mismatch(() => checkTlsBinding(root, undefined, nonce, spki), 'tlsBinding');
  mismatch(() => checkTlsBinding(root, undefined, nonce, spki, true), 'tlsBinding');
  mismatch(() => checkTlsBinding(root, { spkiSha256: spki, signature: good }, nonce, 'ef'.repeat(32)), 'tlsBinding.spkiSha256');
  mismatch(() => checkTlsBinding(root, { spkiSha256: spki, signature: good }, new Uint8Array(32).fill(6), spki), 'tlsBinding.signature');
  const byOther = await signWith(other, tlsBindingMessage(spki, Buffer.from(nonce).toString('hex')));
  mismatch(() => checkTlsBinding(root, { spkiSha256: spki, signature: byOther }, nonce, spki), 'tlsBinding.signature');
  mismatch(() => checkTlsBinding(root, { spkiSha256: spki, signature: new Uint8Array(3) }, nonce, spki), 'tlsBinding.signature');
});
