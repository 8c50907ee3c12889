/** Secret rules: type, key size per type, validity, plain secrets. */
import { isConfideError } from '@confide/core';
import { checkSecretDefinition } from '../secrets/definition-check.js';
import { isCertSecretType, SECRET_TYPES, type Manifest, type Secret } from './types.js';
import type { ViolationList } from './violation.js';

const ECDSA_SIZES = [224, 256, 384, 521];
/** HKDF-SHA256 derives at most 255 * 32 bytes per-marble keys. */
const SYMMETRIC_MAX = 255 * 32 * 8;
/** RSA moduli we generate: below 2048 is refused by FIPS Go (MarbleRun 1.9) and by us. */
const RSA_MIN = 2048;
const RSA_MAX = 8192;

function checkSecret(name: string, s: Secret, v: ViolationList): void {
  const at = ['Secrets', name];
  if (!SECRET_TYPES.includes(s.Type)) {
    v.error('secret.type-unknown', [...at, 'Type'], `unknown type "${s.Type}"`);
    return;
  }
  const size = [...at, 'Size'];
  // UserDefined certificates are uploaded, so their Size is never used; symmetric uploads are checked against Size.
  const generated = !s.UserDefined;
  switch (s.Type) {
    case 'symmetric-key':
      if (s.Size === 0 || s.Size % 8 !== 0 || s.Size > SYMMETRIC_MAX) v.error('secret.size-symmetric', size, `Size ${s.Size} must be a multiple of 8 in 8..${SYMMETRIC_MAX}`);
      break;
    case 'cert-ecdsa':
      if (!ECDSA_SIZES.includes(s.Size) && (generated || s.Size !== 0)) v.error('secret.size-ecdsa', size, `Size ${s.Size} is not a curve size (224, 256, 384, 521)`);
      break;
    case 'cert-rsa':
      // 0 means the generator's default (2048 bits).
      if (generated && s.Size !== 0 && (s.Size < RSA_MIN || s.Size > RSA_MAX || s.Size % 8 !== 0)) v.error('secret.size-rsa', size, `Size ${s.Size} must be a multiple of 8 in ${RSA_MIN}..${RSA_MAX}`);
      break;
    case 'cert-ed25519':
      if (generated && s.Size !== 0) v.error('secret.size-ed25519', size, 'an ed25519 key has no Size; omit it');
      break;
    case 'plain':
      if (s.Size !== 0) v.warn('secret.size-ignored', size, 'Size is ignored for plain secrets');
      if (!s.UserDefined) v.error('secret.plain-not-user-defined', [...at, 'UserDefined'], 'a plain secret is uploaded by a user; set UserDefined');
      break;
  }
  if (isCertSecretType(s.Type)) {
    if (s.ValidFor !== 0 && s.Cert?.NotAfter !== undefined) {
      v.error('secret.validity-ambiguous', [...at, 'ValidFor'], 'give ValidFor or Cert.NotAfter, not both');
    }
  } else if ((s.Cert !== undefined && Object.keys(s.Cert).length > 0) || s.ValidFor !== 0) {
    v.warn('secret.cert-fields-ignored', at, `Cert and ValidFor are ignored for ${s.Type} secrets`);
  }
}

/** Checks every secret, then asks the secret generator whether it can make the ones without errors. */
export function validateSecrets(m: Manifest, v: ViolationList): void {
  for (const [name, secret] of Object.entries(m.Secrets)) {
    const before = v.errors.length;
    checkSecret(name, secret, v);
    if (v.errors.length > before) continue;
    try {
      checkSecretDefinition(name, secret);
    } catch (err) {
      if (!isConfideError(err, 'ERR_MANIFEST_INVALID')) throw err;
      const path = typeof err.details?.path === 'string' ? err.details.path.split('.').slice(2) : [];
      v.error('secret.definition-invalid', ['Secrets', name, ...path], err.message);
    }
  }
}
