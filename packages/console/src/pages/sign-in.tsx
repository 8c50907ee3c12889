/**
 * Sign-in: nothing in dev mode (the server accepts any token); otherwise the configured OpenID
 * Connect issuer (code flow with PKCE) or a pasted bearer token. The console then calls the APIs
 * with that token, so it can do only what the token may.
 */
import { useContext, useState } from 'preact/hooks';
import { beginSignIn, storeToken } from '../api/session.js';
import { Ctx } from '../context.js';
import { ErrorLine } from '../ui/parts.js';

export function SignIn(props: { token: string | undefined; onToken(token: string | undefined): void }) {
  const { info } = useContext(Ctx);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<unknown>();
  if (info.auth.acceptsAnyToken && props.token === undefined) return <p class="who">dev mode: no sign-in</p>;
  if (props.token !== undefined) {
    return (
      <p class="who">
        signed in (bearer token){' '}
        <button
          type="button"
          onClick={() => {
            storeToken(undefined);
            props.onToken(undefined);
          }}
        >
          Sign out
        </button>
      </p>
    );
  }
  const oidc = info.auth.oidc;
  return (
    <form
      class="who"
      onSubmit={(e) => {
        e.preventDefault();
        storeToken(draft);
        props.onToken(draft.trim() || undefined);
      }}
    >
      {oidc ? (
        <button type="button" onClick={() => beginSignIn(oidc).catch(setError)}>
          Sign in with {new URL(oidc.issuer).host}
        </button>
      ) : null}
      <label>
        Bearer token <input type="password" autocomplete="off" value={draft} onInput={(e) => setDraft(e.currentTarget.value)} />
      </label>
      <button type="submit">Use token</button>
      {error !== undefined ? <ErrorLine error={error} /> : null}
    </form>
  );
}
