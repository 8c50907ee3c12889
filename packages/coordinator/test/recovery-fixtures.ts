// Test recovery keys: RSA-2048 pairs made once per test process.
import { generateKeyPairSync } from 'node:crypto';

export interface TestRecoveryKey {
  publicKeyPem: string;
  privateKeyPem: string;
}

const cache = new Map<string, TestRecoveryKey>();

/** The RSA recovery key pair called `name` (same pair for the same name within one process). */
export function recoveryKey(name: string): TestRecoveryKey {
  let key = cache.get(name);
  if (key === undefined) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    key = {
      publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    cache.set(name, key);
  }
  return key;
}

/** name -> public PEM, as a manifest's RecoveryKeys. */
export function recoveryKeys(...names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, recoveryKey(n).publicKeyPem]));
}
