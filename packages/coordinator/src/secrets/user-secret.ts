/** Checking a secret a user uploads (POST /secrets) against its manifest definition. */
import { createPrivateKey, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { ConfideError, fromBase64, pemBlocks, utf8 } from '@confide/core';
import { CoordinatorError } from '../errors.js';
import { isCertSecretType, type Secret } from '../manifest/types.js';
import { ECDSA_SIZES } from './definition-check.js';
import type { SecretValue } from './types.js';

/**
 * MarbleRun's UserSecret: `Cert` and optional `Private` for certificate secrets (PEM, or the
 * base64 DER that MarbleRun's JSON carries), `Key` (base64) for symmetric keys and plain data.
 * Confide also takes `Data` (text, stored as UTF-8) for plain secrets.
 */
export interface UserSecretUpload {
  Cert?: string;
  Private?: string;
  Key?: string;
  Data?: string;
}

const FIELDS = new Set(['Cert', 'Private', 'Key', 'Data']);
const KEY_TYPES = { 'cert-rsa': 'rsa', 'cert-ecdsa': 'ec', 'cert-ed25519': 'ed25519' } as const;

function refuse(name: string, message: string): ConfideError {
  return new CoordinatorError('ERR_SECRET_INVALID', `secret ${name}: ${message}`, { details: { secret: name } });
}

function base64(name: string, field: string, text: string): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 !== 0) throw refuse(name, `${field} is not base64`);
  return fromBase64(compact);
}

function derOf(name: string, field: string, text: string, labels: readonly string[]): { der: Uint8Array; label: string } {
  if (!text.includes('-----BEGIN ')) return { der: base64(name, field, text), label: labels[0]! };
  let blocks;
  try {
    blocks = pemBlocks(text);
  } catch {
    throw refuse(name, `${field} is not PEM`);
  }
  const block = blocks.find((b) => labels.includes(b.label));
  if (!block) throw refuse(name, `${field} has no ${labels[0]} PEM block`);
  return block;
}

function certificate(name: string, def: Secret, text: string): X509Certificate {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(Buffer.from(derOf(name, 'Cert', text, ['CERTIFICATE']).der));
  } catch (err) {
    if (err instanceof ConfideError) throw err;
    throw refuse(name, 'Cert is not an X.509 certificate');
  }
  const key = cert.publicKey;
  const want = KEY_TYPES[def.Type as keyof typeof KEY_TYPES];
  if (key.asymmetricKeyType !== want) throw refuse(name, `Cert holds a ${key.asymmetricKeyType} key, ${def.Type} needs ${want}`);
  if (def.Type === 'cert-ecdsa' && def.Size && key.asymmetricKeyDetails?.namedCurve !== ECDSA_SIZES[def.Size]) {
    throw refuse(name, `Cert key is not on the ${def.Size}-bit curve`);
  }
  if (def.Type === 'cert-rsa' && def.Size && key.asymmetricKeyDetails?.modulusLength !== def.Size) throw refuse(name, `Cert key is not ${def.Size} bits`);
  return cert;
}

function privateKey(name: string, text: string): KeyObject {
  const { der, label } = derOf(name, 'Private', text, ['PRIVATE KEY', 'EC PRIVATE KEY', 'RSA PRIVATE KEY']);
  try {
    if (label === 'PRIVATE KEY') return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
    return createPrivateKey({ key: Buffer.from(der), format: 'der', type: label === 'EC PRIVATE KEY' ? 'sec1' : 'pkcs1' });
  } catch {
    throw refuse(name, 'Private is not a private key');
  }
}

/**
 * The value to store for an uploaded user-defined secret. Symmetric keys must have Size/8
 * bytes; certificates must hold a key of the secret's type (and Size, when given) and a given
 * private key must belong to the certificate (stored as PKCS#8). Throws ERR_SECRET_INVALID.
 */
export function acceptUserSecret(name: string, def: Secret, upload: UserSecretUpload): SecretValue {
  if (!def.UserDefined) throw refuse(name, 'is not user-defined; it cannot be written');
  if (typeof upload !== 'object' || upload === null) throw refuse(name, 'must be an object');
  for (const [field, value] of Object.entries(upload)) {
    if (!FIELDS.has(field)) throw refuse(name, `unknown field ${field}`);
    if (typeof value !== 'string') throw refuse(name, `${field} must be a string`);
  }
  const given = (field: keyof UserSecretUpload) => upload[field] !== undefined;
  if (def.Type === 'symmetric-key' || def.Type === 'plain') {
    if (given('Cert') || given('Private')) throw refuse(name, `${def.Type} takes Key${def.Type === 'plain' ? ' or Data' : ''}, not a certificate`);
    if (def.Type === 'symmetric-key' && given('Data')) throw refuse(name, 'symmetric-key takes Key (base64)');
    if (given('Key') === given('Data')) throw refuse(name, def.Type === 'plain' ? 'give exactly one of Key (base64) and Data (text)' : 'Key is missing');
    const bytes = given('Key') ? base64(name, 'Key', upload.Key!) : utf8(upload.Data!);
    if (bytes.length === 0) throw refuse(name, 'is empty');
    if (def.Type === 'symmetric-key' && bytes.length * 8 !== def.Size) throw refuse(name, `Key has ${bytes.length * 8} bits, the manifest says ${def.Size}`);
    return { Type: def.Type, Public: bytes, Private: bytes };
  }
  if (!isCertSecretType(def.Type)) throw refuse(name, `unknown type ${def.Type}`);
  if (given('Key') || given('Data')) throw refuse(name, `${def.Type} takes Cert and Private, not Key or Data`);
  if (!given('Cert')) throw refuse(name, 'Cert is missing');
  const cert = certificate(name, def, upload.Cert!);
  const spki = new Uint8Array(cert.publicKey.export({ type: 'spki', format: 'der' }));
  const value: SecretValue = { Type: def.Type, Cert: new Uint8Array(cert.raw), Public: spki };
  if (given('Private')) {
    const key = privateKey(name, upload.Private!);
    if (!createPublicKey(key).equals(cert.publicKey)) throw refuse(name, 'Private does not belong to Cert');
    value.Private = new Uint8Array(key.export({ type: 'pkcs8', format: 'der' }));
  }
  return value;
}
