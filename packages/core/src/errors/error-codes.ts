/**
 * Each package declares the codes it raises in its own table (`defineErrorCodes`); no package
 * knows the codes of the packages above it. A consumer that needs several packages' codes (the
 * server for HTTP status and docs, the CLI for remote answers) composes their tables with
 * `composeErrorCodes`, which refuses a code declared twice.
 */

/** What a table says about one code. */
export interface ErrorCodeSpec {
  /** Whether the message may be returned to a remote caller. */
  readonly expose: boolean;
  /** One sentence for docs/errors.md and for a caller who may not see the message. */
  readonly summary: string;
}

/** A declared code: its spec and the package that owns it. */
export interface ErrorCodeEntry extends ErrorCodeSpec {
  readonly owner: string;
}

/** The shape of every code; each package's table narrows it to a precise union. */
export type ErrorCode = `ERR_${string}`;

/** A table of codes `C`. */
export type ErrorCodeTable<C extends ErrorCode = ErrorCode> = { readonly [K in C]: ErrorCodeEntry };

/** The codes of a table, or of any of several tables. */
export type CodeOf<T> = T extends unknown ? keyof T & ErrorCode : never;

/** Declares the codes `owner` raises: a frozen table whose keys stay a string-literal union. */
export function defineErrorCodes<const T extends { readonly [K in ErrorCode]: ErrorCodeSpec }>(owner: string, codes: T): ErrorCodeTable<CodeOf<T>> {
  const table: Record<string, ErrorCodeEntry> = {};
  for (const [code, spec] of Object.entries(codes)) table[code] = Object.freeze({ expose: spec.expose, summary: spec.summary, owner });
  return Object.freeze(table) as ErrorCodeTable<CodeOf<T>>;
}

/** The union of `tables`. Throws a TypeError (a programming error, found at load) when two declare the same code. */
export function composeErrorCodes<const T extends readonly ErrorCodeTable<ErrorCode>[]>(...tables: T): ErrorCodeTable<CodeOf<T[number]>> {
  const all: Record<string, ErrorCodeEntry> = {};
  for (const table of tables) {
    for (const [code, entry] of Object.entries(table)) {
      const seen = all[code];
      if (seen) throw new TypeError(`error code ${code} is declared by both ${seen.owner} and ${entry.owner}`);
      all[code] = entry;
    }
  }
  return Object.freeze(all) as ErrorCodeTable<CodeOf<T[number]>>;
}
