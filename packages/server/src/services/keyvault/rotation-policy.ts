/** Key rotation policies: the service's default, and a caller's policy checked for shape. */
import { bad } from './key-requests.js';

export interface RotationPolicy {
  lifetimeActions: Array<{ trigger: { timeAfterCreate?: string; timeBeforeExpiry?: string }; action: { type: 'Rotate' | 'Notify' } }>;
  attributes: { expiryTime?: string; created: number; updated: number };
}

const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$/;

/** What a key has before anyone sets a policy: notify 30 days before expiry, as the service does. */
export function defaultRotationPolicy(now: number): RotationPolicy {
  return { lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } }], attributes: { created: now, updated: now } };
}

/** A policy from a request body. Throws ERR_KEY_BAD_PARAMETER. */
export function rotationPolicyOf(body: unknown, previous: RotationPolicy | undefined, now: number): RotationPolicy {
  const b = (body ?? {}) as { lifetimeActions?: unknown; attributes?: { expiryTime?: unknown } };
  const actions = b.lifetimeActions ?? [];
  if (!Array.isArray(actions) || actions.length > 2) throw bad('lifetimeActions must be a list of at most 2 actions');
  const lifetimeActions = actions.map((a: { trigger?: Record<string, unknown>; action?: { type?: unknown } }) => {
    const type = String(a?.action?.type ?? '');
    const kind: 'Rotate' | 'Notify' | undefined = type.toLowerCase() === 'rotate' ? 'Rotate' : type.toLowerCase() === 'notify' ? 'Notify' : undefined;
    if (!kind) throw bad('lifetimeActions[].action.type must be Rotate or Notify');
    const trigger: { timeAfterCreate?: string; timeBeforeExpiry?: string } = {};
    for (const k of ['timeAfterCreate', 'timeBeforeExpiry'] as const) {
      const v = a?.trigger?.[k];
      if (v === undefined || v === null) continue;
      if (typeof v !== 'string' || !DURATION.test(v)) throw bad(`lifetimeActions[].trigger.${k} must be an ISO 8601 duration`);
      trigger[k] = v;
    }
    if (Object.keys(trigger).length !== 1) throw bad('each lifetime action has one trigger: timeAfterCreate or timeBeforeExpiry');
    return { trigger, action: { type: kind } };
  });
  const expiry = b.attributes?.expiryTime;
  if (expiry !== undefined && expiry !== null && (typeof expiry !== 'string' || !DURATION.test(expiry))) throw bad('attributes.expiryTime must be an ISO 8601 duration');
  return {
    lifetimeActions,
    attributes: { ...(typeof expiry === 'string' ? { expiryTime: expiry } : {}), created: previous?.attributes.created ?? now, updated: now },
  };
}
