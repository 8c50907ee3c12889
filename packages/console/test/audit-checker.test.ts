/**
 * The console's audit log checker (src/verify/audit.ts) against a fake coordinator: after the
 * first round it fetches only the entries after the head it verified (`?after=`); an old entry
 * changed in place is caught by the periodic full round or at once on request; new entries
 * chained onto a changed history, and a history rewritten or cut back under the same key, are
 * caught in the round that sees them.
 */
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sign, type KeyObject } from 'node:crypto';
import { AUDIT_EPOCH_TYPE, AUDIT_GENESIS_HASH, auditEntryHash, canonicalJson, type AuditEntry } from '@confide/audit';
import type { Api } from '../src/api/client.js';
import { createAuditChecker, FULL_EVERY, type AuditCheck } from '../src/verify/audit.js';
import { keyPairSync } from '@confide/test-kit/keys';

function auditKey(): { privateKey: KeyObject; publicKeyJwk: JsonWebKey } {
  const { privateKey, publicKey } = keyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKeyJwk: publicKey.export({ format: 'jwk' }) };
}
const KEY = auditKey();

/** An entry at `seq` after `prevHash`, hashed and signed as the coordinator does (P-256 over the hash bytes, r || s). */
async function entry(seq: number, prevHash: string, details: Record<string, unknown>, type = 'secret.write', key = KEY): Promise<AuditEntry> {
  const body = { seq, time: '2026-12-04T12:00:00.000Z', type, actor: 'coordinator', details, prevHash };
  const hash = await auditEntryHash(body);
  return { ...body, hash, sig: sign('sha256', Buffer.from(hash, 'hex'), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url') };
}

/** A fake coordinator: the lines it serves, the head it states (the last line's unless set), and every path asked for. */
class FakeCoordinator {
  lines: string[] = [];
  statedHead: { seq: number; hash: string } | undefined;
  asked: string[] = [];
  /** The key it signs new entries with and states. */
  key = KEY;
  /** When set, a fetch of the whole log (no ?after=) fails: a server that singles out the full round. */
  failWholeLog = false;

  async append(details: Record<string, unknown> = {}, type?: string): Promise<void> {
    const last = this.lines.length ? (JSON.parse(this.lines.at(-1)!) as AuditEntry) : undefined;
    this.lines.push(canonicalJson(await entry(this.lines.length + 1, last?.hash ?? AUDIT_GENESIS_HASH, details, type, this.key)));
  }

  /** An audit.epoch entry that starts `next`'s part of the log, naming `previous` as the key before it. */
  async startEpoch(next: typeof KEY, previous: JsonWebKey | null): Promise<void> {
    this.key = next;
    await this.append({ epoch: 1, startedBy: 'operator', recoveryReason: 'test', publicKeyJwk: next.publicKeyJwk, previousPublicKeyJwk: previous }, AUDIT_EPOCH_TYPE);
  }

  entry(seq: number): AuditEntry {
    return JSON.parse(this.lines[seq - 1]!) as AuditEntry;
  }

  readonly api: Api = {
    json: async <T>(path: string): Promise<T> => {
      this.asked.push(path);
      assert.equal(path, '/api/v2/audit-log/public-key');
      const last = this.lines.length ? this.entry(this.lines.length) : undefined;
      const head = this.statedHead ?? { seq: last?.seq ?? 0, hash: last?.hash ?? AUDIT_GENESIS_HASH };
      return { data: { publicKeyJwk: this.key.publicKeyJwk, headSeq: head.seq, headHash: head.hash } } as T;
    },
    text: async (path: string): Promise<string> => {
      this.asked.push(path);
      const url = new URL(path, 'https://coordinator');
      assert.equal(url.pathname, '/api/v2/audit-log');
      if (this.failWholeLog && !url.searchParams.has('after')) throw new Error('503 Service Unavailable');
      const after = Number(url.searchParams.get('after') ?? '0');
      return this.lines.slice(after).map((l) => `${l}\n`).join('');
    },
  };
}

/** The log's first entry with other details under its old hash and signature: a change in place. */
function changedInPlace(line: string): string {
  const e = JSON.parse(line) as AuditEntry;
  return canonicalJson({ ...e, details: { ...e.details, changed: true } });
}

const codeOf = (c: AuditCheck): unknown => (c.failure as { code?: string } | undefined)?.code;
const detailsOf = (c: AuditCheck): unknown => (c.failure as { details?: unknown } | undefined)?.details;

describe('audit log checker in the console', () => {
  let coordinator: FakeCoordinator;
  beforeEach(async () => {
    // The page keeps the first key it verified under in localStorage, which Node lacks.
    const kept = new Map<string, string>();
    Object.assign(globalThis, { localStorage: { getItem: (k: string) => kept.get(k) ?? null, setItem: (k: string, v: string) => kept.set(k, v) } });
    coordinator = new FakeCoordinator();
    for (let i = 0; i < 3; i++) await coordinator.append({ n: i });
  });

  it('verifies the whole log first, then fetches only the entries after the head it verified', async () => {
    const checker = createAuditChecker(() => coordinator.api);
    const first = await checker.check();
    assert.deepEqual([first.mode, first.fullReason, first.verified?.count, first.verified?.headSeq, first.keyStatus], ['full', 'first', 3, 3, 'first-seen']);
    assert.deepEqual(coordinator.asked, ['/api/v2/audit-log/public-key', '/api/v2/audit-log']);

    await coordinator.append({ n: 3 });
    await coordinator.append({ n: 4 });
    coordinator.asked = [];
    const second = await checker.check();
    assert.deepEqual(coordinator.asked, ['/api/v2/audit-log/public-key', '/api/v2/audit-log?after=3']);
    assert.deepEqual([second.mode, second.verifiedNow, second.verified?.count, second.verified?.headSeq, second.verified?.headHash], ['incremental', 2, 5, 5, coordinator.entry(5).hash]);
    assert.deepEqual(second.entries.map((e) => e.seq), [1, 2, 3, 4, 5]);

    // Nothing new: the log is not asked for at all.
    coordinator.asked = [];
    const third = await checker.check();
    assert.deepEqual(coordinator.asked, ['/api/v2/audit-log/public-key']);
    assert.deepEqual([third.mode, third.verifiedNow, third.verified?.count, third.keyStatus], ['incremental', 0, 5, 'same']);
  });

  it('an old entry changed in place is not seen by incremental rounds; the periodic full round catches it, and a requested one at once', async () => {
    const checker = createAuditChecker(() => coordinator.api);
    assert.equal((await checker.check()).failure, undefined);
    const original = coordinator.lines[0]!;
    coordinator.lines[0] = changedInPlace(original);
    for (let round = 1; round <= FULL_EVERY; round++) {
      const c = await checker.check();
      assert.deepEqual([c.mode, c.failure, c.roundsToFull], ['incremental', undefined, FULL_EVERY - round], `round ${round}`);
    }
    const periodic = await checker.check();
    assert.deepEqual([periodic.mode, periodic.fullReason, codeOf(periodic), detailsOf(periodic)], ['full', 'periodic', 'ERR_AUDIT_LOG_INVALID', { seq: 1, reason: 'hash' }]);

    coordinator.lines[0] = original;
    const mended = await checker.check();
    assert.deepEqual([mended.mode, mended.fullReason, mended.failure], ['full', 'after-failure', undefined]);
    assert.equal((await checker.check()).mode, 'incremental');

    coordinator.lines[0] = changedInPlace(original);
    checker.requestFull();
    const requested = await checker.check();
    assert.deepEqual([requested.mode, requested.fullReason, codeOf(requested)], ['full', 'requested', 'ERR_AUDIT_LOG_INVALID']);
  });

  it('new entries chained onto a changed history fail in the incremental round that fetches them', async () => {
    const checker = createAuditChecker(() => coordinator.api);
    assert.equal((await checker.check()).failure, undefined);
    // Entry 3 rewritten with the coordinator's own key, and entry 4 chained to the rewritten one.
    coordinator.lines[2] = canonicalJson(await entry(3, coordinator.entry(2).hash, { n: 'rewritten' }));
    await coordinator.append({ n: 3 });
    const c = await checker.check();
    assert.deepEqual([c.mode, codeOf(c), detailsOf(c)], ['incremental', 'ERR_AUDIT_LOG_INVALID', { seq: 4, reason: 'chain' }]);
  });

  it('a history rewritten up to the head verified before, or cut back before it, verifies alone but not as what this page saw', async () => {
    const checker = createAuditChecker(() => coordinator.api);
    assert.equal((await checker.check()).failure, undefined);
    const verifiedThird = coordinator.lines[2]!;
    coordinator.lines[2] = canonicalJson(await entry(3, coordinator.entry(2).hash, { n: 'rewritten' }));
    const rewritten = await checker.check();
    assert.deepEqual([rewritten.mode, rewritten.fullReason, codeOf(rewritten), detailsOf(rewritten)], ['full', 'head-diverged', 'ERR_AUDIT_LOG_INVALID', { seq: 3, reason: 'chain' }]);

    coordinator.lines[2] = verifiedThird;
    assert.equal((await checker.check()).failure, undefined);
    coordinator.lines.pop();
    const cut = await checker.check();
    assert.deepEqual([cut.mode, cut.fullReason, codeOf(cut), detailsOf(cut)], ['full', 'head-diverged', 'ERR_AUDIT_LOG_INVALID', { seq: 3, reason: 'sequence' }]);
  });

  it('a server that fails only the full fetch does not use up the full round: the round fails and the next one verifies the whole log', async () => {
    const checker = createAuditChecker(() => coordinator.api);
    assert.equal((await checker.check()).failure, undefined);
    coordinator.lines[0] = changedInPlace(coordinator.lines[0]!);
    checker.requestFull();
    coordinator.failWholeLog = true;
    const refused = await checker.check();
    assert.deepEqual([refused.mode, refused.fullReason, refused.verified, (refused.failure as Error).message], ['full', 'requested', undefined, '503 Service Unavailable']);
    const again = await checker.check();
    assert.deepEqual([again.mode, again.fullReason, again.verified], ['full', 'after-failure', undefined]);
    coordinator.failWholeLog = false;
    const caught = await checker.check();
    assert.deepEqual([caught.mode, caught.fullReason, codeOf(caught), detailsOf(caught)], ['full', 'after-failure', 'ERR_AUDIT_LOG_INVALID', { seq: 1, reason: 'hash' }]);
  });

  it('a log of another key that opens with an epoch naming the kept key is a changed key, not a rotation; a real start-over after entries under the kept key is a rotation', async () => {
    assert.equal((await createAuditChecker(() => coordinator.api).check()).keyStatus, 'first-seen');
    const attacker = auditKey();
    const forged = new FakeCoordinator();
    await forged.startEpoch(attacker, KEY.publicKeyJwk);
    await forged.append({ n: 'forged' });
    const seen = await createAuditChecker(() => forged.api).check();
    assert.deepEqual([seen.failure, seen.keyStatus], [undefined, 'changed']);

    await coordinator.startEpoch(auditKey(), KEY.publicKeyJwk);
    await coordinator.append({ n: 'after the start-over' });
    const rotated = await createAuditChecker(() => coordinator.api).check();
    assert.deepEqual([rotated.failure, rotated.keyStatus], [undefined, 'rotated']);
  });
});
