/**
 * Activation on PostgreSQL in one write, alone or beside others: a new UUID on the state the
 * replica knows sends the version expectation, the MaxActivations-checked insert (no read of the
 * version first) and the audit entry in one write (lifecycle.changeIfAt), on the audit chain's
 * connection, as one transaction without BEGIN (store chain-connection.ts). Counted at a TCP relay
 * between the store and the server: with one activation at a time, every write reaches the relay
 * as a chunk of its own (the next write waits for the answer to the one before, which passes the
 * relay after it); beside others, writes on the chain's connection may share a chunk. The relay
 * knows that connection by the application_name in its startup message. When an expectation does
 * not hold (a UUID seen before, a full type, a state another replica changed), nothing of the
 * one-write attempt stays and the activation is judged on what is stored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { isConfideError } from '@confide/core';
import { emptyCollateral } from '@confide/evidence';
import { openPostgresStore, type Store } from '@confide/store';
import { dropSchema, freshSchema } from '@confide/test-kit/postgres';
import { CoordinatorService, createMemorySealProvider } from '../src/index.js';
import { activate, alice, manifest, server, simKey } from './postgres-marbles.js';

const skip = server.skip;

/** A relay on 127.0.0.1 to the server at `url`, counting the chunks clients send through it, and those of the audit chain's connection. */
async function relay(url: string): Promise<{ url: string; chunks(): number; chainChunks(): number; close(): Promise<void> }> {
  const target = new URL(url);
  let chunks = 0;
  let chainChunks = 0;
  const sockets = new Set<Socket>();
  const relayServer: Server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    }
    let chain: boolean | undefined;
    client.on('data', (data: Buffer) => {
      chunks += 1;
      // The first chunk is the startup message, whose parameters name the application.
      chain ??= data.includes('confide-audit-chain');
      if (chain) chainChunks += 1;
      upstream.write(data);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => relayServer.listen(0, '127.0.0.1', resolve));
  const address = relayServer.address();
  const relayed = new URL(url);
  relayed.host = `127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    url: relayed.toString(),
    chunks: () => chunks,
    chainChunks: () => chainChunks,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => relayServer.close(() => resolve()));
    },
  };
}

const isReactivation = (line: string): boolean => (JSON.parse(line) as { details: { reactivation: boolean } }).details.reactivation;

test('postgres: a new marble activates in one round trip when alone (two before); a UUID seen before, a full type and a state another replica changed are judged on what is stored', { skip }, async () => {
  const schema = freshSchema();
  const url = await server.url();
  const counted = await relay(url);
  const seal = createMemorySealProvider(new Uint8Array(32).fill(9));
  const stores: Store[] = [];
  const start = async (at: string): Promise<CoordinatorService> => {
    const store = await openPostgresStore(at, { schema });
    stores.push(store);
    return CoordinatorService.start({ store, seal, evidence: { collateral: emptyCollateral, simulationKeys: async () => [simKey.publicKey] } });
  };
  try {
    const a = await start(counted.url);
    await a.setManifest(manifest('first', 2));
    // The first transactions read the audit head under its lock, until this process trusts the head it left (store audit-chain.ts);
    // then the chain's connection opens and its statements are prepared there, until an activation's one write goes out on it.
    let warm = 0;
    for (let chained = false; !chained; warm++) {
      assert.ok(warm < 40, 'no activation went out on the audit chain connection');
      const [all, chain] = [counted.chunks(), counted.chainChunks()];
      await activate(a, 'free', randomUUID());
      chained = warm >= 8 && counted.chunks() - all === 1 && counted.chainChunks() - chain === 1;
    }

    const before = counted.chunks();
    const beforeChain = counted.chainChunks();
    for (let i = 0; i < 5; i++) await activate(a, 'free', randomUUID());
    // One round trip: alone, nothing needs settling before the audit chain's turn (store audit-log.ts); everything goes in one write.
    assert.equal(counted.chunks() - before, 5, 'one write per activation (two before)');
    assert.equal(counted.chainChunks() - beforeChain, 5, 'each on the audit chain connection');

    // Eight at once (none alone): still at most one write each, all on the chain's connection, their statements unsettled when their turns come (two writes before).
    // The first burst opens and prepares the pool's connections; the second is counted.
    const burst = (): Promise<unknown> => Promise.all(Array.from({ length: 8 }, () => activate(a, 'free', randomUUID())));
    await burst();
    const retriesBefore = stores[0]!.retries();
    const beforeBurst = counted.chunks();
    const beforeBurstChain = counted.chainChunks();
    await burst();
    assert.equal(stores[0]!.retries(), retriesBefore, 'no activation of the burst ran again');
    const burstChunks = counted.chunks() - beforeBurst;
    assert.ok(burstChunks >= 1 && burstChunks <= 8, `at most one write per activation beside others (two before): ${burstChunks}`);
    assert.equal(counted.chainChunks() - beforeBurstChain, burstChunks, 'all on the audit chain connection');

    // A UUID seen before: the one-write attempt fails (nothing of it stays), the re-activation is recorded as one.
    const again = randomUUID();
    await activate(a, 'free', again);
    await activate(a, 'free', again);
    const lines = (await a.auditLog()).trim().split('\n');
    assert.equal(isReactivation(lines.at(-1)!), true);
    assert.equal(isReactivation(lines.at(-2)!), false);

    // A full type: ERR_MAX_ACTIVATIONS, and the count stays at the limit.
    await activate(a, 'limited', randomUUID());
    await activate(a, 'limited', randomUUID());
    await assert.rejects(activate(a, 'limited', randomUUID()), (err: unknown) => isConfideError(err, 'ERR_MAX_ACTIVATIONS'));
    assert.equal(await stores[0]!.activations.count('limited'), 2);

    // Another replica updates the manifest: `a` still knows the old state, its one-write attempt fails on the version, and the answer is made on the new state.
    const b = await start(url);
    await b.update(alice.der, manifest('second', 2));
    const answer = await activate(a, 'free', randomUUID());
    assert.equal(Buffer.from(answer.parameters.env['WHO']!).toString(), 'second');

    const log = (await b.auditLog()).trim().split('\n').map((l) => JSON.parse(l) as { seq: number; prevHash: string; hash: string; type: string });
    assert.deepEqual(log.map((e) => e.seq), Array.from({ length: log.length }, (_, i) => i + 1));
    for (let i = 1; i < log.length; i++) assert.equal(log[i]!.prevHash, log[i - 1]!.hash);
    assert.equal(log.filter((e) => e.type === 'marble.activate').length, warm + 5 + 16 + 2 + 2 + 1);
  } finally {
    for (const s of stores) await s.close();
    await counted.close();
    await dropSchema(url, schema);
  }
});
