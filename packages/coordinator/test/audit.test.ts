import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey, verify as nodeVerify, type JsonWebKey as NodeJwk } from 'node:crypto';
import { fixedClock, fromBase64, isConfideError, toBase64Url, type ErrorCode } from '@confide/core';
import { openSqliteStore, type Store } from '@confide/store';
import { AUDIT_GENESIS_HASH, auditEntryHash, canonicalJson, verifyAuditLog, type AuditEntry } from '@confide/audit';
import { appendAudit, CoordinatorLifecycle, createAuditSigner, createMemorySealProvider, exportAuditLog, generateAuditKeyPair, readAuditHead, type AuditContext, type AuditEvent } from '../src/index.js';

const AT = new Date('2026-03-01T12:00:00.000Z');

const EVENTS: AuditEvent[] = [
  { type: 'manifest.set', actor: 'admin', details: { manifestHash: 'ab'.repeat(32), recoveryKeys: ['alice', 'bob'] } },
  { type: 'secret.write', actor: 'admin', details: { secrets: ['apiKey'] } },
  { type: 'marble.activate', actor: '6f0c5e5e-0000-4000-8000-000000000001', details: { marbleType: 'backend', tcbStatus: 'UpToDate' } },
  { type: 'package.update', actor: 'admin', details: { package: 'backend-pkg', securityVersion: 4 } },
  { type: 'manifest.update', actor: 'admin', details: { manifestHash: 'cd'.repeat(32) } },
];

interface Fixture {
  store: Store;
  ctx: AuditContext;
  publicKeyJwk: JsonWebKey;
  lines: string[];
}

/** Appends EVENTS, each in its own transaction with the change it records, and exports. */
async function fixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const store = openSqliteStore(':memory:');
  try {
    const { privateKeyJwk, publicKeyJwk } = await generateAuditKeyPair();
    const ctx: AuditContext = { signer: await createAuditSigner(privateKeyJwk), clock: fixedClock(AT) };
    for (const [i, event] of EVENTS.entries()) {
      await store.tx(async (repos) => {
        await repos.policies.put({ type: `change-${i}`, text: String(i), jws: '', signer: null, setAt: AT.toISOString() });
        await appendAudit(repos, event, ctx);
      });
    }
    const lines = (await exportAuditLog(store)).trimEnd().split('\n');
    await fn({ store, ctx, publicKeyJwk, lines });
  } finally {
    await store.close();
  }
}

async function rejectsAt(p: Promise<unknown>, seq: number, reason: string, found?: number): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(isConfideError(err, 'ERR_AUDIT_LOG_INVALID'), `expected ERR_AUDIT_LOG_INVALID, got ${String(err)}`);
    assert.equal(err.details?.seq, seq);
    assert.equal(err.details?.reason, reason);
    if (found !== undefined) assert.equal(err.details?.found, found);
    return true;
  });
}

async function rejectsCode(p: Promise<unknown>, code: ErrorCode): Promise<void> {
  await assert.rejects(p, (err: unknown) => isConfideError(err, code));
}

function edit(lines: string[], index: number, change: (e: AuditEntry) => void): string[] {
  const out = [...lines];
  const entry = JSON.parse(out[index]!) as AuditEntry;
  change(entry);
  out[index] = JSON.stringify(entry);
  return out;
}

test('canonical JSON sorts keys at every depth, drops undefined members and has no whitespace', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, null, 'x', { d: 1, c: 2 }], c: { z: 1.5, y: -0 }, u: undefined }), '{"a":[true,null,"x",{"c":2,"d":1}],"b":1,"c":{"y":0,"z":1.5}}');
  assert.equal(canonicalJson({ '\u00e9': 1, z: 2, Z: 3, '10': 4, '9': 5 }), '{"10":4,"9":5,"Z":3,"z":2,"\u00e9":1}');
  for (const bad of [{ a: NaN }, { a: Infinity }, { a: new Uint8Array(1) }, { a: new Date(0) }, [undefined], { a: 1n }]) {
    assert.throws(() => canonicalJson(bad), (err: unknown) => isConfideError(err, 'ERR_INTERNAL'));
  }
});

test('entries chain from the genesis hash, carry the clock time, and the log verifies with count and head', async () => {
  await fixture(async ({ store, publicKeyJwk, lines }) => {
    assert.equal(lines.length, 5);
    const entries = lines.map((l) => JSON.parse(l) as AuditEntry);
    assert.deepEqual(entries.map((e) => e.seq), [1, 2, 3, 4, 5]);
    assert.equal(entries[0]!.prevHash, AUDIT_GENESIS_HASH);
    for (let i = 1; i < 5; i++) assert.equal(entries[i]!.prevHash, entries[i - 1]!.hash);
    assert.equal(entries[2]!.time, '2026-03-01T12:00:00.000Z');
    assert.equal(entries[2]!.actor, '6f0c5e5e-0000-4000-8000-000000000001');
    assert.deepEqual(entries[3]!.details, { package: 'backend-pkg', securityVersion: 4 });
    for (const line of lines) assert.equal(line, canonicalJson(JSON.parse(line)));

    const head = await readAuditHead(store);
    assert.deepEqual(head, { seq: 5, hash: entries[4]!.hash });
    assert.deepEqual(await verifyAuditLog(lines.join('\n') + '\n', publicKeyJwk), { count: 5, headSeq: 5, headHash: head.hash, epochs: [] });
    assert.deepEqual(await verifyAuditLog(lines, publicKeyJwk), { count: 5, headSeq: 5, headHash: head.hash, epochs: [] });
    assert.deepEqual((await store.auditLog.list()).map((r) => r.entry), lines, 'the store keeps each entry as the exported line');
  });
});

test('the hash and signature follow the documented format (checked with node:crypto, not the verifier)', async () => {
  await fixture(async ({ publicKeyJwk, lines }) => {
    const entry = JSON.parse(lines[1]!) as AuditEntry;
    const text =
      `{"actor":"admin","details":{"secrets":["apiKey"]},"prevHash":"${entry.prevHash}","seq":2,` +
      `"time":"2026-03-01T12:00:00.000Z","type":"secret.write"}`;
    assert.equal(entry.hash, createHash('sha256').update(text).digest('hex'));
    assert.equal(await auditEntryHash(entry), entry.hash);
    const key = createPublicKey({ key: publicKeyJwk as NodeJwk, format: 'jwk' });
    assert.ok(nodeVerify('sha256', Buffer.from(entry.hash, 'hex'), { key, dsaEncoding: 'ieee-p1363' }, fromBase64(entry.sig)));
    assert.equal(fromBase64(entry.sig).length, 64);
  });
});

test('an empty log verifies with count 0 and the genesis head', async () => {
  const { publicKeyJwk } = await generateAuditKeyPair();
  assert.deepEqual(await verifyAuditLog('', publicKeyJwk), { count: 0, headSeq: 0, headHash: AUDIT_GENESIS_HASH, epochs: [] });
});

test('edited details are detected at that seq (hash), also when the hash is recomputed (signature)', async () => {
  await fixture(async ({ publicKeyJwk, lines }) => {
    const edited = edit(lines, 2, (e) => (e.details.marbleType = 'frontend'));
    await rejectsAt(verifyAuditLog(edited, publicKeyJwk), 3, 'hash');
    const rehashed = [...lines];
    const entry = JSON.parse(lines[2]!) as AuditEntry;
    entry.details.marbleType = 'frontend';
    entry.hash = await auditEntryHash(entry);
    rehashed[2] = JSON.stringify(entry);
    await rejectsAt(verifyAuditLog(rehashed, publicKeyJwk), 3, 'signature');
  });
});

test('a deleted entry is detected at its seq (sequence, found the next one)', async () => {
  await fixture(async ({ publicKeyJwk, lines }) => {
    await rejectsAt(verifyAuditLog(lines.filter((_, i) => i !== 2), publicKeyJwk), 3, 'sequence', 4);
    await rejectsAt(verifyAuditLog(lines.slice(1), publicKeyJwk), 1, 'sequence', 2);
  });
});

test('reordered entries are detected at the first moved seq', async () => {
  await fixture(async ({ publicKeyJwk, lines }) => {
    const swapped = [...lines];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    await rejectsAt(verifyAuditLog(swapped, publicKeyJwk), 3, 'sequence', 4);
  });
});

test('a forged signature is detected at that seq; another public key fails at seq 1', async () => {
  await fixture(async ({ publicKeyJwk, lines }) => {
    const other = await createAuditSigner((await generateAuditKeyPair()).privateKeyJwk);
    const forged = await Promise.all(
      lines.map(async (line, i) => {
        if (i !== 3) return line;
        const entry = JSON.parse(line) as AuditEntry;
        entry.sig = toBase64Url(await other.sign(Buffer.from(entry.hash, 'hex')));
        return JSON.stringify(entry);
      }),
    );
    await rejectsAt(verifyAuditLog(forged, publicKeyJwk), 4, 'signature');
    await rejectsAt(verifyAuditLog(lines, other.publicKeyJwk), 1, 'signature');
    await rejectsAt(verifyAuditLog(edit(lines, 3, (e) => (e.sig = 'AAAA')), publicKeyJwk), 4, 'signature');
  });
});

test('a correctly signed entry with a wrong prevHash is detected at that seq (chain)', async () => {
  await fixture(async ({ ctx, publicKeyJwk, lines }) => {
    const entry = JSON.parse(lines[2]!) as AuditEntry;
    entry.prevHash = 'ff'.repeat(32);
    entry.hash = await auditEntryHash(entry);
    entry.sig = toBase64Url(await ctx.signer.sign(Buffer.from(entry.hash, 'hex')));
    const relinked = [...lines];
    relinked[2] = JSON.stringify(entry);
    await rejectsAt(verifyAuditLog(relinked, publicKeyJwk), 3, 'chain');
  });
});

test('malformed lines and extra fields are detected at their position', async () => {
  await fixture(async ({ publicKeyJwk, lines }) => {
    const broken = [...lines];
    broken[1] = '{not json';
    await rejectsAt(verifyAuditLog(broken, publicKeyJwk), 2, 'malformed');
    await rejectsAt(verifyAuditLog(edit(lines, 1, (e) => Object.assign(e, { note: 'x' })), publicKeyJwk), 2, 'malformed');
    await rejectsAt(verifyAuditLog(edit(lines, 1, (e) => (e.hash = e.hash.toUpperCase())), publicKeyJwk), 2, 'malformed');
    await rejectsAt(verifyAuditLog(edit(lines, 1, (e) => ((e as unknown as { seq: string }).seq = '2')), publicKeyJwk), 2, 'malformed');
  });
});

test('cutting entries off the end leaves a valid shorter log whose head differs from the store head', async () => {
  await fixture(async ({ store, publicKeyJwk, lines }) => {
    const result = await verifyAuditLog(lines.slice(0, 4), publicKeyJwk);
    assert.equal(result.count, 4);
    assert.notEqual(result.headHash, (await readAuditHead(store)).hash);
  });
});

test('the public key can be given as JWK, JWK text, SPKI DER or SPKI PEM; anything else is ERR_INPUT_UNREADABLE', async () => {
  await fixture(async ({ publicKeyJwk, lines }) => {
    const key = createPublicKey({ key: publicKeyJwk as NodeJwk, format: 'jwk' });
    const der = new Uint8Array(key.export({ type: 'spki', format: 'der' }));
    const pem = key.export({ type: 'spki', format: 'pem' }).toString();
    for (const k of [JSON.stringify(publicKeyJwk), der, pem]) assert.equal((await verifyAuditLog(lines, k)).count, 5);
    await rejectsCode(verifyAuditLog(lines, 'not a key'), 'ERR_INPUT_UNREADABLE');
    await rejectsCode(verifyAuditLog(lines, { kty: 'EC', crv: 'P-384' }), 'ERR_INPUT_UNREADABLE');
  });
});

test('a rolled-back transaction leaves no audit entry and the next entry continues the chain', async () => {
  await fixture(async ({ store, ctx, publicKeyJwk, lines }) => {
    await assert.rejects(
      store.tx(async (repos) => {
        await appendAudit(repos, { type: 'secret.write', actor: 'admin', details: { secrets: ['db'] } }, ctx);
        throw new Error('the change failed');
      }),
      /the change failed/,
    );
    assert.equal(await exportAuditLog(store), lines.map((l) => l + '\n').join(''));
    assert.equal((await readAuditHead(store)).seq, 5);
    const next = await store.tx((repos) => appendAudit(repos, { type: 'recovery.complete', actor: 'coordinator' }, ctx));
    assert.equal(next.seq, 6);
    assert.deepEqual(next.details, {});
    const all = await exportAuditLog(store);
    assert.equal((await verifyAuditLog(all, publicKeyJwk)).count, 6);
  });
});

test('append refuses unknown types and details that are not plain JSON (ERR_INTERNAL), without writing', async () => {
  await fixture(async ({ store, ctx }) => {
    await rejectsCode(store.tx((repos) => appendAudit(repos, { type: 'secret.read' as AuditEvent['type'], actor: 'x' }, ctx)), 'ERR_INTERNAL');
    await rejectsCode(store.tx((repos) => appendAudit(repos, { type: 'secret.write', actor: 'x', details: { value: new Uint8Array(4) } }, ctx)), 'ERR_INTERNAL');
    assert.equal((await readAuditHead(store)).seq, 5);
  });
});

test('a second writer on the same seq gets ERR_STORE_CONFLICT, and its transaction writes nothing', async () => {
  await fixture(async ({ store, ctx }) => {
    const stale = await readAuditHead(store);
    // Another writer appended seq 6 after this one read the head.
    await store.auditLog.append({ seq: 6, prevHash: stale.hash, hash: 'ab'.repeat(32), entry: '{}' });
    await rejectsCode(
      store.tx(async (repos) => {
        await repos.policies.put({ type: 'lost', text: 'x', jws: '', signer: null, setAt: AT.toISOString() });
        await appendAudit({ ...repos, auditLog: { ...repos.auditLog, head: async () => stale } }, { type: 'secret.write', actor: 'x' }, ctx);
      }),
      'ERR_STORE_CONFLICT',
    );
    assert.equal((await readAuditHead(store)).seq, 6);
    assert.equal(await store.policies.get('lost'), undefined);
  });
});


test('onAudit is told the entries of a committed change, as the log holds them, and nothing of a rolled-back one', async () => {
  const store = openSqliteStore(':memory:');
  try {
    const told: AuditEntry[][] = [];
    const lifecycle = await CoordinatorLifecycle.start({ store, seal: createMemorySealProvider(new Uint8Array(32).fill(5)), clock: fixedClock(AT), onAudit: async (entries) => void told.push([...entries]) });
    await lifecycle.change('setManifest', async () => ({ result: undefined, audit: [EVENTS[0]!, EVENTS[1]!] }));
    assert.equal(told.length, 1);
    assert.deepEqual(told[0], (await exportAuditLog(store)).trimEnd().split('\n').map((l) => JSON.parse(l)));
    // The second event is refused inside the transaction: the first one is rolled back with it, and nobody is told.
    await rejectsCode(lifecycle.change('setManifest', async () => ({ result: undefined, audit: [EVENTS[3]!, { type: 'no.such.type' as AuditEvent['type'], actor: 'x' }] })), 'ERR_INTERNAL');
    assert.equal(told.length, 1);
    assert.equal((await readAuditHead(store)).seq, 2);
  } finally {
    await store.close();
  }
});

test('an audit key JWK that is not a private P-256 key, or whose x and y are not the point of its d, is refused with ERR_CONFIG_INVALID', async () => {
  const { privateKeyJwk } = await generateAuditKeyPair();
  const { publicKeyJwk: other } = await generateAuditKeyPair();
  const refused = (err: unknown): boolean => isConfideError(err, 'ERR_CONFIG_INVALID');
  await assert.rejects(createAuditSigner({ ...privateKeyJwk, x: other.x, y: other.y }), refused, "another key's point");
  await assert.rejects(createAuditSigner({ ...privateKeyJwk, d: undefined }), refused, 'no d');
  await assert.rejects(createAuditSigner({ ...privateKeyJwk, crv: 'P-384' }), refused, 'another curve');
  await assert.rejects(createAuditSigner({ ...privateKeyJwk, d: toBase64Url(new Uint8Array(31).fill(1)) }), refused, 'a scalar of the wrong size');
  const signer = await createAuditSigner(privateKeyJwk);
  const data = new TextEncoder().encode('entry');
  const key = createPublicKey({ key: signer.publicKeyJwk as NodeJwk, format: 'jwk' });
  assert.equal(nodeVerify('sha256', data, { key, dsaEncoding: 'ieee-p1363' }, await signer.sign(data)), true);
});
