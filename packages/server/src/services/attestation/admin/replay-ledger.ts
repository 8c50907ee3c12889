/**
 * Isolated mode's answer to replayed management requests. The Azure SDK signs only the policy
 * text (or nothing, for a reset) with no type, time or nonce, so a captured request is valid
 * forever and for every type. The ledger makes each signed request a one-time change of one
 * scope (a policy type, or the certificate list): the first use binds it to that scope; a
 * repeat is accepted only while it is still the scope's latest change (a retry, which changes
 * nothing); anything else is ERR_POLICY_REPLAYED. Requests are identified by the SHA-256 of
 * their signing input, so neither re-encoding nor a second valid ECDSA signature over the same
 * content makes a new request.
 */
import { ServerError } from '../../../errors/index.js';
import type { ManagementRequestsRepository } from '@confide/store';

/** What a request changes: one policy type, or the entry of one policy-management certificate. */
export type ChangeScope = `policy:${string}` | `certificate:${string}`;

/** The change a request makes; certificate add and remove sign the same payload, so the route names it. */
export type ChangeOp = 'set' | 'reset' | 'add' | 'remove';

/**
 * Admits a signed request to `scope` inside the caller's transaction: 'new' (recorded; apply it)
 * or 'repeat' (already the scope's latest change; apply nothing). One follow-up is allowed, because
 * the SDK signs the same payload to add and to remove a certificate: a request that added a
 * certificate may remove it while that add is still the certificate's latest change. A request
 * that removed one can never add it back. The change is recorded over the scope's generation read
 * here, so a concurrent writer that admitted the same request first makes this one fail with
 * ERR_STORE_CONFLICT instead of applying it twice. Throws ERR_POLICY_REPLAYED, ERR_STORE_CONFLICT.
 */
export async function admitSignedRequest(ledger: ManagementRequestsRepository, scope: ChangeScope, id: string, op: ChangeOp, at: Date): Promise<'new' | 'repeat'> {
  const seen = await ledger.find(id);
  const current = await ledger.scope(scope);
  const latest = (o: ChangeOp): boolean => current?.last === `${id}:${o}`;
  if (seen !== undefined) {
    if (seen.scope !== scope) {
      throw new ServerError('ERR_POLICY_REPLAYED', `this signed request was made for ${seen.scope} and cannot change ${scope}; sign a new request`, {
        details: { boundTo: seen.scope },
      });
    }
    if (latest(op)) return 'repeat';
    if (!(op === 'remove' && seen.ops.length === 1 && seen.ops[0] === 'add' && latest('add'))) {
      throw new ServerError('ERR_POLICY_REPLAYED', `this signed request was applied to ${scope} before a later change and would undo it; sign a new request`, {
        details: { boundTo: seen.scope },
      });
    }
  }
  await ledger.record({ id, scope, ops: [...(seen?.ops ?? []), op], at: at.toISOString() }, `${id}:${op}`, current?.generation ?? 0);
  return 'new';
}
