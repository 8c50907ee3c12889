/**
 * The management key for signing policies in the page (isolated mode): pasted or chosen as files,
 * imported non-extractable when the operator says so, and the pasted text cleared at once. Shows
 * which certificate signs and whether the server lists it as a policy-management certificate.
 */
import { useState } from 'preact/hooks';
import { readManagementSigner, type ManagementSigner } from '../sign/management-signer.js';
import { Badge, ErrorLine } from '../ui/parts.js';

export function PolicySigner(props: { managementThumbprints: string[] | undefined; signer: ManagementSigner | undefined; onSigner(signer: ManagementSigner | undefined): void }) {
  const [text, setText] = useState('');
  const [files, setFiles] = useState<Uint8Array[]>([]);
  const [failure, setFailure] = useState<unknown>();
  const { signer } = props;

  async function use(): Promise<void> {
    try {
      const inputs = [...files, ...(text.trim() ? [new TextEncoder().encode(text)] : [])];
      props.onSigner(await readManagementSigner(inputs));
      setFailure(undefined);
    } catch (err) {
      props.onSigner(undefined);
      setFailure(err);
    } finally {
      // The key text is not kept once read: the CryptoKey the page holds cannot be exported.
      setText('');
      setFiles([]);
    }
  }

  if (signer) {
    const listed = props.managementThumbprints?.includes(signer.thumbprint);
    return (
      <p data-testid="policy-signer" data-thumbprint={signer.thumbprint} data-management={String(listed === true)}>
        Signing with {signer.alg}, certificate <code>{signer.thumbprint}</code>{' '}
        {listed ? <Badge tone="ok">a policy-management certificate of this server</Badge> : <Badge tone="warn">not among this server's policy-management certificates: it will refuse the policy</Badge>}{' '}
        <button type="button" id="forget-key" onClick={() => props.onSigner(undefined)}>
          Forget the key
        </button>
      </p>
    );
  }
  return (
    <div class="signer">
      <label for="management-key-text">Management key and certificate (PEM: PKCS#8 private key and certificate; or a private JWK with the certificate)</label>
      <p class="hint">Read by this page only, held as a key that cannot be exported, never stored or sent: only the signatures it makes leave the page.</p>
      <textarea id="management-key-text" rows={4} spellcheck={false} autocomplete="off" value={text} onInput={(e) => setText(e.currentTarget.value)} />
      <label class="file">
        or files:{' '}
        <input
          id="management-key-file"
          type="file"
          multiple
          onChange={(e) => {
            const chosen = [...(e.currentTarget.files ?? [])];
            void Promise.all(chosen.map(async (f) => new Uint8Array(await f.arrayBuffer()))).then(setFiles);
          }}
        />
      </label>
      <button type="button" id="use-key" disabled={text.trim() === '' && files.length === 0} onClick={() => void use()}>
        Use this key
      </button>
      {failure !== undefined ? <ErrorLine error={failure} testid="signer-error" /> : null}
    </div>
  );
}
