/** Renders docs/errors.md from ERROR_CODES and the server's HTTP status table; a test fails when the committed file is stale. */
import { ERROR_CODES, type ErrorCode } from '@confide/core';
import { httpStatusOf } from '../plugins/http-status.js';

export function renderErrorDocs(): string {
  const rows = Object.entries(ERROR_CODES).map(([code, e]) => `| \`${code}\` | ${httpStatusOf(code as ErrorCode)} | ${e.expose ? 'yes' : 'no'} | ${e.summary} |`);
  return [
    '# Error codes',
    '',
    '<!-- Generated from packages/core/src/errors.ts by `npm run docs`; do not edit by hand. -->',
    '',
    "Every error carries a stable `code`. Confide's own HTTP routes answer RFC 9457",
    '`application/problem+json` with `code`, `status`, `title` (the summary below), `detail` and',
    '`requestId`; compatible surfaces (Azure Attestation, Key Vault, Confidential Ledger, MarbleRun)',
    'answer in their upstream format and carry the code in the message. The CLI prints',
    '`confide: <message> [<code>]`, or `{"ok":false,"error":{"code","message"}}` with `--json`.',
    '"Shown" says whether the message may reach a remote caller; when it may not, the caller gets',
    'only the summary and the details go to the log.',
    '',
    '| code | HTTP status | shown | meaning |',
    '|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
