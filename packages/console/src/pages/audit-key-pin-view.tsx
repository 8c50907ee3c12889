/**
 * The overview's audit key section: the key's fingerprint, whether this browser pins it, and a
 * field to pin it by the fingerprint `confide audit key` printed against an attested coordinator.
 * Shown prominently: without a pin, the key is only trusted on first use.
 */
import { useState } from 'preact/hooks';
import { Badge, ErrorLine, Section } from '../ui/parts.js';
import { useLoad } from '../ui/use-load.js';
import { auditKeyThumbprint } from '@confide/audit';
import { pinAuditKey, pinnedAuditKey, unpinAuditKey } from '../verify/audit-key-pin.js';

/** What /api/v2/audit-log/public-key answers in `data`. */
export interface AuditKeyAnswer {
  publicKeyJwk: JsonWebKey;
  headSeq: number;
  headHash: string;
}

/** `request`: the overview's one request for the key (it reads the head from it too). */
export function AuditKeyPin(props: { request: Promise<AuditKeyAnswer> }) {
  const key = useLoad(async () => {
    const { publicKeyJwk } = await props.request;
    return { jwk: publicKeyJwk, thumbprint: await auditKeyThumbprint(publicKeyJwk) };
  }, [props.request]);
  const [pin, setPin] = useState(pinnedAuditKey());
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<unknown>();
  const status = pin === undefined ? 'unpinned' : key.value === undefined ? 'pinned' : key.value.thumbprint === pin ? 'pinned' : 'mismatch';
  return (
    <Section title="Audit log key" id="audit-key">
      {key.error !== undefined ? <ErrorLine error={key.error} /> : null}
      <div data-testid="audit-key-pin" data-status={status} data-thumbprint={key.value?.thumbprint ?? ''}>
        <p>
          {
            {
              pinned: <Badge tone="ok">pinned: this browser takes only this key (or one its log chains to it) as the coordinator's</Badge>,
              unpinned: <Badge tone="warn">not pinned: this browser trusts the first key it saw (trust on first use)</Badge>,
              mismatch: <Badge tone="bad">the server's key is not the pinned one</Badge>,
            }[status]
          }
        </p>
        <p>
          fingerprint (RFC 7638 JWK thumbprint, SHA-256) <code class="hex">{key.value?.thumbprint ?? '…'}</code>
          {pin !== undefined && status === 'mismatch' ? (
            <>
              , pinned <code class="hex">{pin}</code>
            </>
          ) : null}
        </p>
        {pin === undefined ? (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (!key.value) return;
              setError(undefined);
              pinAuditKey(draft, key.value.jwk).then(() => setPin(pinnedAuditKey()), setError);
            }}
          >
            <label>
              Pin it by its fingerprint, as <code>confide audit key</code> prints it against a coordinator <code>confide coordinator verify</code> attested{' '}
              <input id="audit-key-fingerprint" autocomplete="off" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
            </label>
            <button type="submit" id="pin-audit-key" disabled={!key.value || draft.trim() === ''}>
              Pin
            </button>
          </form>
        ) : (
          <button
            type="button"
            id="unpin-audit-key"
            onClick={() => {
              unpinAuditKey();
              setPin(undefined);
            }}
          >
            Unpin
          </button>
        )}
        {error !== undefined ? <ErrorLine error={error} testid="pin-error" /> : null}
      </div>
    </Section>
  );
}
