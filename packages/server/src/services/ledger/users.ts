/**
 * The Confidential Ledger's users: an AAD object id (from a bearer JWT's `oid`) or a client
 * certificate's SHA-256 fingerprint, each with one role. The ledger always keeps an Administrator.
 */
import { createHash } from 'node:crypto';
import { LedgerError } from '@confide/ledger';
import type { LedgerRole, Store } from '@confide/store';

export type { LedgerRole } from '@confide/store';
export const LEDGER_ROLES: readonly LedgerRole[] = ['Administrator', 'Contributor', 'Reader'];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FINGERPRINT = /^(?:[0-9a-f]{2}:){31}[0-9a-f]{2}$|^[0-9a-f]{64}$/i;
// An issuer's own subject ids (`sub`) when it has no AAD `oid`: no separators that could alias another form.
const OTHER = /^[A-Za-z0-9._@-]{1,128}$/;

/** A certificate's user id: its SHA-256 fingerprint, upper-case hex bytes joined by colons (as node and the Azure portal print it). */
export function certificateUserId(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex').toUpperCase().match(/../g)!.join(':');
}

/** The one spelling of a user id: GUIDs lower-case, fingerprints as certificateUserId spells them. Throws ERR_LEDGER_USER_ID_INVALID. */
export function normalizeUserId(userId: string): string {
  if (GUID.test(userId)) return userId.toLowerCase();
  if (FINGERPRINT.test(userId)) return userId.replace(/:/g, '').toUpperCase().match(/../g)!.join(':');
  if (OTHER.test(userId)) return userId;
  throw new LedgerError('ERR_LEDGER_USER_ID_INVALID', 'a user id is an AAD object id (GUID), a certificate SHA-256 fingerprint, or a token subject of letters, digits and . _ @ -', { details: { userId } });
}

export class LedgerUsers {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Makes each of `userIds` an Administrator (the configured first administrators), keeping any other role they were given. */
  async seed(userIds: readonly string[]): Promise<void> {
    for (const id of userIds) {
      const userId = normalizeUserId(id);
      if (!(await this.#store.ledgerUsers.get(userId))) await this.#store.ledgerUsers.put({ userId, role: 'Administrator' });
    }
  }

  async roleOf(userId: string): Promise<LedgerRole | undefined> {
    return (await this.#store.ledgerUsers.get(userId))?.role;
  }

  /** Throws ERR_LEDGER_USER_ID_INVALID, ERR_LEDGER_USER_NOT_FOUND. */
  async get(userId: string): Promise<{ assignedRole: LedgerRole; userId: string }> {
    const id = normalizeUserId(userId);
    const row = await this.#store.ledgerUsers.get(id);
    if (!row) throw new LedgerError('ERR_LEDGER_USER_NOT_FOUND', `no ledger user ${id}`, { details: { userId: id } });
    return { assignedRole: row.role, userId: id };
  }

  /** Adds the user or changes its role. Throws ERR_LEDGER_USER_ID_INVALID, ERR_LEDGER_LAST_ADMINISTRATOR. */
  async set(userId: string, role: LedgerRole): Promise<{ assignedRole: LedgerRole; userId: string }> {
    const id = normalizeUserId(userId);
    await this.#store.tx(async (repos) => {
      const before = await repos.ledgerUsers.get(id);
      if (before?.role === 'Administrator' && role !== 'Administrator') await lastAdministratorCheck(repos.ledgerUsers);
      await repos.ledgerUsers.put({ userId: id, role });
    });
    return { assignedRole: role, userId: id };
  }

  /** Throws ERR_LEDGER_USER_ID_INVALID, ERR_LEDGER_USER_NOT_FOUND, ERR_LEDGER_LAST_ADMINISTRATOR. */
  async delete(userId: string): Promise<void> {
    const id = normalizeUserId(userId);
    await this.#store.tx(async (repos) => {
      const before = await repos.ledgerUsers.get(id);
      if (!before) throw new LedgerError('ERR_LEDGER_USER_NOT_FOUND', `no ledger user ${id}`, { details: { userId: id } });
      if (before.role === 'Administrator') await lastAdministratorCheck(repos.ledgerUsers);
      await repos.ledgerUsers.delete(id);
    });
  }
}

async function lastAdministratorCheck(users: Store['ledgerUsers']): Promise<void> {
  if ((await users.count('Administrator')) <= 1) throw new LedgerError('ERR_LEDGER_LAST_ADMINISTRATOR', 'the ledger would have no Administrator left');
}
