/**
 * Isolated mode: captured signed management requests, replayed over HTTPS against a real
 * listener in dev and production mode. A request signed for one policy type must not change
 * another, and a request applied once must not undo a later change, whatever its signature
 * bytes look like; a retry of the latest change is harmless and answers as before.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { certificateBody, jws, makeSigner, storedPolicy, type TestSigner } from './maa-admin-helpers.js';
import { confideCode, STATIC_TOKEN, startSecureServer, type HttpResult, type SecureServer } from './security-helpers.js';

const PERMIT = 'version=1.0; authorizationrules { => permit(); };';
const DENY = 'version=1.0; authorizationrules { => deny(); };';
const [alice, bob] = await Promise.all([makeSigner('replay-alice', 'ES256'), makeSigner('replay-bob')]);
/** Order of the P-256 group: (r, n - s) verifies wherever (r, s) does. */
const P256_N = BigInt('0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551');

/** The same JWS with its ECDSA signature's s replaced by n - s: other bytes, same signed content. */
function malleate(token: string): string {
  const [h, p, s] = token.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  const high = (P256_N - BigInt('0x' + sig.subarray(32).toString('hex'))).toString(16).padStart(64, '0');
  return `${h}.${p}.${Buffer.concat([sig.subarray(0, 32), Buffer.from(high, 'hex')]).toString('base64url')}`;
}

function assertReplayed(res: HttpResult): void {
  assert.equal(res.status, 409, res.body);
  assert.equal(confideCode(res), 'ERR_POLICY_REPLAYED');
}

for (const mode of ['dev', 'production'] as const) {
  describe(`${mode}, isolated mode: replayed signed requests`, () => {
    let s: SecureServer;
    const bearer = { authorization: `Bearer ${mode === 'production' ? STATIC_TOKEN : 'any'}` };
    const put = (type: string, body: string) => s.send('PUT', `/policies/${type}?api-version=2022-08-01`, { headers: { ...bearer, 'content-type': 'text/plain' }, body });
    const reset = (type: string, body: string) => s.send('POST', `/policies/${type}:reset?api-version=2022-08-01`, { headers: { ...bearer, 'content-type': 'text/plain' }, body });
    const certificates = (action: 'add' | 'remove', body: string) =>
      s.send('POST', `/certificates:${action}?api-version=2022-08-01`, { headers: { ...bearer, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const currentPolicy = async (type: string): Promise<string> => {
      const res = await s.send('GET', `/policies/${type}?api-version=2022-08-01`, { headers: bearer });
      const payload = JSON.parse(Buffer.from((res.json()['token'] as string).split('.')[1]!, 'base64url').toString()) as { 'x-ms-policy': string };
      const inner = JSON.parse(Buffer.from(payload['x-ms-policy'].split('.')[1]!, 'base64url').toString()) as { AttestationPolicy: string };
      return Buffer.from(inner.AttestationPolicy, 'base64url').toString();
    };
    const signed = (payload: string, signer: TestSigner = alice) => jws(payload, signer);

    before(async () => {
      s = await startSecureServer(mode, {
        env: (dir) => {
          const path = join(dir, 'management.pem');
          writeFileSync(path, alice.pem);
          return { CONFIDE_ATTESTATION_MODE: 'isolated', CONFIDE_ATTESTATION_SIGNING_CERTIFICATES: path };
        },
      });
    });
    after(() => s?.close());

    test('a policy signed for SgxEnclave is refused for TdxVm and OpenEnclave', async () => {
      const forSgx = await signed(storedPolicy(PERMIT));
      assert.equal((await put('SgxEnclave', forSgx)).status, 200);
      assertReplayed(await put('TdxVm', forSgx));
      assertReplayed(await put('OpenEnclave', forSgx));
      assert.notEqual(await currentPolicy('TdxVm'), PERMIT);
    });

    test('a captured set cannot bring an older policy back after a newer one, even with a re-encoded signature', async () => {
      const older = await signed(storedPolicy(PERMIT + ' // v1'));
      const newer = await signed(storedPolicy(DENY + ' // v2'));
      assert.equal((await put('SevSnpVm', older)).status, 200);
      assert.equal((await put('SevSnpVm', newer)).status, 200);
      assertReplayed(await put('SevSnpVm', older));
      const other = malleate(older);
      assert.notEqual(other, older);
      const [h, p, sig] = other.split('.') as [string, string, string];
      assert.ok(verify('sha256', Buffer.from(`${h}.${p}`), { key: createPublicKey(alice.pem), dsaEncoding: 'ieee-p1363' }, Buffer.from(sig, 'base64url')), 'the malleated signature is valid');
      assertReplayed(await put('SevSnpVm', other));
      assertReplayed(await put('SevSnpVm', ` ${older}\n`));
      assert.equal(await currentPolicy('SevSnpVm'), DENY + ' // v2');
    });

    test('a captured reset cannot undo a later policy, nor reset another type; a retry of the latest change is a no-op', async () => {
      const captured = await signed('');
      const strict = await signed(storedPolicy(DENY + ' // strict'));
      assert.equal((await reset('OpenEnclave', captured)).status, 200);
      assert.equal((await reset('OpenEnclave', captured)).status, 200, 'a retry while it is still the latest change');
      assert.equal((await put('OpenEnclave', strict)).status, 200);
      assertReplayed(await reset('OpenEnclave', captured));
      assertReplayed(await reset('TdxVm', captured));
      assert.equal(await currentPolicy('OpenEnclave'), DENY + ' // strict');
      assert.equal((await put('OpenEnclave', strict)).status, 200, 'retrying the latest set changes nothing');
    });

    test('a removed certificate cannot be brought back by replaying the request that removed it (or the one that added it)', async () => {
      const bobEntry = await signed(certificateBody(bob));
      assert.equal((await certificates('add', bobEntry)).status, 200);
      // The SDK signs the same payload for remove: the adder may remove while its add is the latest change.
      const removal = await signed(certificateBody(bob));
      assert.equal((await certificates('remove', removal)).status, 200);
      assertReplayed(await certificates('add', removal));
      assertReplayed(await certificates('add', bobEntry));
      assertReplayed(await certificates('add', malleate(bobEntry)));
      const listed = await s.send('GET', '/certificates?api-version=2022-08-01', { headers: bearer });
      const keys = JSON.parse(Buffer.from((listed.json()['token'] as string).split('.')[1]!, 'base64url').toString())['x-ms-policy-certificates'].keys as unknown[];
      assert.equal(keys.length, 1);
      // bob's own signature is worthless now.
      const res = await put('TdxVm', await signed(storedPolicy(PERMIT + ' // bob'), bob));
      assert.equal(res.status, 400); // MAA's InvalidOperation
      assert.equal(confideCode(res), 'ERR_POLICY_SIGNER_UNTRUSTED');
    });
  });
}
