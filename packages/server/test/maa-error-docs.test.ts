/** docs/attestation.md's error table says what the MAA surface answers: each row's status and MAA code, for each code it lists. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpStatusOf, type KnownErrorCode } from '../src/index.js';
import { maaErrorCode } from '../src/routes/maa/errors.js';

const doc = readFileSync(join(resolve(dirname(fileURLToPath(import.meta.url)), '../../../..'), 'docs', 'attestation.md'), 'utf8');

test('docs/attestation.md: every row of the error table matches the MAA serializer and the server status table', () => {
  const section = doc.slice(doc.indexOf('## Errors'), doc.indexOf('## Configuration'));
  const rows = [...section.matchAll(/^\| ([\d /]+) \| (.+?) \| (.+?) \|$/gm)];
  assert.ok(rows.length >= 10, 'the table is there');
  let checked = 0;
  for (const [, statuses, maaCodes, confideCodes] of rows) {
    const s = statuses!.split('/').map((x) => Number(x.trim()));
    const m = [...maaCodes!.matchAll(/`(\w+)`/g)].map((x) => x[1]);
    const codes = [...confideCodes!.matchAll(/`(ERR_\w+)`/g)].map((x) => x[1] as KnownErrorCode);
    codes.forEach((code, i) => {
      // "413 / 415 | A / B | X / Y": the i-th pair when the row pairs them, else the row's one status and code.
      const k = s.length > 1 ? i : 0;
      const status = httpStatusOf(code);
      assert.equal(status, s[k], `${code}: status`);
      assert.equal(maaErrorCode({ code, status, message: '' }), m[k], `${code}: MAA code`);
      checked++;
    });
  }
  for (const code of ['ERR_EVIDENCE_SIGNATURE_INVALID', 'ERR_POLICY_SYNTAX', 'ERR_POLICY_SIGNER_UNTRUSTED', 'ERR_POLICY_DENIED'] as const) {
    assert.ok(section.includes(`\`${code}\``), `${code} is documented`);
  }
  assert.ok(checked >= 25, `${checked} codes checked`);
});
