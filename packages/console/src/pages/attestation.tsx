/**
 * Attestation: evidence and collateral verified in the page by @confide/evidence and, side by
 * side, by the server's POST /attest; then a token inspector that checks a token against /certs
 * in the page.
 */
import { toBase64Url } from '@confide/core';
import { useContext, useState } from 'preact/hooks';
import { decodeJwt } from '../api/jwt.js';
import { Ctx } from '../context.js';
import { BytesField, type BytesValue } from '../ui/bytes-field.js';
import { Badge, ErrorLine, Head, JsonView, Section } from '../ui/parts.js';
import { attestRequestFor, verifyInPage, wireBytes, type EvidenceInput, type PageVerification } from '../verify/evidence.js';
import { ClaimsView } from './claims-view.js';
import { TokenInspector } from './token-inspector.js';
import { TraceView } from './trace-view.js';

interface ServerAnswer {
  type: string;
  token?: string;
  claims?: Record<string, unknown>;
  failure?: unknown;
}

function toLocalInput(d: Date): string {
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
}

export function AttestationPage() {
  const { api, setEvidence, evidence: shared } = useContext(Ctx);
  const [evidence, setEvidenceBytes] = useState<BytesValue[]>([]);
  const [collateral, setCollateral] = useState<BytesValue[]>([]);
  const [at, setAt] = useState('');
  const [reportData, setReportData] = useState('');
  const [busy, setBusy] = useState(false);
  const [page, setPage] = useState<PageVerification>();
  const [server, setServer] = useState<ServerAnswer>();

  async function run(): Promise<void> {
    const bytes = evidence[0]?.bytes ?? shared?.evidence;
    if (!bytes) return;
    setBusy(true);
    const input: EvidenceInput = { evidence: bytes, collateral: collateral.map((c) => c.bytes), at: at ? new Date(at) : undefined, reportDataHex: reportData.trim() || undefined };
    setEvidence(input);
    const inPage = await verifyInPage(input);
    setPage(inPage);
    const request = inPage.detected ? attestRequestFor(inPage.detected) : undefined;
    if (!request || !inPage.detected) setServer({ type: '(not detected)', failure: new Error('the page could not tell which attestation type to ask the server for') });
    else {
      try {
        const { token } = await api.json<{ token: string }>(`/attest/${request.type}?api-version=2022-08-01`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ [request.field]: toBase64Url(wireBytes(bytes, inPage.detected)) }),
        });
        setServer({ type: request.type, token, claims: decodeJwt(token).payload });
      } catch (failure) {
        setServer({ type: request.type, failure });
      }
    }
    setBusy(false);
  }

  return (
    <div class="stack">
      <Section title="Evidence and collateral" id="evidence">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run();
          }}
        >
          <BytesField id="evidence" label="Evidence" hint="An SGX or TDX quote, a SEV-SNP report, NVIDIA or TPM evidence: binary file, hex or base64." onChange={setEvidenceBytes} />
          <BytesField
            id="collateral"
            label="Collateral"
            hint="Intel: dcap-qvl collateral JSON. AMD: the VCEK or VLEK (DER or PEM), with its chain if you have it. Several files allowed."
            multiple
            onChange={setCollateral}
          />
          <div class="row">
            <label>
              Verify at (local time; empty: now){' '}
              <input id="verify-at" type="datetime-local" step={1} value={at} onInput={(e) => setAt(e.currentTarget.value)} placeholder={toLocalInput(new Date())} />
            </label>
            <label>
              Expected report data (hex, optional) <input id="report-data" value={reportData} onInput={(e) => setReportData(e.currentTarget.value)} />
            </label>
          </div>
          <button type="submit" id="verify" disabled={busy || (evidence.length === 0 && !shared)}>
            {busy ? 'Verifying…' : 'Verify in the page and at the server'}
          </button>
        </form>
      </Section>
      {page ? (
        <div class="side-by-side">
          <Section title="Verified in this page" id="in-page">
            <p>
              <Badge tone={page.claims ? 'ok' : 'bad'} testid="page-verdict">
                {page.claims ? 'authentic' : 'refused'}
              </Badge>{' '}
              {page.detected ? `${page.detected.format} (${page.detected.encoding})` : 'format not recognised'}
              {page.claims ? (
                <span class="hint">
                  {' '}
                  in <span data-testid="page-ms">{page.ms.toFixed(1)}</span> ms
                </span>
              ) : null}
            </p>
            {page.failure !== undefined ? <ErrorLine error={page.failure} testid="page-error" /> : null}
            <TraceView entries={page.trace} />
            {page.claims ? <ClaimsView claims={page.claims} /> : null}
          </Section>
          <Section title="The server's /attest answer" id="server">
            {server ? (
              <div data-testid="server-answer">
                <p>
                  POST /attest/{server.type}:{' '}
                  <Badge tone={server.token ? 'ok' : 'bad'} testid="server-verdict">
                    {server.token ? 'token issued' : 'refused'}
                  </Badge>
                </p>
                {server.failure !== undefined ? <ErrorLine error={server.failure} testid="server-error" /> : null}
                {server.claims ? (
                  <>
                    <Agreement page={page} claims={server.claims} />
                    <JsonView value={server.claims} label="token claims (JSON)" />
                    <p class="hint">Check this token's signature below (token inspector).</p>
                  </>
                ) : null}
              </div>
            ) : (
              <p>Asking the server…</p>
            )}
          </Section>
        </div>
      ) : null}
      <TokenInspector initial={server?.token} />
    </div>
  );
}

/** Where the page's claims and the server's token say the same thing, and where not. */
function Agreement(props: { page: PageVerification; claims: Record<string, unknown> }) {
  const c = props.page.claims;
  if (!c) return <p>The page refused what the server accepted: trust the page, and look at the server.</p>;
  const t = props.claims;
  const measurement = t['x-ms-sgx-mrenclave'] ?? t['x-ms-sevsnpvm-launchmeasurement'] ?? t['tdx_mrtd'] ?? t['x-confide-measurement'];
  const rows: Array<[string, unknown, unknown]> = [
    ['measurement', c.measurement, measurement],
    ['TCB status', c.tcbStatus, t['x-confide-tcb-status']],
  ];
  return (
    <table class="agree" data-testid="agreement">
      <Head cols={['claim', 'page', 'server', 'agree']} />
      <tbody>
        {rows.map(([name, mine, theirs]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td>
              <code class="hex">{String(mine)}</code>
            </td>
            <td>
              <code class="hex">{theirs === undefined ? '(not in the token)' : String(theirs)}</code>
            </td>
            <td>{theirs === undefined ? '–' : mine === theirs ? <Badge tone="ok">yes</Badge> : <Badge tone="bad">no</Badge>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
