/**
 * Recognises a marble by its certificate alone, as MarbleRun's client API does for the
 * monotonic counter (coordinator/clientapi/clientapi.go VerifyMarble): the certificate must
 * verify under the Marble root in force (x509.Verify with that root only: issuer, signature,
 * validity now, and Go's default extended key usage serverAuth), its CN must parse as a UUID
 * (github.com/google/uuid Parse: 36 characters, or wrapped in braces or `urn:uuid:`, or 32 hex
 * digits) and it must carry the MarbleType extension. A certificate from before the last update
 * (another Marble root) is not this deployment's marble any more.
 */
import { X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { CoordinatorError } from '../errors.js';
import { MARBLE_TYPE_OID } from './marble-type.js';

export interface MarbleIdentity {
  marbleType: string;
  /** The 16 bytes of the UUID. */
  uuid: Uint8Array;
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const ANY_EKU = '2.5.29.37.0';
const HEX32 = /^[0-9a-f]{32}$/i;

function unauthenticated(reason: string): CoordinatorError {
  return new CoordinatorError('ERR_UNAUTHENTICATED', `unauthorized marble: ${reason}`, { details: { reason } });
}

/** The UUID's bytes as Go's uuid.Parse reads `text`, or undefined. */
export function parseGoUuid(text: string): Uint8Array | undefined {
  let s = text;
  if (s.length === 45 && s.slice(0, 9).toLowerCase() === 'urn:uuid:') s = s.slice(9);
  else if (s.length === 38 && s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);
  let hex: string;
  if (s.length === 36) {
    if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return undefined;
    hex = s.slice(0, 8) + s.slice(9, 13) + s.slice(14, 18) + s.slice(19, 23) + s.slice(24);
  } else if (s.length === 32) hex = s;
  else return undefined;
  if (!HEX32.test(hex)) return undefined;
  return Uint8Array.from(hex.match(/../g)!, (b) => parseInt(b, 16));
}

/**
 * The marble `certificateDer` belongs to, checked against `marbleRootPem` at `now`. Throws
 * ERR_UNAUTHENTICATED (details.reason: none, chain, expired, usage, uuid, type).
 */
export function verifyMarbleCertificate(marbleRootPem: string, certificateDer: Uint8Array | undefined, now: Date): MarbleIdentity {
  if (!certificateDer) throw unauthenticated('none');
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certificateDer);
  } catch {
    throw unauthenticated('chain');
  }
  const root = new X509Certificate(marbleRootPem);
  if (!leaf.checkIssued(root) || !leaf.verify(root.publicKey)) throw unauthenticated('chain');
  if (now < new Date(leaf.validFrom) || now > new Date(leaf.validTo)) throw unauthenticated('expired');
  const usages = leaf.keyUsage;
  if (usages !== undefined && !usages.includes(SERVER_AUTH) && !usages.includes(ANY_EKU)) throw unauthenticated('usage');
  const parsed = new x509.X509Certificate(Uint8Array.from(certificateDer));
  // Go's pkix.Name keeps the last CommonName of the subject.
  const uuid = parseGoUuid(parsed.subjectName.getField('2.5.4.3').at(-1) ?? '');
  if (!uuid) throw unauthenticated('uuid');
  const ext = parsed.getExtension(MARBLE_TYPE_OID);
  if (!ext) throw unauthenticated('type');
  let marbleType: string;
  try {
    // Fatal: two byte strings must never name one type.
    marbleType = new TextDecoder('utf-8', { fatal: true }).decode(ext.value);
  } catch {
    throw unauthenticated('type');
  }
  return { marbleType, uuid };
}
