/** Throwaway RSA signing identities (PKCS#8 key + self-signed certificate, both PEM), as the Azure SDK's policy and certificate calls take them. */
import { testIdentity } from '@confide/test-kit/identity';

export interface SigningIdentity {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** PEM of the self-signed certificate. */
  certificatePem: string;
  /** Standard base64 DER of the certificate (an x5c entry). */
  certificateB64: string;
}

/** A fresh 2048-bit RSA key and a one-day self-signed certificate named `cn`. */
export async function signingIdentity(cn: string): Promise<SigningIdentity> {
  const id = await testIdentity(cn, { key: 'RSA-2048', notBefore: new Date(Date.now() - 60_000) });
  return { privateKeyPem: id.keyPem, certificatePem: id.pem, certificateB64: Buffer.from(id.der).toString('base64') };
}
