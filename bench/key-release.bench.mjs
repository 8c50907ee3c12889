/**
 * Secure key release: releases per second through POST /keys/{name}/{version}/release over HTTPS
 * on a separate `confide serve` (the target token's signature and lifetime, the release policy,
 * the CKM_RSA_AES_KEY_WRAP wrap to the token's transfer key, and the RS256 response), beside its
 * floor (one RS256 verify of the token + one RSA-OAEP encrypt of an AES-256 key + the RFC 5649
 * wrap of the key's PKCS#8, with node:crypto in the benchmark process), with the server's CPU time
 * per release. Target: 50% of the floor at 16 in flight. No peer: Key Vault is a cloud service.
 */
import { constants, createCipheriv, createHash, generateKeyPairSync, publicEncrypt, randomBytes, verify, X509Certificate } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { attempt, describeError, settings } from './lib/harness.mjs';
import { ceilingNote, measureAgainstFloor, startVaultServe } from './lib/vault-serve.mjs';
import { printTable } from './lib/table.mjs';

const TITLE = 'Key vault release (POST /keys/{name}/{version}/release), HTTPS';
const PEER = { reason: 'none: Azure Key Vault and Managed HSM are cloud services; no local implementation on npm releases keys over this API' };
const MEASUREMENT = new Uint8Array(32).fill(0x42);
const CPU_OPS = 128;

/** A token from the server's own /attest/Simulated, its evidence binding runtime data that carries the transfer key. */
async function attestToken(client, dataDir, transferJwk) {
  const [{ loadSimulationKey }, { createSimEvidence }] = await Promise.all([import('@confide/launcher/sim-key'), import('@confide/evidence')]);
  const sim = await loadSimulationKey(dataDir);
  const runtime = JSON.stringify({ keys: [{ ...transferJwk, kid: 'bench-transfer', key_ops: ['encrypt'] }] });
  const evidence = await createSimEvidence({ privateKey: sim.privateKey, publicKey: sim.publicKey }, { measurement: MEASUREMENT, reportData: new Uint8Array(createHash('sha256').update(runtime).digest()) });
  const res = await client.post('/attest/Simulated?api-version=2022-08-01', JSON.stringify({ quote: Buffer.from(evidence).toString('base64url'), runtimeData: { data: Buffer.from(runtime).toString('base64url'), dataType: 'JSON' } }));
  if (res.status !== 200) throw new Error(`attest: ${res.status} ${res.body}`);
  return JSON.parse(res.body).token;
}

/** The floor: what a release cannot do without, on node:crypto, with a key of the same kind made here. */
function floorOf(token, issuerKey, transferPublic) {
  const [h, p, s] = token.split('.');
  const input = Buffer.from(`${h}.${p}`);
  const signature = Buffer.from(s, 'base64url');
  const material = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'der' });
  return () =>
    new Promise((resolve, reject) =>
      verify('sha256', input, issuerKey, signature, (err, ok) => {
        if (err || !ok) return reject(err ?? new Error('floor: token does not verify'));
        const aes = randomBytes(32);
        publicEncrypt({ key: transferPublic, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, aes);
        const c = createCipheriv('id-aes256-wrap-pad', aes, Buffer.from('a65959a6', 'hex'));
        Buffer.concat([c.update(material), c.final()]);
        resolve();
      }),
    );
}

export async function main() {
  const vault = await startVaultServe(TITLE);
  if (!vault) return;
  const { server, client } = vault;
  const rows = [];
  const notes = [];
  let body;
  try {
    const transfer = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const token = await attestToken(client, server.dataDir, transfer.publicKey.export({ format: 'jwk' }));
    const iss = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).iss;
    const policy = { version: '1.0.0', anyOf: [{ authority: iss, allOf: [{ claim: 'x-ms-sim-measurement', equals: Buffer.from(MEASUREMENT).toString('hex') }] }] };
    const created = await client.post('/keys/bench-skr/create?api-version=7.6', JSON.stringify({ kty: 'RSA-HSM', key_size: 2048, attributes: { exportable: true }, release_policy: { data: Buffer.from(JSON.stringify(policy)).toString('base64url') } }));
    if (created.status !== 200) throw new Error(`create: ${created.status} ${created.body}`);
    const path = `${new URL(JSON.parse(created.body).key.kid).pathname}/release?api-version=7.6`;
    body = JSON.stringify({ target: token });
    const op = async () => {
      const res = await client.post(path, body);
      if (res.status !== 200) throw new Error(`release: ${res.status} ${res.body}`);
    };
    const first = await attempt(op);
    // The token and the release response are signed by the same attestation key: its certificate is the response's x5c[0].
    const sample = JSON.parse((await client.post(path, body)).body).value;
    notes.push(`a release answer is ${sample.length.toLocaleString('en-US')} characters of JWS`);
    const x5c = JSON.parse(Buffer.from(sample.split('.')[0], 'base64url').toString()).x5c[0];
    const floorOp = floorOf(token, new X509Certificate(Buffer.from(x5c, 'base64')).publicKey, transfer.publicKey);
    const measured = await measureAgainstFloor(vault, { work: 'RSA-2048 key, CKM_RSA_AES_KEY_WRAP', op, first, floorOp, peer: PEER, cpuOps: CPU_OPS, unit: 'release' });
    rows.push(...measured.rows);
    if (measured.note) notes.push(measured.note);
  } catch (err) {
    rows.push({ work: 'setup', concurrency: 0, ours: { note: describeError(err) } });
  } finally {
    client.close();
    await server.stop();
  }
  if (body) notes.push(await ceilingNote(rows, { route: 'release', body }));
  printTable({
    title: TITLE,
    peerName: 'peer',
    rows,
    notes: [
      `ours: a separate \`confide serve\` process (dev mode, SQLite store, any bearer token): the same attestation token from its own /attest/Simulated each time, verified (RS256, exp), the release policy on the measurement, a fresh AES-256 key RSA-OAEP-wrapped to the token's transfer key, RFC 5649 of the key's PKCS#8, the {value: JWS} response RS256-signed; ${settings.concurrency.join(' and ')} requests in flight on keep-alive HTTPS, each answer checked for status 200; the server is first warmed for ${settings.serverWarmupMs / 1000} s at ${Math.max(...settings.concurrency)} in flight`,
      'floor: one RS256 verify of the token (callback form: libuv\'s pool) + one RSA-OAEP (SHA-1) encrypt of a 32-byte key + id-aes256-wrap-pad of an RSA-2048 PKCS#8, with node:crypto in the benchmark process, as many at once as ours',
      'the floor has no RSA private-key operation while every release signs its response (RS256, RSA-2048): that signature alone costs several floors',
      'target: ours/floor at most 2.00× (50% of the floor) at 16 in flight',
      ...notes,
    ],
  });
}

await main();
