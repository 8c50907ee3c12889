/**
 * The plaintext a release wraps, per key family. The service does not publish it; this vault
 * sends RSA and EC private keys as PKCS#8 DER (what PKCS#11 unwraps into a private key object,
 * and what every crypto library imports) and oct keys as their raw bytes.
 */
import { createPrivateKey } from 'node:crypto';
import type { LoadedKey } from '../crypto/loaded-key.js';
import type { KeyFamily } from '../model/key-types.js';
import type { PrivateJwk } from '../model/key-version.js';

/** The bytes a release wraps for `key`, from the key object the vault already loaded (no second import). */
export function releaseMaterialOf(key: LoadedKey): Uint8Array {
  if (key.family === 'oct') return new Uint8Array(key.secret!);
  return new Uint8Array(key.key.export({ type: 'pkcs8', format: 'der' }));
}

/** The private JWK behind released bytes of `family`; throws (node's parser) for bytes that are not such a key. */
export function jwkOfReleaseMaterial(family: KeyFamily, material: Uint8Array): PrivateJwk {
  if (family === 'oct') return { kty: 'oct', k: Buffer.from(material).toString('base64url') };
  const key = createPrivateKey({ key: Buffer.from(material), format: 'der', type: 'pkcs8' });
  const jwk = key.export({ format: 'jwk' }) as PrivateJwk;
  if (jwk.kty !== family) throw new TypeError(`released material is a ${jwk.kty} key, not ${family}`);
  return jwk;
}
