/** Renders docs/errors.md from every package's code table and the server's HTTP status table; a test fails when the committed file is stale. */
import type { ErrorCode } from '@confide/core';
import { KNOWN_ERROR_CODES } from '../errors/index.js';
import { httpStatusOf } from '../plugins/http-status.js';

export function renderErrorDocs(): string {
  const rows = Object.entries(KNOWN_ERROR_CODES).map(([code, e]) => `| \`${code}\` | ${e.owner} | ${httpStatusOf(code as ErrorCode)} | ${e.expose ? 'yes' : 'no'} | ${e.summary} |`);
  return [
    '# Error codes',
    '',
    "<!-- Generated from each package's src/errors.ts by `npm run docs`; do not edit by hand. -->",
    '',
    "Every error carries a stable `code`. Confide's own HTTP routes answer RFC 9457",
    '`application/problem+json` with `code`, `status`, `title` (the summary below), `detail` and',
    '`requestId`; compatible surfaces (Azure Attestation, Key Vault, Confidential Ledger, MarbleRun)',
    'answer in their upstream format and carry the code in the message. The CLI prints',
    '`confide: <message> [<code>]`, or `{"ok":false,"error":{"code","message"}}` with `--json`.',
    '"Shown" says whether the message may reach a remote caller; when it may not, the caller gets',
    'only the summary and the details go to the log. "Package" is the package that declares the',
    'code (in its `src/errors.ts`); packages above it raise it too.',
    '',
    '| code | package | HTTP status | shown | meaning |',
    '|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
