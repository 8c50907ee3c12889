/** Code tables: declared per package, composed without duplicates, and carried by every ConfideError. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { composeErrorCodes, ConfideError, CORE_ERROR_CODES, CoreError, defineErrorCodes, errorClass, isConfideError, restate, type CodeOf } from '@confide/core';

const A = defineErrorCodes('a', {
  ERR_A_SHOWN: { expose: true, summary: 'shown' },
  ERR_A_HIDDEN: { expose: false, summary: 'hidden' },
});
const B = defineErrorCodes('b', { ERR_B: { expose: true, summary: 'b' } });

test('defineErrorCodes: frozen entries that name their owner', () => {
  assert.deepEqual(A.ERR_A_HIDDEN, { expose: false, summary: 'hidden', owner: 'a' });
  assert.ok(Object.isFrozen(A) && Object.isFrozen(A.ERR_A_SHOWN));
  assert.equal(CORE_ERROR_CODES.ERR_INTERNAL.owner, 'core');
  assert.equal(CORE_ERROR_CODES.ERR_INTERNAL.expose, false);
});

test('composeErrorCodes: the union of the tables; a code declared twice is refused, naming both owners', () => {
  const ab = composeErrorCodes(A, B);
  assert.deepEqual(Object.keys(ab).sort(), ['ERR_A_HIDDEN', 'ERR_A_SHOWN', 'ERR_B']);
  assert.equal(ab.ERR_B.owner, 'b');
  const again = defineErrorCodes('c', { ERR_B: { expose: false, summary: 'b again' } });
  assert.throws(() => composeErrorCodes(A, B, again), (err) => err instanceof TypeError && /ERR_B/.test(err.message) && /\bb\b/.test(err.message) && /\bc\b/.test(err.message));
  assert.throws(() => composeErrorCodes(CORE_ERROR_CODES, defineErrorCodes('x', { ERR_INTERNAL: { expose: true, summary: 'mine' } })), TypeError);
});

test('a package error class carries expose and summary from the table that declares the code', () => {
  const AbError = errorClass(CORE_ERROR_CODES, A, B);
  assert.deepEqual(Object.keys(AbError.codes).sort(), [...Object.keys(CORE_ERROR_CODES), 'ERR_A_HIDDEN', 'ERR_A_SHOWN', 'ERR_B'].sort());
  const hidden = new AbError('ERR_A_HIDDEN', 'secret detail', { details: { k: 1 }, cause: 'why' });
  assert.ok(hidden instanceof ConfideError && hidden instanceof AbError && hidden instanceof Error);
  assert.equal(hidden.name, 'ConfideError');
  assert.equal(hidden.code, 'ERR_A_HIDDEN');
  assert.equal(hidden.expose, false);
  assert.equal(hidden.summary, 'hidden');
  assert.deepEqual(hidden.details, { k: 1 });
  assert.equal(hidden.cause, 'why');
  const core = new AbError('ERR_LIMIT_EXCEEDED', 'too big');
  assert.equal(core.expose, true);
  assert.equal(core.summary, CORE_ERROR_CODES.ERR_LIMIT_EXCEEDED.summary);
  assert.ok(isConfideError(core, 'ERR_LIMIT_EXCEEDED') && !isConfideError(core, 'ERR_A_SHOWN') && !isConfideError(new Error('x')));
  assert.equal(new CoreError('ERR_INTERNAL', 'x').expose, false);
});

test('restate: a new message over the same code, expose, summary and owner, with the original as cause', () => {
  const AError = errorClass(A);
  const hidden = new AError('ERR_A_HIDDEN', 'inner', { details: { k: 1 } });
  assert.equal(hidden.owner, 'a');
  const again = restate(hidden, 'device 3: inner');
  assert.deepEqual([again.code, again.expose, again.summary, again.owner, again.message], ['ERR_A_HIDDEN', false, 'hidden', 'a', 'device 3: inner']);
  assert.equal(again.cause, hidden);
  assert.deepEqual(again.details, { k: 1 });
  assert.deepEqual(restate(hidden, 'x', { index: 2 }).details, { index: 2 });
});

test('a code outside the table the raiser passes, or an error class over clashing tables, is a programming error', () => {
  const wide = A as unknown as Parameters<typeof errorClass>[0];
  assert.throws(() => new ConfideError(wide, 'ERR_B', 'x'), TypeError);
  assert.throws(() => errorClass(A, B, A), TypeError);
});

test('codes are a string-literal union: a code no table declares does not compile', () => {
  const AError = errorClass(A);
  type ACode = CodeOf<typeof A>;
  const codes: ACode[] = ['ERR_A_SHOWN', 'ERR_A_HIDDEN'];
  assert.equal(codes.length, 2);
  // Never called: the directives fail the build if these lines ever compile.
  const neverRun = (): void => {
    // @ts-expect-error a code of another table
    void new AError('ERR_B', 'x');
    // @ts-expect-error a misspelt core code
    void new CoreError('ERR_INTERNAL_', 'x');
    // @ts-expect-error a code beyond the table a package composed
    void new ConfideError(A, 'ERR_LIMIT_EXCEEDED', 'x');
  };
  assert.equal(typeof neverRun, 'function');
});
