/**
 * The coordinator client pieces: attesting a coordinator quote (binding, chain, expectations),
 * JSend failures as codes, exit codes, addresses; and the commands, run in process, against a
 * small fake coordinator (TLS trust, 403 -> exit 2, usage errors).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, sign, webcrypto, X509Certificate } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import { fromHex, systemClock, type ConfideError } from '@confide/core';
import { createSimEvidence, emptyCollateral } from '@confide/evidence';
import { testIdentity, type TestIdentity } from '@confide/test-kit/identity';
import { resolveCoordinatorAddress } from '../src/client/address.js';
import { CliError } from '../src/errors.js';
import { exitCodeFor as coordinatorExitCode } from '../src/exit-codes.js';
import { jsendData } from '../src/client/jsend.js';
import { splitPemCertificates } from '../src/client/pem.js';
import { manifestSignedByRoot, simulatedCoordinatorMeasurement, verifyCoordinatorQuote, type CoordinatorExpectations } from '../src/client/verify-coordinator.js';
import { runInProcess } from './in-process.js';
import { readEraConfig } from '../src/client/era-config.js';
import { rejectsWithCode as rejectsWith } from '@confide/test-kit/assert';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const tmp = mkdtempSync(join(tmpdir(), 'confide-coord-cli-'));

interface Pki {
  rootIdentity: TestIdentity;
  root: x509.X509Certificate;
  rootKeys: CryptoKeyPair;
  intermediate: x509.X509Certificate;
  chainPem: string;
}

async function makePki(cn = 'Test Coordinator'): Promise<Pki> {
  const root = await testIdentity(`${cn} Root`, {
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign, true)],
  });
  const intermediate = await testIdentity(`${cn} Intermediate`, { issuer: root, extensions: [new x509.BasicConstraintsExtension(true, 0, true)] });
  return {
    rootIdentity: root,
    root: root.certificate,
    rootKeys: root.keys,
    intermediate: intermediate.certificate,
    chainPem: intermediate.pem + '\n' + root.pem + '\n',
  };
}

let simKeys: CryptoKeyPair;
let simSpki: Uint8Array;
let pki: Pki;
let otherPki: Pki;

function binding(root: x509.X509Certificate, nonce: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(new Uint8Array(root.rawData)).update(nonce).digest());
}

function expectations(overrides: Partial<CoordinatorExpectations> = {}): CoordinatorExpectations {
  return {
    tee: 'auto',
    measurements: [],
    signers: [],
    acceptedTcbStatuses: ['UpToDate', 'SWHardeningNeeded'],
    allowDebug: false,
    clock: systemClock,
    collateral: emptyCollateral,
    simulationKeys: [simSpki],
    ...overrides,
  };
}

async function quoteFor(root: x509.X509Certificate, nonce: Uint8Array, fields: { measurement?: string; debug?: boolean; signer?: string; productId?: number; svn?: number } = {}): Promise<Uint8Array> {
  return createSimEvidence(simKeys, {
    measurement: fromHex(fields.measurement ?? simulatedCoordinatorMeasurement()),
    ...(fields.signer ? { signer: fromHex(fields.signer) } : {}),
    ...(fields.productId !== undefined ? { productId: fields.productId } : {}),
    ...(fields.svn !== undefined ? { svn: fields.svn } : {}),
    ...(fields.debug ? { debug: true } : {}),
    reportData: binding(root, nonce),
  });
}

// ---- the fake coordinator for the black-box tests -------------------------------------------

let fake: Server;
let fakeAddr: string;
let caFile: string;
let otherCaFile: string;
/** The last request's client certificate subject (or null). */
let lastClientCn: string | null = null;

/** A TLS certificate for 127.0.0.1 and localhost issued by `ca`'s root, and its key (PEM). */
async function tlsIdentity(ca: Pki): Promise<{ cert: string; key: string }> {
  const leaf = await testIdentity('localhost', {
    issuer: ca.rootIdentity,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' }])],
  });
  return { cert: leaf.pem, key: leaf.keyPem };
}

before(async () => {
  simKeys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  simSpki = new Uint8Array(await webcrypto.subtle.exportKey('spki', simKeys.publicKey));
  [pki, otherPki] = await Promise.all([makePki(), makePki('Other')]);

  const identity = await tlsIdentity(pki);
  caFile = join(tmp, 'ca.pem');
  otherCaFile = join(tmp, 'other-ca.pem');
  writeFileSync(caFile, pki.root.toString('pem'));
  writeFileSync(otherCaFile, otherPki.root.toString('pem'));
  fake = createServer({ ...identity, requestCert: true, rejectUnauthorized: false }, (req, res) => {
    const peer = (req.socket as TLSSocket).getPeerCertificate();
    lastClientCn = peer && peer.subject ? (peer.subject.CN as string) : null;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/api/v2/status') {
      res.end(JSON.stringify({ status: 'success', data: { code: 3, message: 'Coordinator is running correctly and ready to accept marbles.' } }));
    } else if (req.url?.startsWith('/api/v2/secrets')) {
      res.statusCode = 403;
      res.end(JSON.stringify({ status: 'fail', message: 'ERR_FORBIDDEN: no', data: { code: 'ERR_FORBIDDEN', message: 'user x may not ReadSecret on secret a' } }));
    } else if (req.url === '/api/v2/manifest' && req.method === 'POST') {
      // Refuses a manifest naming "bad" with two violations and a warning, as the coordinator's validator would.
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const manifest = Buffer.from(JSON.parse(body).manifest, 'base64').toString('utf8');
        if (!manifest.includes('"bad"')) return res.end(JSON.stringify({ status: 'success', data: { RecoverySecrets: null } }));
        const violation = (path: string, rule: string, severity: string) => ({ rule, severity, path, segments: path.split('.'), message: `${rule} here` });
        res.statusCode = 400;
        res.end(JSON.stringify({
          status: 'fail',
          message: 'ERR_MANIFEST_INVALID: the manifest is invalid',
          data: {
            code: 'ERR_MANIFEST_INVALID',
            message: 'the manifest is invalid: 2 error(s); first: package.hex-invalid at Packages.bad.UniqueID',
            details: { violations: [violation('Packages.bad.UniqueID', 'package.hex-invalid', 'error'), violation('Marbles.bad.Package', 'marble.unknown-package', 'error')], warnings: [violation('Pakages', 'json.unknown-key', 'warning')] },
          },
        }));
      });
    } else if (req.url === '/api/v2/manifest' && req.method === 'GET') {
      res.statusCode = 500;
      res.end('<html>proxy error</html>');
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ status: 'fail', message: 'not found', data: { code: 'ERR_NOT_FOUND', message: 'no route' } }));
    }
  });
  await new Promise<void>((ok) => fake.listen(0, '127.0.0.1', ok));
  fakeAddr = `127.0.0.1:${(fake.address() as { port: number }).port}`;
});

after(async () => {
  await new Promise<void>((ok) => fake.close(() => ok()));
  rmSync(tmp, { recursive: true, force: true });
});

// ---- attesting a coordinator -----------------------------------------------------------------

test('verifyCoordinatorQuote: sim evidence over SHA-256(root || nonce) with the default simulated measurement', async () => {
  const nonce = new Uint8Array(32).fill(9);
  const v = await verifyCoordinatorQuote({ cert: pki.chainPem, quote: await quoteFor(pki.root, nonce) }, nonce, expectations());
  assert.equal(v.rootFingerprint, createHash('sha256').update(new Uint8Array(pki.root.rawData)).digest('hex'));
  assert.equal(v.claims.tee, 'sim');
  assert.equal(v.claims.measurement, simulatedCoordinatorMeasurement());
  assert.deepEqual(v.expectedMeasurements, [simulatedCoordinatorMeasurement()]);
  assert.equal(v.intermediatePem, pki.intermediate.toString('pem') + '\n');
});

test('verifyCoordinatorQuote: another nonce, another root, or no evidence is refused', async () => {
  const nonce = new Uint8Array(32).fill(1);
  const quote = await quoteFor(pki.root, nonce);
  await rejectsWith(verifyCoordinatorQuote({ cert: pki.chainPem, quote }, new Uint8Array(32).fill(2), expectations()), 'ERR_EVIDENCE_BINDING_MISMATCH');
  // A relayed quote with a substituted chain: the evidence binds the first root, not this one.
  await rejectsWith(verifyCoordinatorQuote({ cert: otherPki.chainPem, quote }, nonce, expectations()), 'ERR_EVIDENCE_BINDING_MISMATCH');
  await rejectsWith(verifyCoordinatorQuote({ cert: pki.chainPem, quote: new Uint8Array(0) }, nonce, expectations()), 'ERR_EVIDENCE_MALFORMED');
  await rejectsWith(verifyCoordinatorQuote({ cert: pki.chainPem, quote }, nonce, expectations({ simulationKeys: [] })), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
});

test('verifyCoordinatorQuote: a chain whose intermediate is not signed by the root is refused', async () => {
  const nonce = new Uint8Array(32).fill(3);
  const mixed = otherPki.intermediate.toString('pem') + '\n' + pki.root.toString('pem') + '\n';
  await rejectsWith(verifyCoordinatorQuote({ cert: mixed, quote: await quoteFor(pki.root, nonce) }, nonce, expectations()), 'ERR_EVIDENCE_CHAIN_INVALID');
  await rejectsWith(verifyCoordinatorQuote({ cert: '', quote: await quoteFor(pki.root, nonce) }, nonce, expectations()), 'ERR_EVIDENCE_CHAIN_INVALID');
});

test('verifyCoordinatorQuote: measurement, signer, debug and TCB expectations', async () => {
  const nonce = new Uint8Array(32).fill(4);
  const m = 'ab'.repeat(32);
  const signer = 'cd'.repeat(32);
  const quote = await quoteFor(pki.root, nonce, { measurement: m, signer });
  const answer = { cert: pki.chainPem, quote };
  // Default (simulated coordinator measurement) does not match a custom measurement.
  await rejectsWith(verifyCoordinatorQuote(answer, nonce, expectations()), 'ERR_POLICY_DENIED', { field: 'measurement' });
  assert.equal((await verifyCoordinatorQuote(answer, nonce, expectations({ measurements: [m.toUpperCase()] }))).claims.measurement, m);
  await rejectsWith(verifyCoordinatorQuote(answer, nonce, expectations({ measurements: ['00'.repeat(32)] })), 'ERR_POLICY_DENIED', { field: 'measurement' });
  assert.equal((await verifyCoordinatorQuote(answer, nonce, expectations({ signers: [signer] }))).claims.signer, signer);
  await rejectsWith(verifyCoordinatorQuote(answer, nonce, expectations({ signers: ['ee'.repeat(32)] })), 'ERR_POLICY_DENIED', { field: 'signer' });
  await rejectsWith(verifyCoordinatorQuote(answer, nonce, expectations({ measurements: [m], acceptedTcbStatuses: ['OutOfDate'] })), 'ERR_POLICY_DENIED', { field: 'tcbStatus' });

  const debugQuote = await quoteFor(pki.root, nonce, { debug: true });
  await rejectsWith(verifyCoordinatorQuote({ cert: pki.chainPem, quote: debugQuote }, nonce, expectations()), 'ERR_POLICY_DENIED', { field: 'debug' });
  assert.equal((await verifyCoordinatorQuote({ cert: pki.chainPem, quote: debugQuote }, nonce, expectations({ allowDebug: true }))).claims.debug, true);
});

test('verifyCoordinatorQuote: ProductID equal and SecurityVersion a floor, as MarbleRun (api/attestation/attestation.go VerifyCertificate)', async () => {
  const nonce = new Uint8Array(32).fill(5);
  const signer = 'cd'.repeat(32);
  const answer = { cert: pki.chainPem, quote: await quoteFor(pki.root, nonce, { signer, productId: 3, svn: 2 }) };
  const floors = (productId: number | undefined, minSecurityVersion: number | undefined) => expectations({ signers: [signer], productId, minSecurityVersion });
  assert.equal((await verifyCoordinatorQuote(answer, nonce, floors(3, 2))).claims.svn, 2);
  assert.equal((await verifyCoordinatorQuote(answer, nonce, floors(3, 1))).claims.productId, 3);
  await rejectsWith(verifyCoordinatorQuote(answer, nonce, floors(3, 3)), 'ERR_POLICY_DENIED', { field: 'securityVersion' });
  await rejectsWith(verifyCoordinatorQuote(answer, nonce, floors(4, undefined)), 'ERR_POLICY_DENIED', { field: 'productId' });
  // A higher product ID is no match either: MarbleRun compares it for equality.
  await rejectsWith(verifyCoordinatorQuote(answer, nonce, floors(2, undefined)), 'ERR_POLICY_DENIED', { field: 'productId' });
});

test('readEraConfig: MarbleRun\'s coordinator-era.json, field names in any case, unknown fields ignored', async () => {
  const file = join(tmp, 'era.json');
  writeFileSync(file, JSON.stringify({ signerid: 'AB'.repeat(32), ProductID: 3, SecurityVersion: 2, Debug: false, AcceptedTCBStatuses: ['UpToDate'], Comment: 'ignored' }));
  assert.deepEqual(await readEraConfig(file), { measurements: [], signers: ['ab'.repeat(32)], productId: 3, minSecurityVersion: 2 });
  writeFileSync(file, JSON.stringify({ UniqueID: 'zz', ProductID: 3 }));
  await rejectsWith(readEraConfig(file), 'ERR_INPUT_UNREADABLE');
  writeFileSync(file, JSON.stringify({ SecurityVersion: -1 }));
  await rejectsWith(readEraConfig(file), 'ERR_INPUT_UNREADABLE');
});

test('manifestSignedByRoot: the root key signature over the manifest bytes, DER', async () => {
  const manifest = new TextEncoder().encode('{"Packages":{}}\n');
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', pki.rootKeys.privateKey));
  const key = { key: pkcs8, format: 'der' as const, type: 'pkcs8' as const, dsaEncoding: 'der' as const };
  const signature = new Uint8Array(sign('sha256', manifest, key));
  const root = new X509Certificate(pki.root.toString('pem'));
  assert.equal(manifestSignedByRoot(root, manifest, signature), true);
  assert.equal(manifestSignedByRoot(root, new TextEncoder().encode('{"Packages":{}} \n'), signature), false);
  const otherRoot = new X509Certificate(otherPki.root.toString('pem'));
  assert.equal(manifestSignedByRoot(otherRoot, manifest, signature), false);
});

// ---- JSend, exit codes, addresses --------------------------------------------------------------

function answer(status: number, body: unknown) {
  return { status, contentType: 'application/json', body: Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)) };
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return (err as ConfideError).code;
  }
  return 'no error';
}

test('jsendData: success data; fail and error carry the coordinator code; unknown codes map by status', () => {
  assert.deepEqual(jsendData(answer(200, { status: 'success', data: { a: 1 } }), 'x'), { a: 1 });
  assert.equal(codeOf(() => jsendData(answer(409, { status: 'fail', message: 'm', data: { code: 'ERR_MAX_ACTIVATIONS', message: 'm' } }), 'x')), 'ERR_MAX_ACTIVATIONS');
  assert.equal(codeOf(() => jsendData(answer(503, { status: 'error', message: 'm', code: 'ERR_SEAL_KEY_UNAVAILABLE' }), 'x')), 'ERR_SEAL_KEY_UNAVAILABLE');
  // MarbleRun's own coordinator sends no code: the HTTP status decides.
  assert.equal(codeOf(() => jsendData(answer(403, { status: 'fail', message: 'unauthorized user' }), 'x')), 'ERR_FORBIDDEN');
  assert.equal(codeOf(() => jsendData(answer(401, { status: 'fail', data: { code: 'ERR_SOMETHING_NEW' } }), 'x')), 'ERR_UNAUTHENTICATED');
  assert.equal(codeOf(() => jsendData(answer(400, { status: 'fail', message: 'bad' }), 'x')), 'ERR_VALIDATION');
  assert.equal(codeOf(() => jsendData(answer(502, '<html>'), 'x')), 'ERR_SERVICE_UNAVAILABLE');
  assert.equal(codeOf(() => jsendData(answer(200, '<html>'), 'x')), 'ERR_SERVICE_UNAVAILABLE');
  assert.equal(codeOf(() => jsendData(answer(200, { status: 'fail' }), 'x')), 'ERR_SERVICE_UNAVAILABLE');
});

test('exitCodeFor: denials 2, refused input 1, state and transport 3', () => {
  const exit = (code: ConstructorParameters<typeof CliError>[0]) => coordinatorExitCode(new CliError(code, 'x'));
  assert.equal(exit('ERR_FORBIDDEN'), 2);
  assert.equal(exit('ERR_UNAUTHENTICATED'), 2);
  assert.equal(exit('ERR_POLICY_DENIED'), 2);
  assert.equal(exit('ERR_AUDIT_LOG_INVALID'), 2);
  assert.equal(exit('ERR_EVIDENCE_BINDING_MISMATCH'), 2);
  assert.equal(exit('ERR_RECOVERY_SHARE_INVALID'), 2);
  assert.equal(exit('ERR_MANIFEST_INVALID'), 1);
  assert.equal(exit('ERR_USAGE'), 1);
  assert.equal(exit('ERR_COORDINATOR_STATE'), 3);
  assert.equal(exit('ERR_SERVICE_UNAVAILABLE'), 3);
  assert.equal(coordinatorExitCode(new Error('plain')), 3);
});

test('resolveCoordinatorAddress: flag, then CONFIDE_COORDINATOR, then EDG_MARBLE_COORDINATOR_ADDR, then localhost:8443', () => {
  assert.deepEqual(resolveCoordinatorAddress('a:1', { CONFIDE_COORDINATOR: 'b:2' }), { host: 'a', port: 1 });
  assert.deepEqual(resolveCoordinatorAddress(undefined, { CONFIDE_COORDINATOR: 'b:2', EDG_MARBLE_COORDINATOR_ADDR: 'c:3' }), { host: 'b', port: 2 });
  assert.deepEqual(resolveCoordinatorAddress(undefined, { EDG_MARBLE_COORDINATOR_ADDR: 'c:3' }), { host: 'c', port: 3 });
  assert.deepEqual(resolveCoordinatorAddress(undefined, {}), { host: 'localhost', port: 8443 });
  assert.equal(codeOf(() => resolveCoordinatorAddress('http://x:1', {})), 'ERR_USAGE');
});

test('splitPemCertificates: every CERTIFICATE block in order, nothing else', () => {
  const text = `junk\n${pki.intermediate.toString('pem')}\n-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n${pki.root.toString('pem')}`;
  const parts = splitPemCertificates(text);
  assert.equal(parts.length, 2);
  assert.equal(parts[1], pki.root.toString('pem') + '\n');
  assert.deepEqual(splitPemCertificates('none'), []);
});

// ---- the commands, in process -----------------------------------------------------------------

function lastJson(stdout: string): { ok?: boolean; error?: { code: string }; [k: string]: unknown } {
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
}

test('status over TLS trusted with --ca; an untrusted TLS certificate exits 2, --insecure skips the check', async () => {
  // One after another: a run's environment is this process's.
  const ok = await runInProcess(['--json', 'status', '--coordinator', fakeAddr, '--ca', caFile]);
  const untrusted = await runInProcess(['--json', 'status', '--coordinator', fakeAddr, '--ca', otherCaFile]);
  const system = await runInProcess(['--json', 'status', '--coordinator', fakeAddr], { CONFIDE_CA: '' });
  const insecure = await runInProcess(['--json', 'status', '--coordinator', fakeAddr, '--insecure']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.deepEqual(lastJson(ok.stdout), { ok: true, code: 3, state: 'accepting marbles', message: 'Coordinator is running correctly and ready to accept marbles.' });
  assert.equal(untrusted.code, 2);
  assert.equal(lastJson(untrusted.stdout).error?.code, 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  assert.equal(system.code, 2);
  assert.equal(insecure.code, 0);
});

test('secret get: a 403 exits 2 with ERR_FORBIDDEN, and the client certificate is presented', async () => {
  const user = await tlsIdentity(otherPki);
  writeFileSync(join(tmp, 'user.crt'), user.cert);
  writeFileSync(join(tmp, 'user.key'), user.key);
  lastClientCn = null;
  const r = await runInProcess(['--json', 'secret', 'get', 'a', '--coordinator', fakeAddr, '--ca', caFile, '--cert', join(tmp, 'user.crt'), '--key', join(tmp, 'user.key')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.equal(lastJson(r.stdout).error?.code, 'ERR_FORBIDDEN');
  assert.equal(lastClientCn, 'localhost');
});

test('usage and transport errors: missing --cert 1, missing file 1, non-JSend answer 3, unreachable coordinator 3', async () => {
  const noCert = await runInProcess(['--json', 'secret', 'get', 'a', '--coordinator', fakeAddr, '--ca', caFile], { CONFIDE_CLIENT_CERT: '', CONFIDE_CLIENT_KEY: '' });
  const noFile = await runInProcess(['--json', 'manifest', 'set', join(tmp, 'absent.json'), '--coordinator', fakeAddr, '--ca', caFile]);
  const notJsend = await runInProcess(['--json', 'manifest', 'get', '--coordinator', fakeAddr, '--ca', caFile]);
  const unreachable = await runInProcess(['--json', 'status', '--coordinator', '127.0.0.1:1', '--timeout', '5']);
  const help = await runInProcess(['manifest', 'update', 'apply', '--help']);
  assert.equal(noCert.code, 1);
  assert.equal(lastJson(noCert.stdout).error?.code, 'ERR_USAGE');
  assert.equal(noFile.code, 1);
  assert.equal(lastJson(noFile.stdout).error?.code, 'ERR_INPUT_UNREADABLE');
  assert.equal(notJsend.code, 3);
  assert.equal(lastJson(notJsend.stdout).error?.code, 'ERR_SERVICE_UNAVAILABLE');
  assert.equal(unreachable.code, 3);
  assert.equal(lastJson(unreachable.stdout).error?.code, 'ERR_SERVICE_UNAVAILABLE');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--cert <file>/);
  assert.match(help.stdout, /Exit codes: 0 ok/);
});

test('manifest set: every violation and warning the coordinator returns is shown (text and --json)', async () => {
  const file = join(tmp, 'bad-manifest.json');
  writeFileSync(file, JSON.stringify({ Packages: { bad: { Tee: 'sim', UniqueID: 'x' } }, Marbles: { bad: { Package: 'nope' } } }));
  const json = await runInProcess(['--json', 'manifest', 'set', file, '--coordinator', fakeAddr, '--ca', caFile]);
  assert.equal(json.code, 1, json.stdout + json.stderr);
  const err = lastJson(json.stdout).error as unknown as { code: string; violations: Array<{ path: string }>; warnings: Array<{ path: string }> };
  assert.equal(err.code, 'ERR_MANIFEST_INVALID');
  assert.deepEqual(err.violations.map((v) => v.path), ['Packages.bad.UniqueID', 'Marbles.bad.Package']);
  assert.deepEqual(err.warnings.map((v) => v.path), ['Pakages']);
  const text = await runInProcess(['manifest', 'set', file, '--coordinator', fakeAddr, '--ca', caFile]);
  assert.equal(text.code, 1);
  for (const line of [/error +Packages\.bad\.UniqueID +package\.hex-invalid/, /error +Marbles\.bad\.Package +marble\.unknown-package/, /warning +Pakages +json\.unknown-key/]) assert.match(text.stderr, line);
});

test('manifest set: the accepted manifest\'s warnings are shown; --recovery-data without RecoveryKeys says so', async () => {
  const file = join(tmp, 'ok-manifest.json');
  writeFileSync(file, JSON.stringify({ Packages: { web: { Tee: 'sim', UniqueID: 'ab'.repeat(32) } }, Marbles: { web: { Package: 'web' } }, Roless: {} }));
  const recovery = join(tmp, 'never-written.json');
  const r = await runInProcess(['--json', 'manifest', 'set', file, '--coordinator', fakeAddr, '--ca', caFile, '--recovery-data', recovery]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = lastJson(r.stdout) as unknown as { warnings: Array<{ path: string; message: string }> };
  assert.ok(out.warnings.some((w) => w.path === 'Roless' && /did you mean "Roles"/.test(w.message)), JSON.stringify(out.warnings));
  assert.match(r.stderr, /--recovery-data .*nothing written, the manifest has no RecoveryKeys/);
});
