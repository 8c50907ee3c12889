import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { forgeIntelWorld } from '@confide/test-kit/intel-pki';
import { toDcapQvlCollateral } from '@confide/evidence';
import { freePort, runCli, startServe } from '@confide/test-kit/process';

function post(url: string, ca: string, body: unknown): Promise<{ status: number; json: any }> {
  const text = JSON.stringify(body);
  return new Promise((ok, fail) => {
    const req = request(url, { method: 'POST', ca: readFileSync(ca), headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
      let data = '';
      res.on('data', (d) => (data += d));
      res.on('end', () => ok({ status: res.statusCode ?? 0, json: JSON.parse(data) }));
    });
    req.on('error', fail);
    req.end(text);
  });
}

test('serve --evidence-roots: a quote forged under a test PKI attests through /attest/SgxEnclave (dev mode only)', async () => {
  const world = await forgeIntelWorld({ at: new Date() });
  const dir = mkdtempSync(join(tmpdir(), 'confide-roots-'));
  const roots = join(dir, 'roots');
  mkdirSync(roots);
  writeFileSync(join(roots, 'test-root.pem'), new X509Certificate(world.rootDer).toString());
  const collateralFile = join(dir, 'collateral.json');
  writeFileSync(collateralFile, JSON.stringify(toDcapQvlCollateral(world.collateral)));

  // Under the pinned Intel root the forged quote is refused.
  const pinned = await startServe(['--host', '127.0.0.1', '--port', String(await freePort()), '--data-dir', join(dir, 'a'), '--collateral', collateralFile]);
  try {
    const refused = await post(`${pinned.url}/attest/SgxEnclave?api-version=2022-08-01`, pinned.caCert, { quote: Buffer.from(world.quote).toString('base64url') });
    assert.equal(refused.status, 400);
    assert.match(refused.json.error.message, /ERR_EVIDENCE_UNTRUSTED_ROOT/);
  } finally {
    pinned.child.kill('SIGTERM');
    await pinned.exited;
  }

  const s = await startServe(['--host', '127.0.0.1', '--port', String(await freePort()), '--data-dir', join(dir, 'b'), '--collateral', collateralFile, '--evidence-roots', roots]);
  try {
    assert.match(s.output().stderr, /pinned Intel and AMD roots are replaced/);
    const res = await post(`${s.url}/attest/SgxEnclave?api-version=2022-08-01`, s.caCert, { quote: Buffer.from(world.quote).toString('base64url') });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const payload = JSON.parse(Buffer.from(res.json.token.split('.')[1], 'base64url').toString());
    assert.equal(payload['x-ms-sgx-mrenclave'], world.expected.measurement);
    assert.equal(payload['x-ms-attestation-type'], 'sgx');
  } finally {
    s.child.kill('SIGTERM');
    await s.exited;
  }

  const prod = await runCli(['--json', 'serve', '--mode', 'production', '--evidence-roots', roots]);
  assert.equal(prod.code, 1);
  const err = JSON.parse(prod.stdout).error;
  assert.equal(err.code, 'ERR_PRODUCTION_REFUSED');
  assert.match(err.message, /evidence\.roots/);
});
