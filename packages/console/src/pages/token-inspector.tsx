/** A token pasted (or the last one issued) checked in the page against this server's /certs and issuer. */
import { useContext, useEffect, useState } from 'preact/hooks';
import { Ctx } from '../context.js';
import { Badge, ErrorLine, JsonView, Section } from '../ui/parts.js';
import { checkToken, type TokenCheck } from '../verify/token.js';

export function TokenInspector(props: { initial?: string | undefined }) {
  const { api } = useContext(Ctx);
  const [token, setToken] = useState('');
  const [check, setCheck] = useState<TokenCheck>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (props.initial) setToken(props.initial);
  }, [props.initial]);

  async function inspect(): Promise<void> {
    setError(undefined);
    try {
      const [jwks, meta] = await Promise.all([api.json<{ keys: [] }>('/certs'), api.json<{ issuer: string }>('/.well-known/openid-configuration')]);
      setCheck(await checkToken(token, jwks, meta.issuer, Math.floor(Date.now() / 1000)));
    } catch (err) {
      setError(err);
    }
  }

  return (
    <Section title="Token inspector" id="token">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void inspect();
        }}
      >
        <label for="token-text">Attestation token (JWT)</label>
        <textarea id="token-text" rows={4} spellcheck={false} value={token} onInput={(e) => setToken(e.currentTarget.value)} />
        <button type="submit" id="inspect" disabled={token.trim() === ''}>
          Check against /certs in the page
        </button>
      </form>
      {error !== undefined ? <ErrorLine error={error} /> : null}
      {check ? (
        <div data-testid="token-check" data-verdict={check.verdict}>
          <p>
            <Badge tone={check.verdict === 'valid' ? 'ok' : 'bad'}>{check.verdict}</Badge> {check.detail}
          </p>
          {check.header ? <JsonView value={check.header} label="header" /> : null}
          {check.payload ? <JsonView value={check.payload} label="claims" /> : null}
        </div>
      ) : null}
    </Section>
  );
}
