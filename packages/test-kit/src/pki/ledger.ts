/**
 * A ledger identity as CCF issues one: a self-signed P-384 service identity and a P-256 node
 * certificate it issued, with a node signer over node:crypto (DER ECDSA over SHA-256 of the
 * root's preimage, as the ledger writer expects).
 */
import { createPrivateKey, sign } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { testIdentity, type TestIdentity } from './identity.js';

export interface LedgerPki {
  identity: TestIdentity;
  node: TestIdentity;
  signer: { certPem: string; sign(preimage: Uint8Array): Promise<Uint8Array> };
}

export async function ledgerPki(): Promise<LedgerPki> {
  const identity = await testIdentity('CCF Network', { key: 'P-384', extensions: [new x509.BasicConstraintsExtension(true, undefined, true)] });
  const node = await testIdentity('CCF Node', { key: 'P-256', issuer: identity });
  const key = createPrivateKey(node.keyPem);
  return { identity, node, signer: { certPem: node.pem, sign: async (preimage) => sign('sha256', preimage, { key, dsaEncoding: 'der' }) } };
}
