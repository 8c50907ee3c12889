/**
 * Attests a coordinator (MarbleRun's `VerifyCoordinator`): its evidence must verify, bind
 * SHA-256(root certificate DER || nonce) in the leading report data (the binding rule of
 * CoordinatorService.quote), and match the expected measurement or signer; the chain it serves
 * must be intermediate signed by root. Only then is the root worth pinning.
 */
import { createHash, verify as verifySignature, type X509Certificate } from 'node:crypto';
import { type Clock, type ConfideError } from '@confide/core';
import { CliError } from '../errors.js';
import { verifyEvidence, type Claims, type CollateralProvider, type TeeType, type TrustAnchors } from '@confide/evidence';
import { simulatedCoordinatorMeasurement as serverCoordinatorMeasurement } from '@confide/server';
import { certificateFingerprint, parseCertificate, splitPemCertificates } from './pem.js';

export interface CoordinatorExpectations {
  tee: 'auto' | TeeType;
  /** Accepted measurements (hex, any case); empty: not checked. */
  measurements: string[];
  /** Accepted signers (hex, any case); empty: not checked. */
  signers: string[];
  /** TCB statuses accepted. */
  acceptedTcbStatuses: string[];
  allowDebug: boolean;
  /** The exact product ID (MarbleRun's ProductID: api/attestation/attestation.go verifies equality). */
  productId?: number | undefined;
  /** The lowest security version accepted (MarbleRun's SecurityVersion, a floor). */
  minSecurityVersion?: number | undefined;
  clock: Clock;
  collateral: CollateralProvider;
  simulationKeys?: Uint8Array[] | undefined;
  /** Vendor roots replacing the pinned ones (`--roots`, a private PKI in tests). */
  trustAnchors?: TrustAnchors | undefined;
}

export interface VerifiedCoordinator {
  root: X509Certificate;
  rootPem: string;
  intermediatePem: string | undefined;
  /** Hex SHA-256 of the root's DER. */
  rootFingerprint: string;
  claims: Claims;
  /** The measurement that was required (the given one, or the simulated coordinator's default). */
  expectedMeasurements: string[];
}

/** The measurement Confide's simulated coordinator reports (hex), as the server computes it. */
export function simulatedCoordinatorMeasurement(): string {
  return Buffer.from(serverCoordinatorMeasurement()).toString('hex');
}

function denied(field: string, message: string, details: Record<string, unknown>): ConfideError {
  return new CliError('ERR_POLICY_DENIED', message, { details: { field, ...details } });
}

/** Splits and checks the served chain: root self-signed CA, intermediate (if any) signed by it. Throws ERR_EVIDENCE_CHAIN_INVALID. */
export function checkCoordinatorChain(chainPem: string): { root: X509Certificate; rootPem: string; intermediatePem: string | undefined } {
  const pems = splitPemCertificates(chainPem);
  if (pems.length === 0 || pems.length > 2) {
    throw new CliError('ERR_EVIDENCE_CHAIN_INVALID', `the coordinator served ${pems.length} certificates; expected intermediate and root`);
  }
  const rootPem = pems[pems.length - 1]!;
  const root = parseCertificate(rootPem, 'the coordinator root');
  if (!root.ca || !root.verify(root.publicKey)) throw new CliError('ERR_EVIDENCE_CHAIN_INVALID', 'the coordinator root is not a self-signed CA certificate');
  const intermediatePem = pems.length === 2 ? pems[0] : undefined;
  if (intermediatePem !== undefined) {
    const intermediate = parseCertificate(intermediatePem, 'the coordinator intermediate');
    if (!intermediate.checkIssued(root) || !intermediate.verify(root.publicKey)) {
      throw new CliError('ERR_EVIDENCE_CHAIN_INVALID', 'the coordinator intermediate is not signed by its root');
    }
  }
  return { root, rootPem, intermediatePem };
}

/**
 * Verifies the coordinator's quote answer for `nonce`. Throws ERR_EVIDENCE_* (not authentic,
 * or not bound to this root and nonce), ERR_EVIDENCE_CHAIN_INVALID, ERR_COLLATERAL_*,
 * ERR_POLICY_DENIED (measurement, signer, TCB status or debug not as expected), ERR_USAGE (no
 * expectation given for hardware evidence).
 */
export async function verifyCoordinatorQuote(answer: { cert: string; quote: Uint8Array }, nonce: Uint8Array, expect: CoordinatorExpectations): Promise<VerifiedCoordinator> {
  const { root, rootPem, intermediatePem } = checkCoordinatorChain(answer.cert);
  if (answer.quote.length === 0) {
    throw new CliError('ERR_EVIDENCE_MALFORMED', 'the coordinator sent no evidence (an empty quote): it runs without a TEE and cannot be attested');
  }
  const binding = createHash('sha256').update(root.raw).update(nonce).digest();
  const claims = await verifyEvidence(
    answer.quote,
    { tee: expect.tee },
    {
      clock: expect.clock,
      collateral: expect.collateral,
      expectedReportData: new Uint8Array(binding),
      ...(expect.simulationKeys ? { simulationKeys: expect.simulationKeys } : {}),
      ...(expect.trustAnchors ? { trustAnchors: expect.trustAnchors } : {}),
    },
  );
  const measurements = expect.measurements.map((m) => m.toLowerCase());
  const signers = expect.signers.map((s) => s.toLowerCase());
  if (measurements.length === 0 && signers.length === 0) {
    if (claims.tee !== 'sim') throw new CliError('ERR_USAGE', `authentic ${claims.tee} evidence, but nothing to compare it with: give --measurement or --signer`);
    measurements.push(simulatedCoordinatorMeasurement());
  }
  if (measurements.length > 0 && !measurements.includes((claims.measurement ?? '').toLowerCase())) {
    throw denied('measurement', `the coordinator's measurement ${claims.measurement} is not the expected ${measurements.join(' or ')}`, { expected: measurements, actual: claims.measurement });
  }
  if (signers.length > 0 && !signers.includes((claims.signer ?? '').toLowerCase())) {
    throw denied('signer', `the coordinator's signer ${claims.signer} is not the expected ${signers.join(' or ')}`, { expected: signers, actual: claims.signer });
  }
  if (!expect.acceptedTcbStatuses.includes(claims.tcbStatus)) {
    throw denied('tcbStatus', `the coordinator's TCB status ${claims.tcbStatus} is not accepted (${expect.acceptedTcbStatuses.join(', ')})`, { actual: claims.tcbStatus });
  }
  // As MarbleRun's attestation.VerifyCertificate: ProductID equal, SecurityVersion at least the floor.
  if (expect.productId !== undefined && claims.productId !== expect.productId) {
    throw denied('productId', `the coordinator's product ID ${claims.productId ?? '(none)'} is not the expected ${expect.productId}`, { expected: expect.productId, actual: claims.productId ?? null });
  }
  if (expect.minSecurityVersion !== undefined && (claims.svn === undefined || claims.svn < expect.minSecurityVersion)) {
    throw denied('securityVersion', `the coordinator's security version ${claims.svn ?? '(none)'} is below ${expect.minSecurityVersion}`, { expected: expect.minSecurityVersion, actual: claims.svn ?? null });
  }
  if (claims.debug && !expect.allowDebug) throw denied('debug', 'the coordinator runs in a debug TEE (pass --allow-debug to accept it)', { actual: true });
  return { root, rootPem, intermediatePem, rootFingerprint: certificateFingerprint(root), claims, expectedMeasurements: measurements };
}

/** True when `signature` (ASN.1 DER ECDSA, MarbleRun's manifestSignatureRootECDSA) is the root's over `manifest`. */
export function manifestSignedByRoot(root: X509Certificate, manifest: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verifySignature('sha256', manifest, { key: root.publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/** The exact text the root signs for the TLS binding (CoordinatorService.quote in packages/coordinator). */
export function tlsBindingMessage(spkiSha256: string, nonceHex: string): string {
  return `confide-coordinator-tls-binding/v1\n${spkiSha256}\n${nonceHex}`;
}

/**
 * Ties the TLS channel to the attested coordinator: the root signed (ECDSA P-384/SHA-384,
 * DER) the key the server presented on the quote's own connection, over this nonce. Returns the
 * attested hex SPKI SHA-256. Throws ERR_EVIDENCE_BINDING_MISMATCH when the binding is missing,
 * names another key, or is not the root's signature over it and the nonce.
 */
export function checkTlsBinding(
  root: X509Certificate,
  binding: { spkiSha256: string; signature: Uint8Array } | undefined,
  nonce: Uint8Array,
  presentedSpkiSha256: string,
  recovering = false,
): string {
  if (binding === undefined) {
    const why = recovering
      ? 'the coordinator is in recovery: its root key is sealed, so it cannot vouch for its TLS key; upload the recovery shares (`confide recover`) and verify again'
      : 'the coordinator sent no TLS binding (tlsBinding): nothing ties this HTTPS channel to the attested coordinator';
    throw new CliError('ERR_EVIDENCE_BINDING_MISMATCH', why, { details: { field: 'tlsBinding', recovering } });
  }
  if (binding.spkiSha256.toLowerCase() !== presentedSpkiSha256) {
    throw new CliError('ERR_EVIDENCE_BINDING_MISMATCH', `the attested TLS key ${binding.spkiSha256} is not the one this connection presented (${presentedSpkiSha256})`, {
      details: { field: 'tlsBinding.spkiSha256', expected: binding.spkiSha256, actual: presentedSpkiSha256 },
    });
  }
  const message = Buffer.from(tlsBindingMessage(binding.spkiSha256, Buffer.from(nonce).toString('hex')), 'utf8');
  let ok = false;
  try {
    ok = verifySignature('sha384', message, { key: root.publicKey, dsaEncoding: 'der' }, binding.signature);
  } catch {
    ok = false;
  }
  if (!ok) throw new CliError('ERR_EVIDENCE_BINDING_MISMATCH', 'the TLS binding is not signed by the attested root over this nonce', { details: { field: 'tlsBinding.signature' } });
  return presentedSpkiSha256;
}
