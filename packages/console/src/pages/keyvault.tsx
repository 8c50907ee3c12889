/**
 * Key vault: the keys (GET /keys), each key's versions and its release policy as the Key Vault
 * API returns them. Only public parts exist in these answers: no private key material is ever
 * sent by the API, so none can be shown.
 */
import { fromBase64, fromUtf8 } from '@confide/core';
import { useContext, useState } from 'preact/hooks';
import { Ctx } from '../context.js';
import { Badge, ErrorLine, Head, JsonView, Section } from '../ui/parts.js';
import { useLoad } from '../ui/use-load.js';

const V = 'api-version=7.4';

interface KeyItem {
  kid: string;
  attributes?: { enabled?: boolean; exportable?: boolean; created?: number; updated?: number };
  tags?: Record<string, string>;
}

interface KeyBundle {
  key: { kid: string; kty: string; key_ops?: string[]; crv?: string };
  attributes?: KeyItem['attributes'];
  release_policy?: { contentType?: string; data?: string; immutable?: boolean };
}

const nameOf = (kid: string): string => new URL(kid).pathname.split('/')[2] ?? kid;

/** The release policy document: `data` is base64url of its JSON. */
function releasePolicyOf(bundle: KeyBundle): unknown {
  const data = bundle.release_policy?.data;
  if (!data) return undefined;
  try {
    return JSON.parse(fromUtf8(fromBase64(data))) as unknown;
  } catch {
    return data;
  }
}

function KeyDetails(props: { name: string }) {
  const { api } = useContext(Ctx);
  const key = useLoad(() => api.json<KeyBundle>(`/keys/${encodeURIComponent(props.name)}?${V}`), [props.name]);
  const versions = useLoad(async () => (await api.json<{ value: KeyItem[] }>(`/keys/${encodeURIComponent(props.name)}/versions?${V}`)).value, [props.name]);
  if (key.error !== undefined) return <ErrorLine error={key.error} />;
  if (!key.value) return <p>…</p>;
  const policy = releasePolicyOf(key.value);
  return (
    <div data-testid="key-details">
      <p>
        <code>{key.value.key.kty}</code> {key.value.key.crv ?? ''} operations: {(key.value.key.key_ops ?? []).join(', ') || 'none'}
        {key.value.attributes?.exportable ? <Badge tone="warn">exportable (released only to attested callers)</Badge> : null}
      </p>
      <h3>Release policy</h3>
      {policy === undefined ? <p>none (the key is not exportable)</p> : <JsonView value={policy} label={`release policy${key.value.release_policy?.immutable ? ' (immutable)' : ''}`} />}
      <h3>Versions</h3>
      {versions.error !== undefined ? <ErrorLine error={versions.error} /> : null}
      <ul>
        {(versions.value ?? []).map((v) => (
          <li key={v.kid}>
            <code>{new URL(v.kid).pathname.split('/')[3]}</code> {v.attributes?.enabled === false ? 'disabled' : 'enabled'}
            {v.attributes?.created ? `, created ${new Date(v.attributes.created * 1000).toISOString()}` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}

export function KeyVaultPage() {
  const { api } = useContext(Ctx);
  const keys = useLoad(async () => (await api.json<{ value: KeyItem[] }>(`/keys?${V}`)).value, []);
  const [open, setOpen] = useState<string>();
  return (
    <div class="stack">
      <Section title="Keys" id="keys">
        {keys.error !== undefined ? <ErrorLine error={keys.error} /> : null}
        {keys.value && keys.value.length === 0 ? <p>No keys.</p> : null}
        <table data-testid="keys">
          <Head cols={['name', 'enabled', 'updated', '']} />
          <tbody>
            {(keys.value ?? []).map((k) => {
              const name = nameOf(k.kid);
              return (
                <tr key={k.kid} data-key={name}>
                  <th scope="row">
                    <code>{name}</code>
                  </th>
                  <td>{k.attributes?.enabled === false ? 'no' : 'yes'}</td>
                  <td>{k.attributes?.updated ? new Date(k.attributes.updated * 1000).toISOString() : ''}</td>
                  <td>
                    <button type="button" aria-expanded={open === name} onClick={() => setOpen(open === name ? undefined : name)}>
                      {open === name ? 'Hide' : 'Versions and release policy'}
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </Section>
      {open ? (
        <Section title={`Key ${open}`} id="key">
          <KeyDetails name={open} />
        </Section>
      ) : null}
    </div>
  );
}
