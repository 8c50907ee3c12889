/** Ledger: entries by collection, each receipt verified in the page against the ledger's service identity. */
import { parseServiceIdentity } from '@confide/ledger';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import type { Api } from '../api/client.js';
import { nextPagePath } from '../api/next-link.js';
import { Ctx } from '../context.js';
import { Badge, ErrorLine, Head, Section } from '../ui/parts.js';
import { useLoad } from '../ui/use-load.js';
import { usePages, type Page } from '../ui/use-pages.js';
import { checkReceipt, type LedgerEntryView, type ReceiptCheck } from '../verify/receipt.js';

const V = 'api-version=2022-05-13';

function ReceiptCell(props: { entry: LedgerEntryView; identity: ReturnType<typeof parseServiceIdentity> }) {
  const { api } = useContext(Ctx);
  const [check, setCheck] = useState<ReceiptCheck>();
  const [round, setRound] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    checkReceipt(api, props.entry, props.identity).then(
      (c) => {
        if (!live) return;
        setCheck(c);
        // Not committed yet (a slow signature round): asked again until it is, as long as the row is shown.
        if (c.state === 'pending') timer = setTimeout(() => setRound((r) => r + 1), 1000);
      },
      (failure: unknown) => live && setCheck({ state: 'failed', failure }),
    );
    return () => {
      live = false;
      if (timer !== undefined) clearTimeout(timer);
    };
  }, [props.entry.transactionId, round]);
  if (!check) return <span>…</span>;
  if (check.state === 'pending') return <Badge tone="info" testid="receipt-pending">not committed yet</Badge>;
  if (check.state === 'failed') return <ErrorLine error={check.failure} testid="receipt-error" />;
  return (
    <span data-testid="receipt-ok">
      <Badge tone="ok">receipt verified</Badge> root <code class="hex">{check.verified.root.slice(0, 16)}…</code>
    </span>
  );
}

/** Pages of /app/collections read at most (100 collections each). */
const MAX_COLLECTION_PAGES = 100;
/** Pages of a collection's entries shown at most (100 entries each), one more per "load more". */
const MAX_ENTRY_PAGES = 100;

/** Every collection, following nextLink (a path on this server only) page after page. */
async function allCollections(api: Api): Promise<Array<{ collectionId: string }>> {
  const all: Array<{ collectionId: string }> = [];
  let url: string | undefined = `/app/collections?${V}`;
  for (let i = 0; i < MAX_COLLECTION_PAGES && url !== undefined; i++) {
    const page: { collections: Array<{ collectionId: string }>; nextLink?: string } = await api.json(url);
    all.push(...page.collections);
    url = nextPagePath(page.nextLink, '/app/collections', V);
  }
  return all;
}

export function LedgerPage() {
  const { api, info } = useContext(Ctx);
  const identity = useLoad(async () => {
    if (!info.ledgerId) return undefined;
    const doc = await api.json<{ ledgerTlsCertificate: string }>(`/ledgerIdentity/${encodeURIComponent(info.ledgerId)}`);
    return parseServiceIdentity(doc.ledgerTlsCertificate);
  }, []);
  const collections = useLoad(async () => (info.ledgerId ? allCollections(api) : []), []);
  const [collection, setCollection] = useState<string>();
  const chosen = collection ?? collections.value?.[0]?.collectionId;
  const readEntries = useCallback(async (path: string): Promise<Page<LedgerEntryView>> => {
    const page = await api.json<{ entries: LedgerEntryView[]; nextLink?: string }>(path);
    return { items: page.entries, next: nextPagePath(page.nextLink, '/app/transactions', V) };
  }, [api]);
  const entries = usePages(chosen === undefined ? undefined : `/app/transactions?collectionId=${encodeURIComponent(chosen)}&${V}`, readEntries, MAX_ENTRY_PAGES);
  if (!info.ledgerId) return <p>The ledger is off on this server (ledger.enabled).</p>;
  return (
    <div class="stack">
      <Section title="Entries" id="entries">
        <p class="hint">Each receipt is checked here: the proof up to the root the node signed, the node's endorsement by the service identity, and the claims digest of the entry as shown.</p>
        {identity.error !== undefined ? <ErrorLine error={identity.error} /> : null}
        {collections.error !== undefined ? <ErrorLine error={collections.error} /> : null}
        <label>
          Collection{' '}
          <select id="collection" value={chosen} onChange={(e) => setCollection(e.currentTarget.value)}>
            {(collections.value ?? []).map((c) => (
              <option key={c.collectionId}>{c.collectionId}</option>
            ))}
          </select>
        </label>
        {entries.error !== undefined ? <ErrorLine error={entries.error} /> : null}
        <table data-testid="ledger-entries">
          <Head cols={['transaction', 'contents', 'receipt']} />
          <tbody>
            {entries.items.map((e) => (
              <tr key={e.transactionId} data-transaction={e.transactionId}>
                <td>
                  <code>{e.transactionId}</code>
                </td>
                <td>
                  <code>{e.contents.length > 200 ? `${e.contents.slice(0, 200)}…` : e.contents}</code>
                </td>
                <td>{identity.value ? <ReceiptCell entry={e} identity={identity.value} /> : '…'}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p class="hint" data-testid="entries-shown" data-count={String(entries.items.length)}>
          {entries.items.length} entries shown
          {entries.more ? '; the collection holds more' : entries.capped ? `; the collection holds more, but at most ${MAX_ENTRY_PAGES} pages are shown` : ''}
        </p>
        {entries.more ? (
          <button type="button" id="more-entries" disabled={entries.loading} onClick={entries.loadMore}>
            Show more entries
          </button>
        ) : null}
      </Section>
    </div>
  );
}
