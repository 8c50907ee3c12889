/**
 * A page whose code is fetched when it is first shown: the shell (navigation, sign-in) is
 * interactive before the verifier packages, the bulk of the bundle, have been parsed.
 */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorLine } from './parts.js';

export function LazyPage(props: { load: () => Promise<ComponentType> }) {
  const [state, setState] = useState<{ page?: ComponentType; error?: unknown }>({});
  useEffect(() => {
    let live = true;
    setState({});
    props.load().then(
      (page) => live && setState({ page }),
      (error: unknown) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [props.load]);
  if (state.error !== undefined) return <ErrorLine error={state.error} />;
  const Page = state.page;
  return Page ? <Page /> : <p class="loading">Loading the page…</p>;
}
