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
import { ConfideError } from '@confide/core';
import type { SettingsRepository } from '@confide/store';

export const SIGNED_REQUEST_PREFIX = 'maa/signed-requests/';
export const SCOPE_PREFIX = 'maa/change-scopes/';

/** What a request changes: one policy type, or the entry of one policy-management certificate. */
export type ChangeScope = `policy:${string}` | `certificate:${string}`;

/** The change a request makes; certificate add and remove sign the same payload, so the route names it. */
export type ChangeOp = 'set' | 'reset' | 'add' | 'remove';

interface RequestRow {
  scope: ChangeScope;
  /** The operations this request has made, in order. */
  ops: ChangeOp[];
  at: string;
}

interface ScopeRow {
  generation: number;
  /** `<request id>:<op>` of the latest change. */
  last: string;
}

/**
 * Admits a signed request to `scope` inside the caller's transaction: 'new' (recorded; apply it)
 * or 'repeat' (already the scope's latest change; apply nothing). One follow-up is allowed, because
 * the SDK signs the same payload to add and to remove a certificate: a request that added a
 * certificate may remove it while that add is still the certificate's latest change. A request
 * that removed one can never add it back. Throws ERR_POLICY_REPLAYED.
 */
export async function admitSignedRequest(settings: SettingsRepository, scope: ChangeScope, id: string, op: ChangeOp, at: Date): Promise<'new' | 'repeat'> {
  const seen = await settings.get<RequestRow>(SIGNED_REQUEST_PREFIX + id);
  const current = await settings.get<ScopeRow>(SCOPE_PREFIX + scope);
  const latest = (o: ChangeOp): boolean => current?.last === `${id}:${o}`;
  if (seen !== undefined) {
    if (seen.scope !== scope) {
      throw new ConfideError('ERR_POLICY_REPLAYED', `this signed request was made for ${seen.scope} and cannot change ${scope}; sign a new request`, {
        details: { boundTo: seen.scope },
      });
    }
    if (latest(op)) return 'repeat';
    if (!(op === 'remove' && seen.ops.length === 1 && seen.ops[0] === 'add' && latest('add'))) {
      throw new ConfideError('ERR_POLICY_REPLAYED', `this signed request was applied to ${scope} before a later change and would undo it; sign a new request`, {
        details: { boundTo: seen.scope },
      });
    }
  }
  await settings.put(SIGNED_REQUEST_PREFIX + id, { scope, ops: [...(seen?.ops ?? []), op], at: at.toISOString() } satisfies RequestRow);
  await settings.put(SCOPE_PREFIX + scope, { generation: (current?.generation ?? 0) + 1, last: `${id}:${op}` } satisfies ScopeRow);
  return 'new';
}
