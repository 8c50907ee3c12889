/**
 * A Go-style premain client for the gRPC marble API, as edgelesssys/marblerun
 * marble/premain/premain.go does it: a fresh P-384 key, a self-signed certificate
 * (util/tls.go GenerateCert: CN "MarbleRun Marble", DNS names, 127.0.0.1 and ::1), a CSR with the
 * same names (util.GenerateCSR), a quote over SHA-256 of the whole certificate DER
 * (coordinator/quote/ertvalidator ERTIssuer.Issue), and TLS that presents the certificate and
 * skips verifying the coordinator's (util.LoadGRPCTLSCredentials with InsecureSkipVerify).
 */
import { createHash, webcrypto } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as x509 from '@peculiar/x509';
import { pemEncode } from '@confide/core';

const P384 = { name: 'ECDSA', namedCurve: 'P-384' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-384' } as const;

export interface PremainIdentity {
  certDer: Uint8Array;
  certPem: string;
  keyPem: string;
  csrDer: Uint8Array;
}

/** The marble's certificate and CSR as premain makes them. */
export async function premainIdentity(dnsNames: string[] = ['localhost']): Promise<PremainIdentity> {
  const keys = (await webcrypto.subtle.generateKey(P384, true, ['sign', 'verify'])) as CryptoKeyPair;
  const san = new x509.SubjectAlternativeNameExtension([...dnsNames.map((value) => ({ type: 'dns' as const, value })), { type: 'ip', value: '127.0.0.1' }, { type: 'ip', value: '::1' }]);
  const now = new Date();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01' + Buffer.from(webcrypto.getRandomValues(new Uint8Array(15))).toString('hex'),
    name: 'CN=MarbleRun Marble',
    notBefore: now,
    notAfter: new Date(now.getTime() + 365 * 86_400_000),
    keys,
    signingAlgorithm: SIGN,
    extensions: [
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.BasicConstraintsExtension(false, undefined, true),
      san,
    ],
  });
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({ keys, signingAlgorithm: SIGN, extensions: [san] });
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  return { certDer: new Uint8Array(cert.rawData), certPem: cert.toString('pem'), keyPem: pemEncode('PRIVATE KEY', pkcs8), csrDer: new Uint8Array(csr.rawData) };
}

/** A simulated quote: its 64 bytes of report data, SHA-256(certificate DER) then zeros (the test's mock validator reads them as the report data). */
export function simulatedQuote(certDer: Uint8Array): Uint8Array {
  const out = new Uint8Array(64);
  out.set(createHash('sha256').update(certDer).digest());
  return out;
}

interface ActivationReq {
  Quote: Uint8Array;
  CSR: Uint8Array;
  MarbleType: string;
  UUID: string;
}

export interface ActivationAnswer {
  Parameters: { Files: Record<string, Buffer>; Env: Record<string, Buffer>; Argv: string[] };
}

const PROTO = fileURLToPath(new URL('../../test/fixtures/marblerun-rpc.proto', import.meta.url));
const definition = grpc.loadPackageDefinition(protoLoader.loadSync(PROTO, { keepCase: true, defaults: true })) as unknown as {
  rpc: { Marble: new (address: string, credentials: grpc.ChannelCredentials) => grpc.Client & { Activate: (req: ActivationReq, cb: (err: grpc.ServiceError | null, res: ActivationAnswer) => void) => void } };
};

/** Sends ActivationReq over mutual TLS with `identity` (none: TLS without a client certificate); resolves with the answer or rejects with the gRPC ServiceError. */
export async function activate(address: string, identity: Pick<PremainIdentity, 'certPem' | 'keyPem'> | undefined, req: ActivationReq): Promise<ActivationAnswer> {
  const verify = { rejectUnauthorized: false, checkServerIdentity: () => undefined };
  const credentials = identity ? grpc.credentials.createSsl(null, Buffer.from(identity.keyPem), Buffer.from(identity.certPem), verify) : grpc.credentials.createSsl(null, null, null, verify);
  const client = new definition.rpc.Marble(address, credentials);
  try {
    return await new Promise((resolve, reject) => client.Activate(req, (err, res) => (err ? reject(err) : resolve(res))));
  } finally {
    client.close();
  }
}
