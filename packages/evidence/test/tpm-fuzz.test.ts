/**
 * A bounded-time fuzz pass over every TPM parser: mutations of real inputs (bit flips, byte
 * overwrites, truncation, insertion, size fields set to extremes) must be parsed or refused with
 * a ConfideError, never another exception or a hang.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { utf8 } from '@confide/core';
import {
  decodeEventLog,
  parseTcgEventLog,
  parseTpmCertificate,
  parseTpmEvidenceJson,
  parseTpmPublicKey,
  parseTpmsAttest,
  parseTpmtSignature,
  replayBank,
} from '../src/index.js';
import { vector, vectorsMissing } from '@confide/test-kit/vectors';
import { GCE_DIR, STANDALONE_LOGS } from './tpm-support.js';
import { fuzz } from './fuzz-support.js';

describe('TPM parsers under fuzzing throw only ConfideError', { skip: vectorsMissing }, () => {
  const dir = `${GCE_DIR}/decoded-gce-cos-85-nonce9009`;

  it('TPMS_ATTEST', async () => {
    const seeds = ['sha1', 'sha256', 'sha384'].map((b) => vector(`${dir}/quote_${b}.tpms_attest.bin`));
    assert.ok((await fuzz('TPMS_ATTEST', seeds, (b) => parseTpmsAttest(b))) > 0);
  });

  it('TPMT_SIGNATURE', async () => {
    assert.ok((await fuzz('TPMT_SIGNATURE', [vector(`${dir}/quote_sha256.tpmt_signature.bin`)], (b) => parseTpmtSignature(b))) > 0);
  });

  it('attestation keys: TPMT_PUBLIC, TPM2B_PUBLIC, SPKI', async () => {
    const tpmt = vector(`${dir}/ak_pub.tpm2b_public_area.bin`);
    const tpm2b = new Uint8Array([tpmt.length >> 8, tpmt.length & 255, ...tpmt]);
    const spki = parseTpmCertificate(vector(`${dir}/ak_cert.der`)).spki;
    assert.ok((await fuzz('AK', [tpmt, tpm2b, spki], (b) => parseTpmPublicKey(b))) > 0);
  });

  it('AK certificates', async () => {
    assert.ok((await fuzz('certificate', [vector(`${dir}/ak_cert.der`), vector(`${GCE_DIR}/tpm_ek_root_1.cer`)], (b) => parseTpmCertificate(b))) > 0);
  });

  it('TCG event logs: parse, replay and decode', async () => {
    const seeds = [vector(`${dir}/event_log.bin`), ...STANDALONE_LOGS.map((p) => vector(p))];
    const n = await fuzz('event log', seeds, async (b) => {
      const log = parseTcgEventLog(b);
      for (const bank of log.banks) replayBank(log, bank);
      await decodeEventLog(log);
    });
    assert.ok(n > 0);
  });

  it('TPM evidence JSON (three shapes)', async () => {
    const seeds = [vector('tpm/trustee/tpm_evidence.json'), vector('tpm/google-go-attestation/windows_gcp_shielded_vm.json'), utf8('{"tpm":{"quotes":[],"ak":"","pcrs":{}}}')];
    assert.ok((await fuzz('JSON', seeds, (b) => parseTpmEvidenceJson(b))) > 0);
  });
});
