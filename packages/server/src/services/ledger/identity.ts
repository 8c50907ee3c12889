/**
 * The ledger's identity, as CCF lays it out: a self-signed service identity (`CN=CCF Network`,
 * P-384) that receipts chain to, and a node certificate it issued (`CN=CCF Node`, P-256) whose key
 * signs the roots. Both keys are sealed with the instance seal in the store and written once:
 * every receipt names this identity for life. The ledger listener's TLS certificate is issued by
 * the identity at each start for the names it listens on, so a client that pins the identity
 * (`ca` = identity, as `@azure-rest/confidential-ledger` does) trusts the listener and nothing else.
 */
import { createPrivateKey, sign as signAsync, webcrypto, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import * as x509 from '@peculiar/x509';
import { pemEncode } from '@confide/core';
import type { NodeSigner } from '@confide/ledger';
import type { Store } from '@confide/store';
import { ServerError } from '../../errors/index.js';
import type { Seal } from '../../seal/index.js';
import { sanNames } from '../../tls/local-ca.js';

const SERVICE_KEY = { name: 'ECDSA', namedCurve: 'P-384' } as const;
const NODE_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN_WITH_SERVICE = { name: 'ECDSA', hash: 'SHA-384' } as const;
const DAY = 24 * 60 * 60 * 1000;
/** Seal contexts: a blob sealed for another purpose does not open as a ledger key. */
export const LEDGER_SERVICE_KEY_CONTEXT = 'confide-ledger-service-key-v1';
export const LEDGER_NODE_KEY_CONTEXT = 'confide-ledger-node-key-v1';

const sign = promisify(signAsync);

export interface LedgerIdentity {
  /** The service identity certificate, canonical PEM: what `/ledgerIdentity/{id}` serves and receipts verify against. */
  serviceCertificatePem: string;
  /** The node certificate, canonical PEM: receipts carry it as `cert`. */
  nodeCertificatePem: string;
  /** The node key signing roots (DER ECDSA over SHA-256 of the root's preimage, on the thread pool). */
  signer: NodeSigner;
  /** The ledger listener's certificate chain (a leaf for `names`, then the identity) and its key, PEM. */
  tls: { cert: string; key: string };
  /** True when this start created the identity. */
  created: boolean;
}

function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0]! &= 0x7f; // a positive INTEGER
  return Buffer.from(bytes).toString('hex');
}

const certPem = (cert: x509.X509Certificate): string => pemEncode('CERTIFICATE', new Uint8Array(cert.rawData));
const pkcs8 = async (key: CryptoKey): Promise<Uint8Array> => new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', key));

/** A certificate issued by the service identity for `publicKey`. */
async function issue(service: { cert: x509.X509Certificate; key: CryptoKey }, subject: string, publicKey: CryptoKey, now: Date, days: number, extensions: x509.Extension[]) {
  return x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject,
    issuer: service.cert.subject,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + days * DAY),
    publicKey,
    signingKey: service.key,
    signingAlgorithm: SIGN_WITH_SERVICE,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      await x509.AuthorityKeyIdentifierExtension.create(service.cert, false),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      ...extensions,
    ],
  });
}

async function createIdentity(store: Store, seal: Seal, now: Date): Promise<void> {
  const serviceKeys = await webcrypto.subtle.generateKey(SERVICE_KEY, true, ['sign', 'verify']);
  const serviceCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: 'CN=CCF Network',
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 20 * 365 * DAY),
    keys: serviceKeys,
    signingAlgorithm: SIGN_WITH_SERVICE,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(serviceKeys.publicKey),
    ],
  });
  const nodeKeys = await webcrypto.subtle.generateKey(NODE_KEY, true, ['sign', 'verify']);
  const nodeCert = await issue({ cert: serviceCert, key: serviceKeys.privateKey }, 'CN=CCF Node', nodeKeys.publicKey, now, 20 * 365, [new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true)]);
  // Another start that raced this one keeps its identity: put writes only the first.
  await store.ledgerIdentity.put({
    serviceCertificate: certPem(serviceCert),
    sealedServiceKey: seal.seal(await pkcs8(serviceKeys.privateKey), LEDGER_SERVICE_KEY_CONTEXT),
    nodeCertificate: certPem(nodeCert),
    sealedNodeKey: seal.seal(await pkcs8(nodeKeys.privateKey), LEDGER_NODE_KEY_CONTEXT),
    createdAt: now.toISOString(),
  });
}

function unsealKey(seal: Seal, blob: Uint8Array, context: string): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(seal.unseal(blob, context)), format: 'der', type: 'pkcs8' });
  } catch (err) {
    throw new ServerError('ERR_SEAL_UNSEAL_FAILED', 'the ledger identity key cannot be unsealed with this seal key (was the data directory moved without its seal key?)', { cause: err });
  }
}

export interface OpenLedgerIdentityOptions {
  store: Store;
  seal: Seal;
  /** Names the ledger listener answers to (hosts and extra SANs); localhost, 127.0.0.1 and ::1 are always added. */
  names: readonly string[];
  now?: Date | undefined;
}

/** Opens the stored identity, creating it at the first start. Throws ERR_SEAL_UNSEAL_FAILED, ERR_STORE_UNAVAILABLE. */
export async function openLedgerIdentity({ store, seal, names, now = new Date() }: OpenLedgerIdentityOptions): Promise<LedgerIdentity> {
  let row = await store.ledgerIdentity.get();
  const created = row === undefined;
  if (!row) {
    await createIdentity(store, seal, now);
    row = (await store.ledgerIdentity.get())!;
  }
  const serviceKey = unsealKey(seal, row.sealedServiceKey, LEDGER_SERVICE_KEY_CONTEXT);
  const nodeKey = unsealKey(seal, row.sealedNodeKey, LEDGER_NODE_KEY_CONTEXT);
  const serviceCert = new x509.X509Certificate(row.serviceCertificate);
  const service = { cert: serviceCert, key: await webcrypto.subtle.importKey('pkcs8', serviceKey.export({ format: 'der', type: 'pkcs8' }), SERVICE_KEY, false, ['sign']) };
  // A fresh TLS key at every start, for the names configured now.
  const tlsKeys = await webcrypto.subtle.generateKey(NODE_KEY, true, ['sign', 'verify']);
  const tlsCert = await issue(service, 'CN=CCF Node', tlsKeys.publicKey, now, 397, [
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
    new x509.SubjectAlternativeNameExtension(sanNames(names)),
  ]);
  return {
    serviceCertificatePem: row.serviceCertificate,
    nodeCertificatePem: row.nodeCertificate,
    signer: { certPem: row.nodeCertificate, sign: async (preimage) => new Uint8Array(await sign('sha256', preimage, { key: nodeKey, dsaEncoding: 'der' })) },
    tls: { cert: certPem(tlsCert) + row.serviceCertificate, key: pemEncode('PRIVATE KEY', await pkcs8(tlsKeys.privateKey)) },
    created,
  };
}
