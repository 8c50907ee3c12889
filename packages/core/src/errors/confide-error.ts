/**
 * Every error Confide raises carries a stable `code` and, from the table that declares the code,
 * whether its message may be shown to a remote caller and a summary. Core knows no HTTP: the
 * server decides each code's HTTP status. Tests assert codes, never prose.
 */
import { composeErrorCodes, type CodeOf, type ErrorCode, type ErrorCodeTable } from './error-codes.js';

export interface ConfideErrorOptions {
  cause?: unknown;
  /** Structured details, shown only when the code's `expose` is true. */
  details?: Record<string, unknown>;
}

/** Base class of every Confide error. Packages raise through their own subclass (`errorClass`), which knows their table. */
export class ConfideError<C extends ErrorCode = ErrorCode> extends Error {
  readonly code: C;
  /** Whether the message may be returned to a remote caller. */
  readonly expose: boolean;
  /** The code's summary, for a caller who may not see the message. */
  readonly summary: string;
  /** The package that declares the code. */
  readonly owner: string;
  /** Structured details safe to show when `expose` is true. */
  readonly details: Record<string, unknown> | undefined;

  /** `codes` is the table the raiser knows; a code outside it is a programming error (TypeError). */
  constructor(codes: ErrorCodeTable<C>, code: NoInfer<C>, message: string, options?: ConfideErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (!Object.hasOwn(codes, code)) throw new TypeError(`error code ${code} is in no table this raiser knows`);
    const entry = codes[code];
    this.name = 'ConfideError';
    this.code = code;
    this.expose = entry.expose;
    this.summary = entry.summary;
    this.owner = entry.owner;
    this.details = options?.details;
  }
}

/**
 * The class a package raises with: a ConfideError whose code must be one of `tables` (the
 * package's own and those of the packages below it it raises). `codes` is their union.
 */
export function errorClass<const T extends readonly ErrorCodeTable<ErrorCode>[]>(...tables: T) {
  const codes = composeErrorCodes(...tables);
  return class extends ConfideError<CodeOf<T[number]>> {
    static readonly codes = codes;
    constructor(code: CodeOf<T[number]>, message: string, options?: ConfideErrorOptions) {
      super(codes, code, message, options);
    }
  };
}

/** `err` restated under a new message (context added): same code, expose and summary; `err` is its cause. */
export function restate<C extends ErrorCode>(err: ConfideError<C>, message: string, details: Record<string, unknown> | undefined = err.details): ConfideError<C> {
  const table = { [err.code]: { expose: err.expose, summary: err.summary, owner: err.owner } } as ErrorCodeTable<C>;
  return new ConfideError<C>(table, err.code, message, { cause: err, ...(details ? { details } : {}) });
}

/** True when `err` is a ConfideError, optionally of the given code. */
export function isConfideError<C extends ErrorCode = ErrorCode>(err: unknown, code?: C): err is ConfideError<C> {
  return err instanceof ConfideError && (code === undefined || err.code === code);
}
