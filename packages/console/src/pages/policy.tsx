/**
 * Policies: the current policy of each attestation type, a draft checked by @confide/policy's
 * parser as you type (line and column), a dry run of the draft against evidence through the
 * server's draftPolicyForAttestation, a diff before saving, saving (PUT /policies/{type}: unsigned
 * as MAA's AAD mode takes it, or signed in the page with the operator's management key as isolated
 * mode requires), and the policy management certificates.
 */
import { digest, fromBase64, fromUtf8, toBase64Url, toHex, utf8 } from '@confide/core';
import { parsePolicy } from '@confide/policy';
import { useContext, useEffect, useMemo, useState } from 'preact/hooks';
import { decodeJwt, unsecuredJws } from '../api/jwt.js';
import { Ctx } from '../context.js';
import { BytesField, type BytesValue } from '../ui/bytes-field.js';
import { Badge, ErrorLine, JsonView, Section } from '../ui/parts.js';
import { useLoad } from '../ui/use-load.js';
import { attestRequestFor, wireBytes } from '../verify/evidence.js';
import { detectEvidence } from '@confide/evidence';
import { lineDiff } from '../verify/line-diff.js';
import { policyPayload, signedJws } from '../sign/signed-jws.js';
import type { ManagementSigner } from '../sign/management-signer.js';
import { PolicySigner } from './policy-signer.js';

/** The policy text inside GET /policies/{type}'s token (x-ms-policy: a JWS of {AttestationPolicy: base64url(text)}). */
function policyTextOf(token: string): string {
  const jws = decodeJwt(token).payload['x-ms-policy'];
  if (typeof jws !== 'string') throw new Error('the answer carries no x-ms-policy');
  const inner = decodeJwt(jws).payload['AttestationPolicy'];
  if (typeof inner !== 'string') throw new Error('the policy JWS carries no AttestationPolicy');
  return fromUtf8(fromBase64(inner));
}

function syntaxOf(text: string): { ok: true } | { ok: false; code: string; line?: number; column?: number; message: string } {
  try {
    parsePolicy(text);
    return { ok: true };
  } catch (err) {
    const e = err as { code?: string; message: string; details?: { line?: number; column?: number } };
    return { ok: false, code: e.code ?? 'error', line: e.details?.line, column: e.details?.column, message: e.message };
  }
}

export function PolicyPage() {
  const { api, info, evidence: shared } = useContext(Ctx);
  const types = info.attestationTypes.filter((t) => t !== 'AzureGuest');
  const [type, setType] = useState(types[0] ?? 'SgxEnclave');
  const current = useLoad(async () => policyTextOf((await api.json<{ token: string }>(`/policies/${type}?api-version=2022-08-01`)).token), [type]);
  const [draft, setDraft] = useState('');
  const [reviewing, setReviewing] = useState(false);
  const [saved, setSaved] = useState<unknown>();
  const [dry, setDry] = useState<{ claims?: Record<string, unknown>; failure?: unknown }>();
  const [evidence, setEvidence] = useState<BytesValue[]>([]);
  const [signer, setSigner] = useState<ManagementSigner>();
  useEffect(() => {
    if (current.value !== undefined) setDraft(current.value);
    setReviewing(false);
  }, [current.value]);
  const syntax = useMemo(() => syntaxOf(draft), [draft]);
  const certificates = useLoad(async () => {
    const { token } = await api.json<{ token: string }>('/certificates?api-version=2022-08-01');
    const keys = (decodeJwt(token).payload['x-ms-policy-certificates'] as { keys?: Array<{ kid?: string; x5c?: string[] }> } | undefined)?.keys ?? [];
    // MAA lists certificates by their x5c; the page names them by SHA-1 thumbprint, as the server's answers do.
    return Promise.all(keys.map(async (k) => ({ ...k, thumbprint: k.x5c?.[0] ? toHex(await digest('SHA-1', fromBase64(k.x5c[0]))).toUpperCase() : '' })));
  }, []);
  const isolated = (certificates.value?.length ?? 0) > 0;

  async function dryRun(): Promise<void> {
    const bytes = evidence[0]?.bytes ?? shared?.evidence;
    if (!bytes) return;
    try {
      const detected = detectEvidence(bytes);
      const request = attestRequestFor(detected);
      if (!request) throw new Error(`no attestation type takes ${detected.tee} evidence`);
      const { token } = await api.json<{ token: string }>(`/attest/${request.type}?api-version=2022-08-01`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ [request.field]: toBase64Url(wireBytes(bytes, detected)), draftPolicyForAttestation: draft }),
      });
      setDry({ claims: decodeJwt(token).payload });
    } catch (failure) {
      setDry({ failure });
    }
  }

  async function save(): Promise<void> {
    // An earlier answer must not stand for this one while it is on its way.
    setSaved(undefined);
    try {
      await api.json(`/policies/${type}?api-version=2022-08-01`, {
        method: 'PUT',
        headers: { 'content-type': 'text/plain' },
        body: signer ? await signedJws(signer, policyPayload(draft, new Date())) : unsecuredJws({ AttestationPolicy: toBase64Url(utf8(draft)) }),
      });
      setSaved(true);
      current.reload();
    } catch (err) {
      setSaved(err);
    }
  }

  return (
    <div class="stack">
      <Section title="Policy" id="policy">
        <label>
          Attestation type{' '}
          <select id="policy-type" value={type} onChange={(e) => setType(e.currentTarget.value)}>
            {types.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        {current.error !== undefined ? <ErrorLine error={current.error} /> : null}
        <label for="policy-text">Draft (starts as the current policy)</label>
        <textarea
          id="policy-text"
          class="code"
          rows={14}
          spellcheck={false}
          value={draft}
          aria-describedby="policy-syntax"
          onInput={(e) => {
            setDraft(e.currentTarget.value);
            setReviewing(false);
            setSaved(undefined);
          }}
        />
        <p id="policy-syntax" data-testid="policy-syntax" data-ok={String(syntax.ok)} data-line={syntax.ok ? '' : String(syntax.line ?? '')} data-column={syntax.ok ? '' : String(syntax.column ?? '')} aria-live="polite">
          {syntax.ok ? (
            <Badge tone="ok">parses</Badge>
          ) : (
            <>
              <Badge tone="bad">{syntax.code}</Badge> {syntax.line !== undefined ? `line ${syntax.line}, column ${syntax.column}: ` : ''}
              {syntax.message}
            </>
          )}
        </p>
      </Section>
      <Section title="Dry run" id="dry-run">
        <p class="hint">The draft applied to evidence by the server (draftPolicyForAttestation): nothing is stored, the token is unsigned.{shared ? ' Empty: the evidence from the attestation page.' : ''}</p>
        <BytesField id="dry-evidence" label="Evidence" hint="binary file, hex or base64" onChange={setEvidence} />
        <button type="button" id="dry-run-go" disabled={!syntax.ok || (evidence.length === 0 && !shared)} onClick={() => void dryRun()}>
          Dry run the draft
        </button>
        {dry ? (
          <div data-testid="dry-run-result" data-ok={String(dry.claims !== undefined)}>
            {dry.failure !== undefined ? <ErrorLine error={dry.failure} /> : null}
            {dry.claims ? (
              <>
                <Badge tone="ok">token issued under the draft</Badge>
                <JsonView value={dry.claims} label="claims under the draft" />
              </>
            ) : null}
          </div>
        ) : null}
      </Section>
      <Section title="Review and save" id="save">
        <button type="button" id="review" disabled={!syntax.ok || current.value === undefined} onClick={() => setReviewing(true)}>
          Review the changes
        </button>
        {reviewing && current.value !== undefined ? (
          <>
            <pre class="diff" data-testid="policy-diff" tabIndex={0}>
              {lineDiff(current.value, draft).map((l, i) => (
                <span key={i} class={l.kind}>
                  {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}
                  {l.text}
                  {'\n'}
                </span>
              ))}
            </pre>
            <PolicySigner
              managementThumbprints={certificates.value?.map((c) => c.thumbprint)}
              signer={signer}
              onSigner={(s) => {
                setSigner(s);
                setSaved(undefined);
              }}
            />
            <p class="hint">{isolated ? 'This server takes only policies signed by a policy-management certificate (isolated mode).' : 'Without a key the policy is sent unsigned, as AAD mode takes it.'}</p>
            <button type="button" id="save-policy" disabled={draft === current.value} onClick={() => void save()}>
              Save as the {type} policy{signer ? ', signed' : ''}
            </button>
          </>
        ) : null}
        {saved === true ? (
          <p data-testid="policy-saved">
            <Badge tone="ok">saved</Badge>
          </p>
        ) : saved !== undefined ? (
          <ErrorLine error={saved} testid="policy-save-error" />
        ) : null}
      </Section>
      <Section title="Policy management certificates" id="certificates">
        {certificates.error !== undefined ? <ErrorLine error={certificates.error} /> : null}
        {certificates.value && certificates.value.length === 0 ? <p data-testid="certificates">None (AAD mode: unsigned policies from an authenticated caller are accepted).</p> : null}
        <ul data-testid="certificates">
          {(certificates.value ?? []).map((k) => (
            <li key={k.thumbprint} data-thumbprint={k.thumbprint}>
              <code>{k.thumbprint}</code> {k.kid ? `(kid ${k.kid})` : ''}
            </li>
          ))}
        </ul>
      </Section>
    </div>
  );
}
