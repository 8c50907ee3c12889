/**
 * Key vault signing: signatures per second through POST /keys/{name}/{version}/sign over HTTPS
 * (RS256 with RSA-2048, ES256 with P-256) on a separate `confide serve`, beside the floor (the
 * same signature with node:crypto in the benchmark process, callback form on libuv's pool),
 * with the server's CPU time per signature. Target: 50% of the floor at 16 in flight. No peer:
 * Azure Key Vault and Managed HSM are cloud services. The server signs RSA on its
 * keyvault.rsaThreads threads (default 2); CONFIDE_KEYVAULT_RSA_THREADS=0 in the environment
 * measures it signing on the event loop instead, for comparison.
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { attempt, describeError, settings } from './lib/harness.mjs';
import { ceilingNote, measureAgainstFloor, startVaultServe } from './lib/vault-serve.mjs';
import { printTable } from './lib/table.mjs';

const TITLE = 'Key vault sign (POST /keys/{name}/{version}/sign), HTTPS';
const PEER = { reason: 'none: Azure Key Vault and Managed HSM are cloud services; no local implementation on npm signs over this API' };
const DIGEST = createHash('sha256').update('the data a client signs').digest();
const KEYS = [
  { work: 'RS256, RSA-2048', name: 'bench-rsa', create: { kty: 'RSA-HSM', key_size: 2048 }, alg: 'RS256', floorKey: () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, floorOptions: {} },
  { work: 'ES256, P-256', name: 'bench-ec', create: { kty: 'EC-HSM', crv: 'P-256' }, alg: 'ES256', floorKey: () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey, floorOptions: { dsaEncoding: 'ieee-p1363' } },
];
const CPU_OPS = 256;

const signAsync = (key, options) => () =>
  new Promise((resolve, reject) => sign('sha256', DIGEST, { key, ...options }, (err, sig) => (err ? reject(err) : resolve(sig))));

export async function main() {
  const vault = await startVaultServe(TITLE);
  if (!vault) return;
  const { server, client } = vault;
  const rows = [];
  const cpuNotes = [];
  try {
    for (const k of KEYS) {
      const created = await client.post(`/keys/${k.name}/create?api-version=7.6`, JSON.stringify(k.create));
      if (created.status !== 200) throw new Error(`create ${k.name}: ${created.status} ${created.body}`);
      const kid = JSON.parse(created.body).key.kid;
      const path = `${new URL(kid).pathname}/sign?api-version=7.6`;
      const body = JSON.stringify({ alg: k.alg, value: DIGEST.toString('base64url') });
      const op = async () => {
        const res = await client.post(path, body);
        if (res.status !== 200) throw new Error(`sign: ${res.status} ${res.body}`);
      };
      const first = await attempt(op);
      // The floor signs with a key of the same kind made here: the vault's private half never leaves it.
      const floorOp = signAsync(k.floorKey(), k.floorOptions);
      const measured = await measureAgainstFloor(vault, { work: k.work, op, first, floorOp, peer: PEER, cpuOps: CPU_OPS, unit: 'signature' });
      rows.push(...measured.rows);
      if (measured.note) cpuNotes.push(`${k.work}: ${measured.note}`);
    }
  } catch (err) {
    rows.push({ work: 'setup', concurrency: 0, ours: { note: describeError(err) } });
  } finally {
    client.close();
    await server.stop();
  }
  const ceiling = await ceilingNote(rows, { route: 'sign', body: JSON.stringify({ alg: 'ES256', value: DIGEST.toString('base64url') }) });
  printTable({
    title: TITLE,
    peerName: 'peer',
    rows,
    notes: [
      `ours: a separate \`confide serve\` process (dev mode, local CA, SQLite store, any bearer token), {"alg","value": base64url SHA-256 digest} as the client sends it; ${settings.concurrency.join(' and ')} requests in flight on keep-alive HTTPS connections, each answer checked for status 200; the server is first warmed for ${settings.serverWarmupMs / 1000} s per row at ${Math.max(...settings.concurrency)} in flight`,
      'floor: the same signature of the same digest with node:crypto (crypto.sign, callback form: libuv\'s pool) in the benchmark process, as many at once as ours',
      'target: ours/floor at most 2.00× (50% of the floor) at 16 in flight',
      'client, server and the thread pool share the machine\'s cores; the client\'s TLS and JSON work is counted in ours and absent from the floor',
      `the server runs RSA private operations on ${process.env.CONFIDE_KEYVAULT_RSA_THREADS ?? 'its default 2'} threads (keyvault.rsaThreads); "server CPU" counts them`,
      ...cpuNotes,
      ceiling,
    ],
  });
}

await main();
