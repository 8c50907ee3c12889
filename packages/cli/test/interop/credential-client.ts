/**
 * Child process for the credential overload of AttestationClient, whose options (tlsOptions
 * among them) the SDK 1.0.0 drops: only NODE_EXTRA_CA_CERTS, set before node starts, can make it
 * trust a local CA. Usage: node credential-client.js <url> <quote file> <ca file>; prints one
 * JSON line, { ok, mrEnclave, keyId, signerKeyIds, scopes } or { ok: false, message }.
 */
import { readFileSync } from 'node:fs';
import { AttestationClient } from '@azure/attestation';
import { fakeCredential } from './fake-credential.js';

const [url, quotePath, caPath] = process.argv.slice(2) as [string, string, string];
const credential = fakeCredential();
// tlsOptions is passed on purpose: the test shows it has no effect on this overload.
const client = new AttestationClient(url, credential, { tlsOptions: { ca: readFileSync(caPath, 'utf8') } });
try {
  const { body, token } = await client.attestSgxEnclave(readFileSync(quotePath));
  const signers = await client.getAttestationSigners();
  console.log(JSON.stringify({ ok: true, mrEnclave: body.mrEnclave, keyId: token.keyId, signerKeyIds: signers.map((s) => s.keyId), scopes: credential.scopes }));
} catch (err) {
  console.log(JSON.stringify({ ok: false, message: (err as Error).message, code: (err as { code?: string }).code }));
}
