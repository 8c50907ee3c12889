/**
 * What TPM verification remembers across verifications (the AK chain's signatures, event-data
 * digests, certificate subjects, roots, AK ids) is keyed by the exact bytes: after a verification
 * filled the cache, an input with one byte changed inside (same length, same ending, the part
 * the cache key samples) is judged afresh.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isConfideError } from '@confide/core';
import { parseTcgEventLog, parseTpmEvidence, verifyTpmEvidence, VerifyCache, EV } from '../src/index.js';
import { vectorsMissing } from '@confide/test-kit/vectors';
import { gceParts, tpmContext } from './tpm-support.js';

describe('TPM verification cache', { skip: vectorsMissing }, () => {
  it('an authority whose data changed in the middle is not vouched for by the digest remembered for the original', async () => {
    const cache = new VerifyCache();
    const parts = gceParts('nonce9009');
    const first = await verifyTpmEvidence(parseTpmEvidence(parts), tpmContext({ cache }));
    const log = first.tpm.eventLog!;
    const authorities = log.bootLoaderAuthorities.length + log.kernelAuthorities.length;
    assert.ok(authorities > 0);

    const raw = parts.eventLog!.slice();
    const event = parseTcgEventLog(raw).events.find((e) => e.pcr === 7 && e.type === EV.EFI_VARIABLE_AUTHORITY)!;
    // TCG_PCR_EVENT2: pcrIndex, eventType, digest count (4 bytes each), each digest after its hashAlg (2), the event size (4), the data.
    const digestBytes = [...event.digests.values()].reduce((n, d) => n + 2 + d.length, 0);
    const middle = event.offset + 12 + digestBytes + 4 + Math.floor(event.data.length / 2);
    assert.equal(raw[middle], event.data[Math.floor(event.data.length / 2)]);
    raw[middle]! ^= 0x01;
    const changed = await verifyTpmEvidence(parseTpmEvidence({ ...parts, eventLog: raw }), tpmContext({ cache }));
    const after = changed.tpm.eventLog!;
    // The digests (what the PCRs cover) are untouched, so the replay still matches; the description no longer does.
    assert.deepEqual(after.replayed, log.replayed);
    assert.equal(after.bootLoaderAuthorities.length + after.kernelAuthorities.length, authorities - 1);
    const aboutEvent = (r: string) => r.startsWith(`event ${event.index} `);
    assert.equal(log.injection.reasons.some(aboutEvent), false);
    assert.equal(after.injection.possible, true);
    assert.ok(after.injection.reasons.some(aboutEvent), after.injection.reasons.join('; '));
  });

  it('an AK certificate changed in the middle is refused after the original chain verified', async () => {
    const cache = new VerifyCache();
    const parts = gceParts('nonce9009');
    await verifyTpmEvidence(parseTpmEvidence(parts), tpmContext({ cache }));
    const [akCert, intermediate] = parts.akCertificates!;
    const forged = akCert!.slice();
    forged[16]! ^= 0x01; // in the serial number: still DER, same length, same signature at the end
    await assert.rejects(verifyTpmEvidence(parseTpmEvidence({ ...parts, akCertificates: [forged, intermediate!] }), tpmContext({ cache })), (err) =>
      isConfideError(err, 'ERR_EVIDENCE_SIGNATURE_INVALID'),
    );
    // And the original still verifies from the cache.
    const again = await verifyTpmEvidence(parseTpmEvidence(parts), tpmContext({ cache }));
    assert.equal(again.tpm.ak.certified, true);
  });
});
