/**
 * The coordinator's routes over real mutual TLS on 127.0.0.1, in the benchmark process: the
 * server's buildApp with requestCert (no CA check, as `confide serve` listens), the coordinator
 * reading each marble's client certificate from its TLS connection. Each activation opens its
 * own connection with that marble's certificate, as a launcher does.
 */
import { Buffer } from 'node:buffer';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** { post(marble, json) → { status, body }, close() } listening on 127.0.0.1, or throws. */
export async function startHttpsCoordinator(mods, coordinator, store) {
  const dir = mkdtempSync(join(tmpdir(), 'confide-bench-tls-'));
  try {
    const tls = await mods.server.ensureLocalCa(join(dir, 'tls'), 'localhost');
    const ca = readFileSync(tls.caCertPath, 'utf8');
    const app = await mods.server.buildApp({
      store,
      bodyLimit: 1 << 20,
      https: { cert: readFileSync(tls.certPath), key: readFileSync(tls.keyPath), requestCert: true, rejectUnauthorized: false },
      coordinator: { coordinator },
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address();
    const post = (marble, json) =>
      new Promise((resolve, reject) => {
        const payload = Buffer.from(json);
        const req = request(
          {
            host: '127.0.0.1',
            port,
            servername: 'localhost',
            path: '/api/v2/marble/activate',
            method: 'POST',
            ca,
            cert: marble.identity.pem,
            key: marble.identity.keyPem,
            // One connection per marble: its certificate is the one its evidence binds.
            agent: false,
            headers: { 'content-type': 'application/json', 'content-length': payload.length },
          },
          (res) => {
            const chunks = [];
            res.on('data', (d) => chunks.push(d));
            res.on('error', reject);
            res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
          },
        );
        req.on('error', reject);
        req.end(payload);
      });
    return {
      post,
      close: async () => {
        await app.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
