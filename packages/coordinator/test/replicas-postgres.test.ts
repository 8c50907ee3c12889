/**
 * Three coordinators on one PostgreSQL database (each its own connection pool, as three replicas
 * are), sharing the seal key: a manifest set through one activates marbles through the others
 * (one of them started before the manifest existed),
 * MaxActivations holds across all three, concurrent activations keep the audit chain whole, and an
 * update through one is in force on the others.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { isConfideError } from '@confide/core';
import { emptyCollateral } from '@confide/evidence';
import { openPostgresStore, type Store } from '@confide/store';
import { dropSchema, freshSchema } from '@confide/test-kit/postgres';
import { CoordinatorService, createMemorySealProvider } from '../src/index.js';
import { activate, alice, manifest, server, simKey } from './postgres-marbles.js';

const skip = server.skip;

test('three coordinators on one PostgreSQL database behave as one', { skip }, async () => {
  const schema = freshSchema();
  const url = await server.url();
  const seal = createMemorySealProvider(new Uint8Array(32).fill(7));
  const stores: Store[] = [];
  const start = async (): Promise<CoordinatorService> => {
    const store = await openPostgresStore(url, { schema });
    stores.push(store);
    return CoordinatorService.start({ store, seal, evidence: { collateral: emptyCollateral, simulationKeys: async () => [simKey.publicKey] } });
  };
  try {
    // One replica is up before the manifest exists, the others start after it was set.
    const early = await start();
    const a = await start();
    await a.setManifest(manifest('first', 5));
    const replicas = [early, a, await start()];

    // MaxActivations 5 across all three, 18 marbles at once.
    const limited = await Promise.allSettled(Array.from({ length: 18 }, (_, i) => activate(replicas[i % 3]!, 'limited', randomUUID())));
    assert.equal(limited.filter((o) => o.status === 'fulfilled').length, 5);
    for (const o of limited) if (o.status === 'rejected') assert.ok(isConfideError(o.reason, 'ERR_MAX_ACTIVATIONS'), String(o.reason));
    assert.equal(await stores[1]!.activations.count('limited'), 5);

    // Unlimited activations at once on all three: each one lands (the audit chain is appended under its lock).
    const uuids = Array.from({ length: 12 }, () => randomUUID());
    await Promise.all(uuids.map((uuid, i) => activate(replicas[i % 3]!, 'free', uuid)));
    const log = (await replicas[2]!.auditLog()).trim().split('\n').map((l) => JSON.parse(l) as { seq: number; prevHash: string; hash: string; type: string });
    assert.deepEqual(log.map((e) => e.seq), Array.from({ length: log.length }, (_, i) => i + 1));
    for (let i = 1; i < log.length; i++) assert.equal(log[i]!.prevHash, log[i - 1]!.hash);
    assert.equal(log.filter((e) => e.type === 'marble.activate').length, 5 + 12);

    // An update through one replica is in force on the others.
    await replicas[0]!.update(alice.der, manifest('second', 5));
    const again = await activate(replicas[2]!, 'free', uuids[0]!);
    assert.equal(Buffer.from(again.parameters.env['WHO']!).toString(), 'second');
  } finally {
    for (const s of stores) await s.close();
    await dropSchema(url, schema);
  }
});
