/**
 * TPM 2.0 quotes and TCG event logs from real TPMs (../shared/vectors/tpm, README "TPM 2.0"):
 * each file gives the outcome the README lists.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError, type ErrorCode } from '@confide/core';
import {
  claimsOf,
  decodeEventLog,
  parseTcgEventLog,
  parseTpmEvidence,
  replayBank,
  verifyEvidence,
  verifyTpmEvidence,
  type TpmClaims,
} from '../src/index.js';
import { vector, vectorsMissing } from '@confide/test-kit/vectors';
import { GCE_DIR, GCE_INTERMEDIATE, STANDALONE_LOGS, gceParts, tpmContext } from './tpm-support.js';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function rejects(promise: Promise<unknown>, code: ErrorCode): Promise<unknown> {
  let caught: unknown;
  await assert.rejects(promise, (err) => {
    caught = err;
    return isConfideError(err, code);
  });
  return caught;
}

describe('TPM vectors: GCE COS 85 (go-tpm-tools)', { skip: vectorsMissing }, () => {
  for (const [name, nonce] of [
    ['no-nonce', ''],
    ['nonce9009', '9009'],
  ] as const) {
    it(`${name}: 3 RSASSA-SHA256 quotes, PCR digests of the SHA-1/256/384 banks, AK chain, replay of PCR 0-9`, async () => {
      const claims = await verifyTpmEvidence(parseTpmEvidence(gceParts(name)), tpmContext());
      assert.equal(claims.tee, 'tpm');
      const tpm = claims.tpm;
      assert.deepEqual(
        tpm.quotes.map((q) => q.signature),
        ['rsassa-sha256', 'rsassa-sha256', 'rsassa-sha256'],
      );
      assert.deepEqual(
        tpm.quotes.map((q) => Object.keys(q.selection)),
        [['sha1'], ['sha256'], ['sha384']],
      );
      // Each quote's PCR digest is SHA-256, whichever bank it quotes.
      assert.ok(tpm.quotes.every((q) => q.pcrDigest.length === 64));
      assert.equal(tpm.nonce, nonce);
      assert.equal(claims.reportData, nonce);
      assert.equal(tpm.firmwareVersion, '2016051100162800');
      assert.equal(tpm.ak.type, 'rsa-2048');
      assert.equal(tpm.ak.format, 'tpmt-public');
      assert.equal(tpm.ak.restricted, true);
      assert.equal(tpm.ak.certified, true);
      assert.equal(tpm.ak.chain?.length, 3);
      assert.match(tpm.ak.chain![2]!, /^tpm_ek_v1_cloud_host_root-signer/);
      assert.equal(claims.collateralExpired, false);
      assert.equal(tpm.pcrs.sha256?.['0'], '0f35c214608d93c7a6e68ae7359b4a8be5a0e99eea9107ece427c4dea4e439cf');
      const log = tpm.eventLog!;
      assert.equal(log.format, 'crypto-agile');
      assert.deepEqual(log.replayed, { sha1: range(0, 9), sha256: range(0, 9), sha384: range(0, 9) });
      assert.deepEqual(log.unverifiedPcrs, []);
      assert.equal(log.secureBoot, true);
      assert.deepEqual(Object.keys(log.secureBootVariables).sort(), ['db', 'dbx', 'kek', 'pk']);
      assert.deepEqual(
        log.separators.map((s) => s.pcr).sort((a, b) => a - b),
        range(0, 7),
      );
      assert.equal(log.kernelCommandLines.length, 1);
      assert.match(log.kernelCommandLines[0]!, /^\/syslinux\/vmlinuz\.A init=\/usr\/lib\/systemd\/systemd boot=local/);
      assert.equal(log.bootApplications.length, 3);
      assert.deepEqual(
        log.bootLoaderAuthorities.map((a) => [a.variable, a.subject]),
        [['db', 'UEFI DB Key v10']],
      );
      assert.equal(log.bootApplications[0]!.path, '\\EFI\\BOOT\\BOOTX64.EFI');
      // This shim logs 6 bytes beyond the certificate it measures: those two authority events do
      // not hash to their digests, so they give no claim and are named.
      assert.deepEqual(log.kernelAuthorities, []);
      assert.equal(log.injection.possible, true);
      assert.deepEqual(log.injection.reasons, [
        'event 24 (PCR 7, EV_EFI_VARIABLE_AUTHORITY) does not describe what its digest covers',
        'event 41 (PCR 7, EV_EFI_VARIABLE_AUTHORITY) does not describe what its digest covers',
      ]);
    });
  }

  it('the expected nonce is checked against extraData, whole', async () => {
    const view = parseTpmEvidence(gceParts('nonce9009'));
    await verifyTpmEvidence(view, tpmContext({ expectedNonce: new Uint8Array([0x90, 0x09]) }));
    for (const nonce of [[0x90, 0x08], [0x90], [0x90, 0x09, 0x00]]) {
      const err = await rejects(verifyTpmEvidence(view, tpmContext({ expectedNonce: new Uint8Array(nonce) })), 'ERR_EVIDENCE_BINDING_MISMATCH');
      assert.equal((err as { details?: { field?: string } }).details?.field, 'nonce');
    }
  });

  it('the current gcp_ek_ak_ca roots do not issue this AK: untrusted root', async () => {
    const view = parseTpmEvidence(gceParts('no-nonce'));
    await rejects(verifyTpmEvidence(view, tpmContext({ trustAnchors: { tpmRoots: [vector(`${GCE_DIR}/gcp_ek_ak_ca_root.crt`)] } })), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
    await rejects(verifyTpmEvidence(view, tpmContext({ trustAnchors: {} })), 'ERR_EVIDENCE_UNTRUSTED_ROOT');
  });

  it('without an AK certificate the quote verifies, uncertified', async () => {
    const claims = await verifyTpmEvidence(parseTpmEvidence(gceParts('no-nonce', false)), tpmContext({ trustAnchors: {} }));
    assert.equal(claims.tpm.ak.certified, false);
  });

  it('an AK certificate for another key is a binding mismatch', async () => {
    const view = parseTpmEvidence({ ...gceParts('no-nonce'), akCertificates: [vector(GCE_INTERMEDIATE)] });
    const err = await rejects(verifyTpmEvidence(view, tpmContext()), 'ERR_EVIDENCE_BINDING_MISMATCH');
    assert.equal((err as { details?: { field?: string } }).details?.field, 'akCertificate');
  });
});

describe('TPM vectors: go-attestation Windows GCP shielded VM', { skip: vectorsMissing }, () => {
  it('RSASSA-SHA1 quote, PCR digest, AK creation certification, SHA-1 replay of PCR 0,4,5,7,11-14', async () => {
    const bytes = vector('tpm/google-go-attestation/windows_gcp_shielded_vm.json');
    const claims = claimsOf(await verifyEvidence(bytes, { tee: 'tpm' }, tpmContext()), 'tpm');
    // Anyone can make an AK: a caller that takes whatever the bytes are gets no TPM verdict.
    await rejects(verifyEvidence(bytes, {}, tpmContext()), 'ERR_EVIDENCE_UNSUPPORTED');
    await rejects(verifyEvidence(bytes, { tee: 'sgx' }, tpmContext()), 'ERR_EVIDENCE_UNSUPPORTED');
    const tpm = claims.tpm;
    assert.deepEqual(
      tpm.quotes.map((q) => q.signature),
      ['rsassa-sha1'],
    );
    assert.deepEqual(tpm.quotes[0]!.selection, { sha1: range(0, 23) });
    assert.equal(tpm.nonce, '');
    assert.equal(tpm.ak.creationVerified, true);
    assert.equal(tpm.ak.certified, false);
    const log = tpm.eventLog!;
    assert.equal(log.format, 'sha1');
    assert.deepEqual(log.replayed, { sha1: [0, 4, 5, 7, 11, 12, 13, 14] });
  });
});

describe('TPM vectors: Trustee', { skip: vectorsMissing }, () => {
  it('SPKI AK, signature and PCR digest OK, 64-byte extraData, no event log or AK certificate', async () => {
    const bytes = vector('tpm/trustee/tpm_evidence.json');
    const claims: TpmClaims = claimsOf(await verifyEvidence(bytes, { tee: 'tpm' }, tpmContext()), 'tpm');
    assert.equal(claims.tpm.ak.format, 'spki');
    assert.equal(claims.tpm.nonce.length, 128);
    assert.match(claims.tpm.nonce, /^a04182b5/);
    assert.equal(claims.tpm.eventLog, undefined);
    assert.equal(claims.tpm.ak.certified, false);
    assert.deepEqual(Object.keys(claims.tpm.pcrs), ['sha256']);
  });
});

describe('TPM vectors: standalone TCG event logs parse and decode', { skip: vectorsMissing }, () => {
  interface Expected {
    events: number;
    secureBoot: boolean;
    bootLoader: string[];
    kernel: string[];
    cmdline?: RegExp;
    firstApp: string | undefined;
    injection: boolean;
  }
  const expected: Record<string, Expected> = {
    crypto_agile_eventlog: { events: 27, secureBoot: false, bootLoader: [], kernel: [], firstApp: undefined, injection: true },
    sb_cert_eventlog: { events: 15, secureBoot: true, bootLoader: ['Microsoft Corporation UEFI CA 2011'], kernel: [], firstApp: '\\EFI\\BOOT\\BOOTX64.EFI', injection: true },
    ubuntu_2104_shielded_vm_no_secure_boot_eventlog: {
      events: 106,
      secureBoot: false,
      bootLoader: [],
      kernel: ['SbatLevel'],
      cmdline: /^\/boot\/vmlinuz-5\.11\.0-1006-gcp root=PARTUUID=/,
      firstApp: '\\EFI\\ubuntu\\shimx64.efi',
      injection: false,
    },
    'ubuntu-2404-amd-sevsnp.bin': { events: 117, secureBoot: false, bootLoader: [], kernel: ['SbatLevel'], cmdline: /^\/vmlinuz-6\.8\.0-1010-gcp root=PARTUUID=/, firstApp: '\\EFI\\ubuntu\\shimx64.efi', injection: false },
    'cos-101-amd-sev.bin': { events: 49, secureBoot: true, bootLoader: ['UEFI DB Key v10'], kernel: ['SbatLevel', 'UEFI DB Key v10'], cmdline: /^\/syslinux\/vmlinuz\.A init=/, firstApp: '\\EFI\\BOOT\\BOOTX64.EFI', injection: false },
    'rhel8-uefi.bin': { events: 83, secureBoot: true, bootLoader: ['Microsoft Corporation UEFI CA 2011'], kernel: ['Red Hat Secure Boot CA 5'], firstApp: '\\EFI\\redhat\\shimx64.efi', injection: false },
  };
  for (const path of STANDALONE_LOGS) {
    const file = path.slice(path.lastIndexOf('/') + 1);
    it(file, async () => {
      const want = expected[file]!;
      const log = parseTcgEventLog(vector(path));
      assert.equal(log.format, 'crypto-agile');
      assert.equal(log.events.length, want.events);
      for (const bank of log.banks) assert.ok(replayBank(log, bank).size > 0);
      const decoded = await decodeEventLog(log);
      assert.ok(decoded.separators.length > 0);
      assert.equal(decoded.secureBoot, want.secureBoot);
      assert.deepEqual(Object.keys(decoded.secureBootVariables).sort(), ['db', 'dbx', 'kek', 'pk']);
      assert.deepEqual(decoded.bootLoaderAuthorities.map((a) => a.subject ?? a.variable), want.bootLoader);
      assert.deepEqual(decoded.kernelAuthorities.map((a) => a.subject ?? a.variable), want.kernel);
      assert.equal(decoded.bootApplications[0]?.path, want.firstApp);
      if (want.cmdline) assert.match(decoded.kernelCommandLines[0]!, want.cmdline);
      else assert.deepEqual(decoded.kernelCommandLines, []);
      assert.equal(decoded.injection.possible, want.injection, decoded.injection.reasons.join('; '));
    });
  }
});
