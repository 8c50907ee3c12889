/** How commands speak: a readable summary, or one JSON object per result with --json. */
import { isConfideError } from '@confide/core';

export interface Output {
  json: boolean;
  /** Prints a result: `human` text, or `data` as JSON. */
  result(data: unknown, human: string): void;
  /** Prints a failure: `{ok:false,error:{code,message}}` with --json, else `confide: message`. */
  failure(err: unknown): void;
  /** Progress and warnings go to stderr so stdout stays machine-readable. */
  note(text: string): void;
}

export function makeOutput(json: boolean, out = process.stdout, err = process.stderr): Output {
  return {
    json,
    result(data, human) {
      out.write(json ? JSON.stringify(data) + '\n' : human.endsWith('\n') ? human : human + '\n');
    },
    failure(e) {
      const code = isConfideError(e) ? e.code : 'ERR_INTERNAL';
      const message = e instanceof Error ? e.message : String(e);
      if (json) out.write(JSON.stringify({ ok: false, error: { code, message } }) + '\n');
      else err.write(`confide: ${message} [${code}]\n`);
    },
    note(text) {
      err.write(text.endsWith('\n') ? text : text + '\n');
    },
  };
}
