/** Secret rules: type, key size per type, validity, plain secrets. */
import { isCertSecretType, SECRET_TYPES, type Manifest, type Secret } from './types.js';
import type { ViolationList } from './violation.js';

const ECDSA_SIZES = [224, 256, 384, 521];
/** RSA moduli we generate: below 2048 is refused by FIPS Go (MarbleRun 1.9) and by us. */
const RSA_MIN = 2048;
const RSA_MAX = 16384;

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
      if (s.Size === 0 || s.Size % 8 !== 0) v.error('secret.size-symmetric', size, `Size ${s.Size} must be a positive multiple of 8`);
      break;
    case 'cert-ecdsa':
      if (generated && !ECDSA_SIZES.includes(s.Size)) v.error('secret.size-ecdsa', size, `Size ${s.Size} is not a curve size (224, 256, 384, 521)`);
      break;
    case 'cert-rsa':
      if (generated && (s.Size < RSA_MIN || s.Size > RSA_MAX)) v.error('secret.size-rsa', size, `Size ${s.Size} must be ${RSA_MIN}..${RSA_MAX}`);
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

/** Checks every secret. */
export function validateSecrets(m: Manifest, v: ViolationList): void {
  for (const [name, secret] of Object.entries(m.Secrets)) checkSecret(name, secret, v);
}
