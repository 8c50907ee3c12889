/**
 * The coordinator's audit log, fetched and verified in the page with @confide/audit (hash chain,
 * signatures, head). From round to round only what is new is fetched and verified; the whole log
 * is fetched and verified from entry 1 on the first round, every FULL_EVERY rounds, on request,
 * and whenever the server's answer does not continue what this page verified.
 */
import { AUDIT_EPOCH_TYPE, AuditError, auditKeyThumbprint, verifyAuditLog, type AuditEntry, type AuditVerification } from '@confide/audit';
import type { Api } from '../api/client.js';
import { pinnedAuditKey } from './audit-key-pin.js';

/** Rounds between two verifications of the whole log (with the page's 3-second rounds, about half a minute). */
export const FULL_EVERY = 10;

/** Why a round verified the whole log. */
export type FullReason = 'first' | 'periodic' | 'requested' | 'key-changed' | 'head-diverged' | 'after-failure';

export interface AuditCheck {
  entries: AuditEntry[];
  /** The verification, or the error (ERR_AUDIT_*) that stopped it. */
  verified: AuditVerification | undefined;
  failure: unknown;
  /** The head the server states beside its key: the log must end exactly there (a cut log verifies too). */
  statedHead: { seq: number; hash: string };
  /**
   * The audit key against the one this browser kept from its first verified visit: a server that
   * re-signed its whole log with a new key would verify, but not as the same key. 'rotated' is a
   * new key that the log's epoch entries chain back to the kept one.
   */
  keyStatus: 'pinned' | 'first-seen' | 'same' | 'rotated' | 'changed' | 'unverified';
  /** 'incremental': only the entries after the head verified before were fetched and verified. */
  mode: 'full' | 'incremental';
  /** Why this round was full; undefined for an incremental one. */
  fullReason: FullReason | undefined;
  /** Entries hashed and signature-checked in this round. */
  verifiedNow: number;
  /** Incremental rounds left before the next full one. */
  roundsToFull: number;
}

export interface AuditChecker {
  /** One round: fetches what it needs and verifies it. */
  check(): Promise<AuditCheck>;
  /** The next round verifies the whole log from entry 1. */
  requestFull(): void;
}

const KEPT = 'confide.console.auditKey';

const idOf = (jwk: JsonWebKey | undefined): string => `${jwk?.x ?? ''}.${jwk?.y ?? ''}`;

/**
 * Whether the log continues, under a new key, a part signed by a key `matches` accepts: an epoch
 * entry names it as the key before it, and verifyAuditLog checked that key signed the entries
 * before that epoch. An epoch at seq 1 has no entries before it, so naming a key there proves
 * nothing (anyone can copy a public key into a log of their own): it vouches for no key.
 */
async function vouchedFor(entries: AuditEntry[], matches: (previous: JsonWebKey) => boolean | Promise<boolean>): Promise<boolean> {
  for (const e of entries) {
    const previous = e.details['previousPublicKeyJwk'] as JsonWebKey | null | undefined;
    if (e.type === AUDIT_EPOCH_TYPE && e.seq > 1 && previous !== null && previous !== undefined && (await matches(previous))) return true;
  }
  return false;
}

/**
 * Judges the key against the pinned fingerprint when there is one (the pin stays: a rotated key
 * is shown as such until the operator pins the new one), else against the kept key, keeping the
 * new one when the log vouches for it.
 */
async function keyStatusOf(key: JsonWebKey, entries: AuditEntry[], verified: AuditVerification | undefined): Promise<AuditCheck['keyStatus']> {
  if (!verified) return 'unverified';
  const pin = pinnedAuditKey();
  if (pin !== undefined) {
    if ((await auditKeyThumbprint(key)) === pin) return 'pinned';
    return (await vouchedFor(entries, async (previous) => (await auditKeyThumbprint(previous)) === pin)) ? 'rotated' : 'changed';
  }
  const kept = localStorage.getItem(KEPT);
  const id = idOf(key);
  const keep = (status: AuditCheck['keyStatus']): AuditCheck['keyStatus'] => {
    localStorage.setItem(KEPT, id);
    return status;
  };
  if (kept === null) return keep('first-seen');
  if (kept === id) return 'same';
  return (await vouchedFor(entries, (previous) => idOf(previous) === kept)) ? keep('rotated') : 'changed';
}

/** What the page verified: its entries, the key and the head they end at. */
interface Verified {
  entries: AuditEntry[];
  keyId: string;
  verified: AuditVerification;
}

interface KeyAnswer {
  data: { publicKeyJwk: JsonWebKey; headSeq: number; headHash: string };
}

const linesOf = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

function parsed(lines: string[]): AuditEntry[] {
  try {
    return lines.map((l) => JSON.parse(l) as AuditEntry);
  } catch {
    // Not JSON: verifyAuditLog names the line; the table shows what parsed before.
    return [];
  }
}

/**
 * A full log must hold, at the head verified before, the very entry verified then: a log cut
 * back, or changed and chained again up to a new head, verifies on its own, but it is not the
 * history this page saw. Throws ERR_AUDIT_LOG_INVALID.
 */
function assertKeepsHistory(entries: AuditEntry[], before: Verified | undefined): void {
  if (before === undefined || before.verified.headSeq === 0) return;
  const seq = before.verified.headSeq;
  const entry = entries[seq - 1];
  if (entry === undefined) throw new AuditError('ERR_AUDIT_LOG_INVALID', `audit log invalid at seq ${seq}: the log ends before the entry this page verified there`, { details: { seq, reason: 'sequence' } });
  if (entry.hash !== before.verified.headHash) throw new AuditError('ERR_AUDIT_LOG_INVALID', `audit log invalid at seq ${seq}: not the entry this page verified there`, { details: { seq, reason: 'chain' } });
}

/**
 * An audit log checker that remembers the head it verified. A round asks for the key and the
 * head the server states; when the key is the one verified before and the stated head does not
 * go back on the head verified before, it fetches only the entries after that head
 * (`GET /api/v2/audit-log?after=seq`) and verifies them as its continuation: the first must name
 * the verified head's hash as its prevHash, so new entries chained onto a changed history fail.
 * The entries verified before are not fetched again in such a round, so a change to one of them
 * that keeps its stored hash is caught by the next full round (at most FULL_EVERY rounds later,
 * or at once with requestFull): that round fetches the whole log, verifies it from entry 1 (the
 * changed entry's hash no longer matches) and checks that it still holds the head verified before.
 */
export function createAuditChecker(apiNow: () => Api): AuditChecker {
  /** The last log this page verified; a round after a failure starts from entry 1 but still checks it keeps this history. */
  let kept: Verified | undefined;
  let failedBefore = false;
  let sinceFull = 0;
  let requested = false;

  /** The entries a round fetched (to show, even when they fail) and the verification of them. */
  interface Round {
    entries: AuditEntry[];
    fetched: number;
    verify: () => Promise<AuditVerification>;
  }

  async function full(key: KeyAnswer['data']): Promise<Round> {
    const lines = linesOf(await apiNow().text('/api/v2/audit-log'));
    const entries = parsed(lines);
    const before = kept;
    return {
      entries,
      fetched: lines.length,
      verify: async () => {
        const verified = await verifyAuditLog(lines, key.publicKeyJwk);
        assertKeepsHistory(entries, before);
        return verified;
      },
    };
  }

  async function incremental(key: KeyAnswer['data'], before: Verified): Promise<Round> {
    const head = before.verified;
    const lines = head.headSeq === key.headSeq ? [] : linesOf(await apiNow().text(`/api/v2/audit-log?after=${head.headSeq}`));
    return {
      entries: [...before.entries, ...parsed(lines)],
      fetched: lines.length,
      verify: async () => {
        const more = await verifyAuditLog(lines, key.publicKeyJwk, { after: { seq: head.headSeq, hash: head.headHash } });
        return { count: head.count + more.count, headSeq: more.headSeq, headHash: more.headHash, epochs: [...head.epochs, ...more.epochs] };
      },
    };
  }

  function fullReason(key: KeyAnswer['data']): FullReason | undefined {
    if (kept === undefined) return 'first';
    if (failedBefore) return 'after-failure';
    if (requested) return 'requested';
    if (sinceFull >= FULL_EVERY) return 'periodic';
    if (kept.keyId !== idOf(key.publicKeyJwk)) return 'key-changed';
    // A stated head behind the verified one, or at its seq with another hash, does not continue it.
    const head = kept.verified;
    if (key.headSeq < head.headSeq || (key.headSeq === head.headSeq && key.headHash !== head.headHash)) return 'head-diverged';
    return undefined;
  }

  return {
    requestFull() {
      requested = true;
    },
    async check() {
      const key = (await apiNow().json<KeyAnswer>('/api/v2/audit-log/public-key')).data;
      const statedHead = { seq: key.headSeq, hash: key.headHash };
      const reason = fullReason(key);
      const mode = reason === undefined ? 'incremental' : 'full';
      let round: Round | undefined;
      try {
        round = reason === undefined ? await incremental(key, kept!) : await full(key);
        const verified = await round.verify();
        kept = { entries: round.entries, keyId: idOf(key.publicKeyJwk), verified };
        failedBefore = false;
        // A full round counts only once it verified: a server that fails just the full fetch (the
        // one without ?after=) must not use up the periodic or requested round.
        if (reason === undefined) sinceFull++;
        else [requested, sinceFull] = [false, 0];
        const keyStatus = await keyStatusOf(key.publicKeyJwk, round.entries, verified);
        return { entries: round.entries, verified, failure: undefined, statedHead, keyStatus, mode, fullReason: reason, verifiedNow: round.fetched, roundsToFull: FULL_EVERY - sinceFull };
      } catch (failure) {
        // Any failure, a fetch's included, makes the next round verify the whole log.
        failedBefore = true;
        return { entries: round?.entries ?? kept?.entries ?? [], verified: undefined, failure, statedHead, keyStatus: 'unverified', mode, fullReason: reason, verifiedNow: 0, roundsToFull: 0 };
      }
    },
  };
}
