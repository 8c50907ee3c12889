/**
 * A transaction's connection checked out at its first write (postgres/tx-connection.ts), with a
 * stand-in for the pool: no write, no checkout; writes made while it is being checked out go out
 * once it is there, in the order made, in one send; a failed checkout fails them; a release before
 * the checkout ended gives the connection back when it arrives.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { PoolClient } from 'pg';
import { TxConnection } from '../src/postgres/tx-connection.js';

/** A pool connection stand-in that records what was written, how the socket was corked and how it was released. */
function fakeClient(): { client: PoolClient; log: string[] } {
  const log: string[] = [];
  const stream = { cork: () => log.push('cork'), uncork: () => log.push('uncork') };
  const client = { connection: { stream }, release: (broken?: Error) => log.push(broken ? `release broken: ${broken.message}` : 'release') } as unknown as PoolClient;
  return { client, log };
}

/** A checkout that ends when the test says. */
function pending(): { open: () => Promise<PoolClient>; opened: () => number; give: (c: PoolClient) => void; refuse: (err: Error) => void } {
  let opened = 0;
  let give!: (c: PoolClient) => void;
  let refuse!: (err: Error) => void;
  const ready = new Promise<PoolClient>((resolve, reject) => ((give = resolve), (refuse = reject)));
  return { open: () => ((opened += 1), ready), opened: () => opened, give, refuse };
}

/** `texts` written through `connection` as one write, each answered with its text. */
function writeAll(connection: TxConnection, log: string[], texts: string[]): Array<Promise<string>> {
  return connection.write(texts.length, () => texts.map((t) => (log.push(t), Promise.resolve(t))));
}

test('tx-connection: without a write the pool is never asked for a connection, and releasing gives nothing back', () => {
  const checkout = pending();
  const connection = new TxConnection(checkout.open);
  connection.corked(() => undefined);
  connection.release(undefined);
  assert.equal(checkout.opened(), 0);
});

test('tx-connection: writes made during the checkout go out in the order made, in one corked send, and later ones at once', async () => {
  const checkout = pending();
  const { client, log } = fakeClient();
  const connection = new TxConnection(checkout.open);
  const first = writeAll(connection, log, ['BEGIN', 'a']);
  const second = connection.corked(() => writeAll(connection, log, ['b']));
  assert.equal(checkout.opened(), 1);
  assert.deepEqual(log, []);
  checkout.give(client);
  assert.deepEqual(await Promise.all([...first, ...second]), ['BEGIN', 'a', 'b']);
  assert.deepEqual(log, ['cork', 'BEGIN', 'a', 'b', 'uncork']);
  const third = connection.corked(() => writeAll(connection, log, ['c']));
  assert.deepEqual(log.slice(5), ['cork', 'c', 'uncork']);
  assert.deepEqual(await Promise.all(third), ['c']);
  connection.release(undefined);
  assert.equal(log.at(-1), 'release');
  assert.equal(checkout.opened(), 1);
});

test('tx-connection: a failed checkout fails every write waiting for it with its error', async () => {
  const checkout = pending();
  const connection = new TxConnection(checkout.open);
  const answers = writeAll(connection, [], ['BEGIN', 'a']);
  checkout.refuse(new Error('cannot connect'));
  for (const answer of answers) await assert.rejects(answer, /cannot connect/);
  connection.release(undefined);
});

test('tx-connection: released before the checkout ended, the connection goes back to the pool when it arrives (broken: dropped), and writes still waiting fail', async () => {
  const checkout = pending();
  const { client, log } = fakeClient();
  const connection = new TxConnection(checkout.open);
  const answers = writeAll(connection, log, ['BEGIN']);
  connection.release(new Error('rolled back badly'));
  checkout.give(client);
  await assert.rejects(answers[0]!, /ended before its connection was checked out/);
  assert.deepEqual(log, ['release broken: rolled back badly']);
});

test('tx-connection: a write after the release fails and checks nothing out', async () => {
  const checkout = pending();
  const connection = new TxConnection(checkout.open);
  connection.release(undefined);
  const [answer] = writeAll(connection, [], ['late']);
  await assert.rejects(answer!, /ended before its connection was checked out/);
  assert.equal(checkout.opened(), 0);
});

test('tx-connection: a waiting write that throws when handed to the driver fails alone; the writes behind it go out', async () => {
  const checkout = pending();
  const { client, log } = fakeClient();
  const connection = new TxConnection(checkout.open);
  const [thrown] = connection.write(1, () => {
    throw new Error('driver refused');
  });
  const behind = writeAll(connection, log, ['b']);
  checkout.give(client);
  await assert.rejects(thrown!, /driver refused/);
  assert.deepEqual(await Promise.all(behind), ['b']);
});
