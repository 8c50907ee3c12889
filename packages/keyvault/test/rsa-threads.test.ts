/** RSA signatures on the pool's threads: the same bytes as on the event loop, which stays free meanwhile. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { constants, createHash, generateKeyPairSync, verify as nodeVerify } from 'node:crypto';
import { setImmediate } from 'node:timers';
import { generateKeyMaterial, loadKey, rsaPrivateInline, RsaThreadPool, sign, signWith, type RsaPrivateOperation } from '../src/index.js';
import { AnswerSlots, ANSWER_BYTES, SLOTS } from '../src/crypto/rsa-threads/answer-slots.js';

const message = Buffer.from('the data a client hashed');
const digestOf = (h: string) => createHash(h).update(message).digest();

/** How many turns the event loop takes while `work` is out. */
async function turnsDuring(work: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let done = false;
  const spin = () => {
    if (done) return;
    turns += 1;
    setImmediate(spin);
  };
  const out = work().finally(() => (done = true));
  setImmediate(spin);
  await out;
  return turns;
}

test('RS signatures from the threads are the bytes the event loop makes; PS ones verify; many at once all verify', async () => {
  const pool = new RsaThreadPool(2);
  try {
    const key = loadKey(await generateKeyMaterial({ family: 'RSA', size: 2048, publicExponent: 65537 }));
    for (const [alg, h] of [['RS256', 'sha256'], ['RS384', 'sha384'], ['RS512', 'sha512']] as const) {
      assert.deepEqual(Buffer.from(await signWith(key, alg, digestOf(h), pool.run)), Buffer.from(sign(key, alg, digestOf(h))), alg);
    }
    for (const [alg, h] of [['PS256', 'sha256'], ['PS384', 'sha384'], ['PS512', 'sha512']] as const) {
      const sig = await signWith(key, alg, digestOf(h), pool.run);
      assert.ok(nodeVerify(h, message, { key: key.publicKey!, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: createHash(h).digest().length }, sig), alg);
    }
    const many = await Promise.all(Array.from({ length: 24 }, () => signWith(key, 'RS256', digestOf('sha256'), pool.run)));
    for (const sig of many) assert.ok(nodeVerify('sha256', message, key.publicKey!, sig));
  } finally {
    await pool.close();
  }
});

test('bad input throws ERR_KEY_BAD_PARAMETER before any thread is asked', async () => {
  let asked = 0;
  const counting: RsaPrivateOperation = async (k, input) => {
    asked += 1;
    return rsaPrivateInline(k, input);
  };
  const key = loadKey(await generateKeyMaterial({ family: 'RSA', size: 2048, publicExponent: 65537 }));
  await assert.rejects(signWith(key, 'RS256', digestOf('sha384'), counting), { code: 'ERR_KEY_BAD_PARAMETER' });
  await assert.rejects(signWith(key, 'ES256', digestOf('sha256'), counting), { code: 'ERR_KEY_BAD_PARAMETER' });
  assert.equal(asked, 0);
});

test('the private operation leaves the event loop free on the threads, not inline', async () => {
  // RSA-4096: a few milliseconds a signature, many event loop turns when it runs elsewhere.
  const key = loadKey(await generateKeyMaterial({ family: 'RSA', size: 4096, publicExponent: 65537 }));
  const four = (run: RsaPrivateOperation) => () => Promise.all(Array.from({ length: 4 }, () => signWith(key, 'RS256', digestOf('sha256'), run)));
  assert.equal(await turnsDuring(four(rsaPrivateInline)), 0);
  const pool = new RsaThreadPool(2);
  try {
    assert.ok((await turnsDuring(four(pool.run))) > 0);
  } finally {
    await pool.close();
  }
});

test('an operation the thread refuses rejects with its error, and the pool goes on; after close it runs inline', async () => {
  const pool = new RsaThreadPool(1);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  // Without padding the input must be below the modulus: all ones is not.
  await assert.rejects(pool.run(privateKey, { padding: 'none', data: new Uint8Array(256).fill(0xff) }));
  const input = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), digestOf('sha256')]);
  const sig = await pool.run(privateKey, { padding: 'pkcs1', data: input });
  assert.ok(nodeVerify('sha256', message, publicKey, sig));
  await pool.close();
  assert.deepEqual(Buffer.from(await pool.run(privateKey, { padding: 'pkcs1', data: input })), Buffer.from(sig));
});

test('more requests than a thread has answer slots wait for one on the event loop, and all are answered', async () => {
  const pool = new RsaThreadPool(1);
  try {
    const key = loadKey(await generateKeyMaterial({ family: 'RSA', size: 2048, publicExponent: 65537 }));
    const many = await Promise.all(Array.from({ length: SLOTS + 40 }, () => signWith(key, 'RS256', digestOf('sha256'), pool.run)));
    for (const sig of many) assert.ok(nodeVerify('sha256', message, key.publicKey!, sig));
  } finally {
    await pool.close();
  }
});

test('answer slots: a result is taken once, as written, and frees its slot; an error comes back as its text, cut to the slot; a result that does not fit is refused', () => {
  const slots = new AnswerSlots();
  const seen = slots.announced();
  assert.equal(slots.take(3), undefined);
  slots.writeResult(3, Uint8Array.of(1, 2, 3));
  slots.writeError(4, 'x'.repeat(ANSWER_BYTES + 10));
  slots.announce();
  assert.equal(slots.announced(), seen + 1);
  assert.deepEqual(slots.take(3), { result: Uint8Array.of(1, 2, 3) });
  assert.equal(slots.take(3), undefined);
  assert.equal(slots.take(4)?.error, 'x'.repeat(ANSWER_BYTES));
  assert.throws(() => slots.writeResult(5, new Uint8Array(ANSWER_BYTES + 1)), RangeError);
  assert.throws(() => slots.writeResult(5, new Uint8Array(0)), RangeError);
});

test('a pool has one thread or more', () => {
  assert.throws(() => new RsaThreadPool(0), RangeError);
  assert.throws(() => new RsaThreadPool(1.5), RangeError);
});
