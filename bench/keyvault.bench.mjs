/**
 * Key vault signing: signatures per second through POST /keys/{name}/{version}/sign over HTTPS
 * (RS256 with RSA-2048, ES256 with P-256) on a separate `confide serve`, beside the floor (the
 * same signature with node:crypto in the benchmark process, callback form on libuv's pool),
 * with the server's CPU time per signature. Target: 50% of the floor at 16 in flight. No peer:
 * Azure Key Vault and Managed HSM are cloud services. RS256 is measured twice: on a default
 * server (on a machine with more than one core, two RSA threads for requests with company) and on
 * one with keyvault.rsaThreads 0 (every RSA private operation on the event loop).
 */
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { availableParallelism } from 'node:os';
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

/** Rows (and CPU notes) of `keys` on a fresh server started with `args`; `suffix` follows each row's work. */
async function measureKeys(keys, args, suffix, rows, cpuNotes) {
  const vault = await startVaultServe(TITLE, args);
  if (!vault) return false;
  const { server, client } = vault;
  try {
    for (const k of keys) {
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
      const work = `${k.work}${suffix}`;
      const measured = await measureAgainstFloor(vault, { work, op, first, floorOp, peer: PEER, cpuOps: CPU_OPS, unit: 'signature' });
      rows.push(...measured.rows);
      if (measured.note) cpuNotes.push(`${work}: ${measured.note}`);
    }
  } catch (err) {
    rows.push({ work: `setup${suffix}`, concurrency: 0, ours: { note: describeError(err) } });
  } finally {
    client.close();
    await server.stop();
  }
  return true;
}

export async function main() {
  const rows = [];
  const cpuNotes = [];
  if (!(await measureKeys(KEYS, [], '', rows, cpuNotes))) return;
  // The same RS256 row with every RSA private operation on the event loop (keyvault.rsaThreads 0), beside the default.
  await measureKeys(KEYS.filter((k) => k.alg === 'RS256'), ['--keyvault-rsa-threads', '0'], ', no RSA threads', rows, cpuNotes);
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
      `default server: keyvault.rsaThreads unset, here ${availableParallelism() > 1 ? 'two RSA threads, which run the RSA private operations of requests that arrive while other key vault requests are open (a lone request is signed on the event loop)' : 'no RSA threads (one core)'}; "server CPU" counts those threads`,
      '"no RSA threads": a server started with --keyvault-rsa-threads 0, whose RSA private operations all run on the event loop',
      ...cpuNotes,
      ceiling,
    ],
  });
}

await main();
