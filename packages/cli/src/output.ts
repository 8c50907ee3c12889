/** How commands speak: a readable summary, or one JSON object per result with --json. */
import { isConfideError } from '@confide/core';
import { violationLines, violationsOf } from './client/violations.js';

/** Where the CLI writes: the process's streams, or buffers when a test runs it in process. */
export interface Io {
  stdout: { write(chunk: string | Uint8Array): unknown };
  stderr: { write(chunk: string | Uint8Array): unknown };
}

export const processIo: Io = { stdout: process.stdout, stderr: process.stderr };

export interface Output {
  json: boolean;
  /** Prints a result: `human` text, or `data` as JSON. */
  result(data: unknown, human: string): void;
  /**
   * Prints a failure: `{ok:false,error:{code,message,details?}}` with --json (details of exposed errors), else `confide: message`.
   * Manifest violations and warnings it carries are listed too (JSON: error.violations, error.warnings).
   */
  failure(err: unknown): void;
  /** Progress and warnings go to stderr so stdout stays machine-readable. */
  note(text: string): void;
  /** Writes bytes or text to stdout as they are (evidence, generated documents). */
  raw(chunk: string | Uint8Array): void;
}

export function makeOutput(json: boolean, io: Io = processIo): Output {
  const { stdout: out, stderr: err } = io;
  return {
    json,
    result(data, human) {
      out.write(json ? JSON.stringify(data) + '\n' : human.endsWith('\n') ? human : human + '\n');
    },
    failure(e) {
      const code = isConfideError(e) ? e.code : 'ERR_INTERNAL';
      const message = e instanceof Error ? e.message : String(e);
      const found = violationsOf(e);
      // An exposed error's details are for the caller (the ledger's first bad transaction id, a field name).
      const details = isConfideError(e) && e.expose && e.details ? { details: e.details } : {};
      if (json) out.write(JSON.stringify({ ok: false, error: { code, message, ...details, ...(found ?? {}) } }) + '\n');
      else {
        err.write(`confide: ${message} [${code}]\n`);
        if (found) err.write([...violationLines(found.violations, 'error'), ...violationLines(found.warnings, 'warning')].join('\n') + '\n');
      }
    },
    note(text) {
      err.write(text.endsWith('\n') ? text : text + '\n');
    },
    raw(chunk) {
      out.write(chunk);
    },
  };
}
