/**
 * PCR values as evidence gives them (readPcrBanks): the PCR index keys it reads and the ones it
 * refuses, whatever Number() would make of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { readPcrBanks } from '../src/index.js';

const VALUE = '00'.repeat(32);

test('readPcrBanks: one or two decimal digits up to 31 name a PCR', () => {
  const banks = readPcrBanks({ sha256: { '0': VALUE, '07': VALUE, '23': VALUE, '31': VALUE } });
  assert.deepEqual([...banks.get('sha256')!.keys()].sort((a, b) => a - b), [0, 7, 23, 31]);
  assert.deepEqual([...readPcrBanks({ sha256: [VALUE, VALUE] }).get('sha256')!.keys()], [0, 1]);
});

test('readPcrBanks: any other key is ERR_EVIDENCE_MALFORMED', () => {
  for (const key of ['', '32', '99', '007', '+1', '-1', ' 1', '1 ', '1.', '1e', '0x', 'a', '\u0661']) {
    assert.throws(() => readPcrBanks({ sha256: { [key]: VALUE } }), (err) => isConfideError(err) && err.code === 'ERR_EVIDENCE_MALFORMED', JSON.stringify(key));
  }
});
