/**
 * Throwaway identities for tests and benchmarks: a fresh key and its certificate, self-signed (a
 * user, a marble's activation certificate, a policy signer) or issued by another identity (a
 * test CA's intermediate or TLS leaf), with the key as PKCS#8 PEM for files and flags.
 */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export type KeyKind = 'P-256' | 'P-384' | 'RSA-2048';

const KEY_PARAMS: Record<KeyKind, EcKeyGenParams | RsaHashedKeyGenParams> = {
  'P-256': { name: 'ECDSA', namedCurve: 'P-256' },
  'P-384': { name: 'ECDSA', namedCurve: 'P-384' },
  'RSA-2048': { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
};
const SIGNING: Record<KeyKind, Algorithm> = {
  'P-256': { name: 'ECDSA', hash: 'SHA-256' } as EcdsaParams,
  'P-384': { name: 'ECDSA', hash: 'SHA-384' } as EcdsaParams,
  'RSA-2048': KEY_PARAMS['RSA-2048'],
};

/** DER as a PEM block (base64 in lines of 64). */
export function pemBlock(label: string, der: ArrayBuffer | Uint8Array): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  return `-----BEGIN ${label}-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END ${label}-----\n`;
}

export interface TestIdentity {
  keys: CryptoKeyPair;
  kind: KeyKind;
  certificate: x509.X509Certificate;
  /** The certificate: DER, and PEM. */
  der: Uint8Array;
  pem: string;
  /** SubjectPublicKeyInfo DER of the key. */
  spki: Uint8Array;
  /** PKCS#8 PEM of the private key. */
  keyPem: string;
}

export interface IdentityOptions {
  key?: KeyKind;
  /** Signs the certificate instead of its own key (default: self-signed). */
  issuer?: TestIdentity;
  extensions?: x509.Extension[];
  /** Default: one hour ago. */
  notBefore?: Date;
  /** Default: one day from now. */
  notAfter?: Date;
  /** Hex; default: 8 random bytes (positive). */
  serialNumber?: string;
}

/** A fresh key (P-256 unless said otherwise) and a certificate named `CN=<cn>`. */
export async function testIdentity(cn: string, options: IdentityOptions = {}): Promise<TestIdentity> {
  const kind = options.key ?? 'P-256';
  const keys = (await webcrypto.subtle.generateKey(KEY_PARAMS[kind], true, ['sign', 'verify'])) as CryptoKeyPair;
  const common = {
    serialNumber: options.serialNumber ?? Buffer.from(webcrypto.getRandomValues(new Uint8Array(8))).toString('hex').replace(/^[89a-f]/, '1'),
    notBefore: options.notBefore ?? new Date(Date.now() - 3_600_000),
    notAfter: options.notAfter ?? new Date(Date.now() + 86_400_000),
    extensions: options.extensions ?? [],
  };
  const certificate = options.issuer
    ? await x509.X509CertificateGenerator.create({
        ...common,
        subject: `CN=${cn}`,
        issuer: options.issuer.certificate.subject,
        publicKey: keys.publicKey,
        signingKey: options.issuer.keys.privateKey,
        signingAlgorithm: SIGNING[options.issuer.kind],
      })
    : await x509.X509CertificateGenerator.createSelfSigned({ ...common, name: `CN=${cn}`, keys, signingAlgorithm: SIGNING[kind] });
  const [spki, pkcs8] = await Promise.all([webcrypto.subtle.exportKey('spki', keys.publicKey), webcrypto.subtle.exportKey('pkcs8', keys.privateKey)]);
  return {
    keys,
    kind,
    certificate,
    der: new Uint8Array(certificate.rawData),
    pem: certificate.toString('pem'),
    spki: new Uint8Array(spki),
    keyPem: pemBlock('PRIVATE KEY', pkcs8),
  };
}

export interface P256Signer {
  /** The public key as an uncompressed point (65 bytes), as quotes carry it. */
  point: Uint8Array;
  /** ECDSA P-256 / SHA-256 over `data`, raw r || s. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** A fresh P-256 key that signs raw, as a quoting enclave does. */
export async function p256Signer(): Promise<P256Signer> {
  const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as CryptoKeyPair;
  const point = new Uint8Array(await webcrypto.subtle.exportKey('raw', keys.publicKey));
  return {
    point,
    sign: async (data) => new Uint8Array(await webcrypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, data as Uint8Array<ArrayBuffer>)),
  };
}
