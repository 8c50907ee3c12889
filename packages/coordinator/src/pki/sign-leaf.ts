/**
 * Signing a marble leaf under the current intermediate. The to-be-signed part is assembled here
 * from DER pieces (RFC 5280 4.1: version 3, serial, ecdsa-with-SHA384, issuer, validity, subject,
 * key, extensions) and signed once: no re-parse of the result. The signature is left running
 * when startLeaf resolves, so a caller can overlap it with other work. Both marble certificate shapes
 * (Confide's JSON activation and MarbleRun's gRPC one) go through it; they differ only in the
 * subject, validity and extensions they pass.
 */
import { webcrypto } from 'node:crypto';
import { fromHex, pemEncode } from '@confide/core';
import { randomSerial } from './serial.js';
import { CA_SIGNING_ALGORITHM } from './constants.js';
import { DER, derTime, p1363ToDer, tlv } from './der.js';
import { intermediateIssuer, type Issuer } from './issuer.js';
import type { CoordinatorPki } from './types.js';

/** An issued marble certificate. */
export interface IssuedMarbleCertificate {
  /** DER of the leaf. */
  cert: Uint8Array;
  /** PEM of the leaf. */
  certPem: string;
  /** PEM of the leaf followed by the intermediate that issued it. */
  chainPem: string;
  /** The serial number, hex. */
  serial: string;
}

/** What differs between leaves. */
export interface LeafFields {
  /** DER of the subject Name. */
  subject: Uint8Array;
  /** SubjectPublicKeyInfo DER of the certified key. */
  spki: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  /** The DER Extension elements in order; the issuer gives the AuthorityKeyIdentifier. */
  extensions: (issuer: Issuer) => Uint8Array[];
}

/** [0] EXPLICIT INTEGER 2: a v3 certificate. */
const VERSION_3 = Uint8Array.of(0xa0, 0x03, 0x02, 0x01, 0x02);
/** AlgorithmIdentifier ecdsa-with-SHA384 (1.2.840.10045.4.3.3), no parameters (RFC 5758 3.2). */
const ECDSA_WITH_SHA384 = Uint8Array.of(0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03);

/** Whole seconds: X.509 Time has no fractions. */
export function wholeSeconds(date: Date): Date {
  return new Date(Math.floor(date.getTime() / 1000) * 1000);
}

/** A leaf whose serial number is chosen and whose to-be-signed part is made, its signature under way. */
export interface PendingLeaf {
  /** The serial number, hex. */
  serial: string;
  /** The certificate, once the intermediate has signed it. Throws ERR_INTERNAL. */
  issued: Promise<IssuedMarbleCertificate>;
}

/**
 * Starts signing a leaf with the intermediate of `pki`: everything that can refuse it is done
 * when this resolves; only the signature is left (activation overlaps it with the store's
 * commit). Throws ERR_INTERNAL (unusable PKI state).
 */
export async function startLeaf(pki: CoordinatorPki, fields: LeafFields): Promise<PendingLeaf> {
  const issuer = await intermediateIssuer(pki);
  const serial = randomSerial();
  const tbs = tlv(
    DER.SEQUENCE,
    VERSION_3,
    tlv(DER.INTEGER, fromHex(serial)),
    ECDSA_WITH_SHA384,
    issuer.subject,
    tlv(DER.SEQUENCE, derTime(wholeSeconds(fields.notBefore)), derTime(wholeSeconds(fields.notAfter))),
    fields.subject,
    fields.spki,
    tlv(DER.CONTEXT_3, tlv(DER.SEQUENCE, ...fields.extensions(issuer))),
  );
  const issued = webcrypto.subtle.sign(CA_SIGNING_ALGORITHM, issuer.signingKey, tbs as Uint8Array<ArrayBuffer>).then((signature) => {
    const cert = tlv(DER.SEQUENCE, tbs, ECDSA_WITH_SHA384, tlv(DER.BIT_STRING, Uint8Array.of(0), p1363ToDer(new Uint8Array(signature))));
    const certPem = pemEncode('CERTIFICATE', cert);
    return { cert, certPem, chainPem: certPem + issuer.certPem, serial };
  });
  // A caller that gives up before the signature (a refusal found meanwhile) leaves it unread.
  issued.catch(() => {});
  return { serial, issued };
}
