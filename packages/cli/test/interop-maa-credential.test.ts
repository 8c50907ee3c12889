/**
 * Interop: the credential overload `new AttestationClient(url, credential, options)` of
 * @azure/attestation 1.0.0 silently drops its options, so a client of a server with a private
 * CA needs NODE_EXTRA_CA_CERTS; run in a child process, since the variable is read at start.
 * Skips when ../shared/vectors is absent.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScaled, startProcess } from '@confide/test-kit/process';
import { vectorPath, vectorsMissing } from '@confide/test-kit/vectors';
import { startMaaServer, type MaaServer } from './interop/maa-server.js';
import { PHALA_COLLATERAL, PHALA_QUOTE } from './interop/vector-names.js';

const skip = vectorsMissing;
const CHILD = join(dirname(fileURLToPath(import.meta.url)), 'interop', 'credential-client.js');

interface ChildResult {
  ok: boolean;
  mrEnclave?: string;
  keyId?: string;
  signerKeyIds?: string[];
  scopes?: string[];
  message?: string;
  code?: string;
}

/** The client in its own process (killed after 30 s scaled by load), and the result it printed last. */
async function runChild(server: MaaServer, env: Record<string, string | undefined>): Promise<ChildResult> {
  const { stdout, stderr } = await startProcess(process.execPath, [CHILD, server.url, vectorPath(PHALA_QUOTE), server.caPath], { env, timeoutMs: loadScaled(30_000) }).done;
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as ChildResult;
  } catch {
    throw new Error(`child printed no result\n${stdout}\n${stderr}`);
  }
}

describe('AttestationClient with a credential (options dropped by the SDK)', { skip }, () => {
  let server: MaaServer;
  before(async () => {
    server = await startMaaServer([vectorPath(PHALA_COLLATERAL)]);
  });
  after(async () => {
    if (server) assert.equal(await server.stop(), 0);
  });

  it('with NODE_EXTRA_CA_CERTS: attests, validates the token against /certs, and sent a bearer for the MAA scope', async () => {
    const r = await runChild(server, { NODE_EXTRA_CA_CERTS: server.caPath });
    assert.equal(r.ok, true, r.message);
    assert.equal(r.mrEnclave, '33d8736db756ed4997e04ba358d27833188f1932ff7b1d156904d3f560452fbb');
    assert.ok(r.signerKeyIds?.includes(r.keyId!), 'the token kid is among the signers');
    assert.ok(r.scopes?.includes('https://attest.azure.net/.default'), String(r.scopes));
  });

  it('without it, tlsOptions alone does not reach the transport: the local CA is not trusted', async () => {
    const r = await runChild(server, { NODE_EXTRA_CA_CERTS: undefined });
    assert.equal(r.ok, false);
    assert.match(`${r.code} ${r.message}`, /SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|self[- ]signed certificate/i);
  });
});
