/**
 * The Confidential Ledger data plane without HTTP: appends, reads by id (Loading until the entry
 * was asked for once, as the real service answers while it fetches a historical transaction),
 * receipts, status, the latest entry, ranged reads in pages, and collections, over a LedgerWriter.
 */
import { DEFAULT_COLLECTION, LedgerError, parseTransactionId, type LedgerEntry, type LedgerWriter, type TransactionId, type TransactionStatus } from '@confide/ledger';

/** Entries per page of a ranged read; the rest is reached through nextLink. */
export const LEDGER_PAGE_SIZE = 100;
/** How many entries are remembered as loaded (read once, so Ready); the oldest is forgotten first. */
const LOADED_CAPACITY = 100_000;
const MAX_COLLECTION_ID = 256;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export interface LedgerServiceOptions {
  writer: LedgerWriter;
  /** Largest entry contents, in UTF-8 bytes. */
  maxEntryBytes: number;
  pageSize?: number | undefined;
}

export type EntryResult = { state: 'Loading' } | { state: 'Ready'; entry: LedgerEntry };

export interface RangeQuery {
  fromTransactionId?: string | undefined;
  toTransactionId?: string | undefined;
  collectionId?: string | undefined;
}

export interface RangePage {
  state: 'Ready';
  entries: LedgerEntry[];
  /** Where the next page starts, when there is one. */
  next?: RangeQuery | undefined;
}

/** Throws ERR_LEDGER_COLLECTION_ID_INVALID. */
export function checkCollectionId(collectionId: string): string {
  if (collectionId.length === 0 || collectionId.length > MAX_COLLECTION_ID || CONTROL.test(collectionId)) {
    throw new LedgerError('ERR_LEDGER_COLLECTION_ID_INVALID', `collectionId must be 1 to ${MAX_COLLECTION_ID} characters without control characters`, { details: { parameter: 'collectionId' } });
  }
  return collectionId;
}

export class LedgerService {
  readonly #writer: LedgerWriter;
  readonly #maxEntryBytes: number;
  readonly #pageSize: number;
  /** Seqnos of entries read once (Ready from then on), oldest first. */
  readonly #loaded = new Set<number>();

  constructor(options: LedgerServiceOptions) {
    this.#writer = options.writer;
    this.#maxEntryBytes = options.maxEntryBytes;
    this.#pageSize = options.pageSize ?? LEDGER_PAGE_SIZE;
  }

  /** Appends an entry; resolves once the writer has it. Throws ERR_LEDGER_ENTRY_TOO_LARGE, ERR_LEDGER_COLLECTION_ID_INVALID. */
  async append(contents: string, collectionId: string | undefined): Promise<{ transactionId: string; collectionId: string }> {
    const collection = collectionId === undefined ? DEFAULT_COLLECTION : checkCollectionId(collectionId);
    if (Buffer.byteLength(contents, 'utf8') > this.#maxEntryBytes) {
      throw new LedgerError('ERR_LEDGER_ENTRY_TOO_LARGE', `contents are larger than ${this.#maxEntryBytes} bytes`, { details: { limit: this.#maxEntryBytes } });
    }
    return { transactionId: await this.#writer.append(contents, collection), collectionId: collection };
  }

  /** Loading at the first read of an entry, Ready from then on. Throws ERR_LEDGER_TRANSACTION_ID_INVALID, ERR_LEDGER_TRANSACTION_NOT_FOUND. */
  entry(transactionId: string, collectionId: string | undefined): EntryResult {
    const entry = this.#entry(transactionId);
    if (collectionId !== undefined && entry.collectionId !== collectionId) throw notFound(transactionId);
    return this.#load(parseTransactionId(transactionId)!.seqno) ? { state: 'Ready', entry } : { state: 'Loading' };
  }

  /** The receipt document once the entry is Committed and loaded; Loading before. Throws as `entry`. */
  async receipt(transactionId: string): Promise<object> {
    this.#entry(transactionId);
    const loaded = this.#load(parseTransactionId(transactionId)!.seqno);
    const doc = loaded ? await this.#writer.receipt(transactionId) : undefined;
    return doc ?? { state: 'Loading', transactionId };
  }

  /** Pending until a signature transaction covers the entry, then Committed. Throws as `entry`. */
  status(transactionId: string): { state: TransactionStatus; transactionId: string } {
    this.#entry(transactionId);
    return { state: this.#writer.status(transactionId)!, transactionId };
  }

  /** The latest entry, of `collectionId` when given. Throws ERR_LEDGER_TRANSACTION_NOT_FOUND while there is none. */
  current(collectionId: string | undefined): LedgerEntry {
    const entry = this.#writer.latest(collectionId);
    if (!entry) throw new LedgerError('ERR_LEDGER_TRANSACTION_NOT_FOUND', collectionId === undefined ? 'the ledger has no entry yet' : `collection ${collectionId} has no entry`);
    return entry;
  }

  /** One page of entries between two ids (inclusive; the whole ledger by default). Throws ERR_LEDGER_TRANSACTION_ID_INVALID, ERR_LEDGER_RANGE_INVALID. */
  range(query: RangeQuery): RangePage {
    const view = this.#writer.view;
    const fromId = query.fromTransactionId === undefined ? undefined : idOf(query.fromTransactionId, 'fromTransactionId');
    const toId = query.toTransactionId === undefined ? undefined : idOf(query.toTransactionId, 'toTransactionId');
    const from = fromId ? seqnoIn(view, fromId, 'start') : 1;
    const to = toId ? seqnoIn(view, toId, 'end') : this.#writer.size;
    // Transaction ids order by view, then seqno.
    if (fromId && toId && (fromId.view > toId.view || (fromId.view === toId.view && fromId.seqno > toId.seqno))) {
      throw new LedgerError('ERR_LEDGER_RANGE_INVALID', 'fromTransactionId is after toTransactionId', { details: { from: query.fromTransactionId, to: query.toTransactionId } });
    }
    const collectionId = query.collectionId === undefined ? undefined : checkCollectionId(query.collectionId);
    // One more than a page tells whether a next page exists.
    const entries = this.#writer.entries(from, to, { collectionId, limit: this.#pageSize + 1 });
    if (entries.length <= this.#pageSize) return { state: 'Ready', entries };
    const page = entries.slice(0, this.#pageSize);
    const next = entries[this.#pageSize]!.transactionId;
    return { state: 'Ready', entries: page, next: { fromTransactionId: next, toTransactionId: `${view}.${to}`, collectionId } };
  }

  /**
   * One page of the collection ids that hold an entry, in the order of their first entry, from the
   * `from`-th (0 by default, as decimal text); `next` is where the next page starts. Collections
   * never go away, so an index stays a valid place to continue. Throws ERR_LEDGER_RANGE_INVALID.
   */
  collections(from?: string): { collections: string[]; next?: number | undefined } {
    if (from !== undefined && !/^(0|[1-9]\d{0,14})$/.test(from)) {
      throw new LedgerError('ERR_LEDGER_RANGE_INVALID', 'from is not a collection index (a decimal number without leading zeros)', { details: { parameter: 'from' } });
    }
    const start = from === undefined ? 0 : Number(from);
    const all = this.#writer.collections();
    const end = start + this.#pageSize;
    return { collections: all.slice(start, end), ...(end < all.length ? { next: end } : {}) };
  }

  /** Stops the writer's signature timer. */
  close(): void {
    this.#writer.close();
  }

  #entry(transactionId: string): LedgerEntry {
    const entry = this.#writer.entry(idText(transactionId));
    if (!entry) throw notFound(transactionId);
    return entry;
  }

  /** True when the entry was read before; marks it loaded either way. */
  #load(seqno: number): boolean {
    if (this.#loaded.has(seqno)) return true;
    this.#loaded.add(seqno);
    if (this.#loaded.size > LOADED_CAPACITY) this.#loaded.delete(this.#loaded.values().next().value!);
    return false;
  }
}

function notFound(transactionId: string): LedgerError {
  return new LedgerError('ERR_LEDGER_TRANSACTION_NOT_FOUND', `the ledger has no entry ${transactionId}`, { details: { transactionId } });
}

function idOf(text: string, parameter: string): TransactionId {
  const id = parseTransactionId(text);
  if (!id) throw new LedgerError('ERR_LEDGER_TRANSACTION_ID_INVALID', `${parameter} is not <view>.<seqno>`, { details: { parameter } });
  return id;
}

function idText(text: string): string {
  idOf(text, 'transactionId');
  return text;
}

/**
 * A range bound as a seqno of this ledger's one view: an id of an earlier view lies before every
 * transaction (a start at the beginning, an end before it), one of a later view after every one.
 */
function seqnoIn(view: number, id: TransactionId, side: 'start' | 'end'): number {
  if (id.view === view) return id.seqno;
  if (id.view < view) return side === 'start' ? 1 : 0;
  return Number.MAX_SAFE_INTEGER;
}
