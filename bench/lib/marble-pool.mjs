/**
 * Marbles waiting to activate, made before any timing: each has a fresh P-256 key, the
 * self-signed certificate it would present over mutual TLS, and evidence whose report data binds
 * that key (SHA-256 of its SubjectPublicKeyInfo, then 32 zero bytes; docs/activation.md). The
 * evidence is simulated (signed by a simulation key) or an SGX quote forged under the Intel test
 * PKI of @confide/test-kit/intel-pki (one forged platform: every quote carries the same PCK
 * certificate and attestation key, as marbles on one host do).
 */
import { webcrypto } from 'node:crypto';
import { TextEncoder } from 'node:util';
import { testIdentity } from '@confide/test-kit/identity';

const subtle = webcrypto.subtle;
// Made in batches so that the thread pool works on several keys at once, without flooding memory.
const BATCH = 32;

/** The 64 bytes of report data that bind `spki`: its SHA-256, then zeros. */
export async function bindingReportData(spki) {
  const out = new Uint8Array(64);
  out.set(new Uint8Array(await subtle.digest('SHA-256', spki)));
  return out;
}

/**
 * `count` marbles: { uuid, identity, evidence } with evidence from `evidenceFor(reportData)`,
 * made `BATCH` at a time.
 */
export async function makeMarbles(count, evidenceFor) {
  const out = [];
  for (let done = 0; done < count; done += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, count - done) }, async () => {
      const uuid = webcrypto.randomUUID();
      // A fresh P-256 key and its self-signed certificate: { der (the certificate), spki, pem, keyPem }.
      const identity = await testIdentity(uuid);
      return { uuid, identity, evidence: await evidenceFor(await bindingReportData(identity.spki)) };
    });
    out.push(...(await Promise.all(batch)));
  }
  return out;
}

/**
 * A pool taken from front to back: next() hands out each marble once and throws once it is
 * empty (a marble activated twice would measure re-activation, another path).
 */
export function marblePool(marbles) {
  let next = 0;
  return {
    next() {
      if (next >= marbles.length) throw new Error(`the pool of ${marbles.length} prepared marbles is exhausted (raise the pool size)`);
      return marbles[next++];
    },
    used: () => next,
    size: () => marbles.length,
  };
}

/** Simulated evidence for `measurement`, signed by `simKey` ({ privateKey, spki }). */
export function simEvidenceMaker(ev, simKey, measurement) {
  return (reportData) => ev.createSimEvidence({ privateKey: simKey.privateKey, publicKey: simKey.spki }, { measurement, reportData });
}

/**
 * One forged SGX platform under the Intel test PKI and a maker of v3 quotes from it with a
 * given MRENCLAVE and report data: { world (collateral, trust anchors, time), makeQuote }.
 * `fx` is the fixture module (@confide/test-kit/intel-pki).
 */
export async function sgxPlatform(fx, mrenclaveHex) {
  const world = await fx.forgeIntelWorld({ sgx: { mrenclave: mrenclaveHex } });
  const attestationKeys = await fx.generateKeys();
  const qe = fx.DEFAULT_SGX_QE;
  // The QE report fields the world's QE Identity accepts (see forgeIntelWorld).
  const qeReport = {
    cpuSvn: Uint8Array.from(fx.DEFAULT_SGX_TCB),
    miscselect: 0,
    attributes: fx.hexBytes('11000000000000000700000000000000'),
    mrenclave: fx.sha256(new TextEncoder().encode('bench qe mrenclave')),
    mrsigner: fx.hexBytes(qe.mrsigner),
    isvProdId: qe.isvProdId,
    isvSvn: qe.isvSvn,
  };
  const pckChainPem = fx.pemChain(world.pck, world.pki.processorCa, world.pki.root);
  const qeAuthData = fx.sha256(new TextEncoder().encode('bench qe auth data'));
  const makeQuote = async (reportData) => {
    const body = fx.sgxReportBody({
      cpuSvn: Uint8Array.from(fx.DEFAULT_SGX_TCB),
      miscselect: 0,
      attributes: fx.hexBytes(fx.RELEASE_ATTRIBUTES),
      mrenclave: fx.hexBytes(mrenclaveHex),
      mrsigner: fx.sha256(new TextEncoder().encode('bench mrsigner')),
      isvProdId: 1,
      isvSvn: 2,
      reportData,
    });
    const forged = await fx.forgeQuote({
      header: { version: 3, teeType: 0, qeSvn: qe.isvSvn, pceSvn: fx.DEFAULT_PCE_SVN },
      body,
      attestationKeys,
      qeReport,
      qeAuthData,
      pckChainPem,
      pckKey: world.pck.keys.privateKey,
    });
    return forged.bytes;
  };
  return { world, makeQuote };
}
