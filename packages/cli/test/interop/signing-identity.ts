/** Throwaway RSA signing identities (PKCS#8 key + self-signed certificate, both PEM), as the Azure SDK's policy and certificate calls take them. */
import * as x509 from '@peculiar/x509';

export interface SigningIdentity {
  /** PKCS#8 PEM. */
  privateKeyPem: string;
  /** PEM of the self-signed certificate. */
  certificatePem: string;
  /** Standard base64 DER of the certificate (an x5c entry). */
  certificateB64: string;
}

const RSA: RsaHashedKeyGenParams = { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };

function pem(label: string, der: ArrayBuffer): string {
  return `-----BEGIN ${label}-----\n${Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** A fresh 2048-bit RSA key and a one-day self-signed certificate named `cn`. */
export async function signingIdentity(cn: string): Promise<SigningIdentity> {
  const keys = (await crypto.subtle.generateKey(RSA, true, ['sign', 'verify'])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name: `CN=${cn}`,
    keys,
    signingAlgorithm: RSA,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
    serialNumber: Buffer.from(crypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
  });
  return {
    privateKeyPem: pem('PRIVATE KEY', await crypto.subtle.exportKey('pkcs8', keys.privateKey)),
    certificatePem: cert.toString('pem'),
    certificateB64: Buffer.from(cert.rawData).toString('base64'),
  };
}
