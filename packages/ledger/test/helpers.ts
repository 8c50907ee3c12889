/**
 * A test ledger: a service identity and node certificate of our own (P-384 identity, P-256 node,
 * as CCF issues them), leaves appended to the package's tree, and receipts signed the way a CCF
 * node signs (node:crypto over the root's preimage, DER), so the package's WebCrypto verifier
 * checks signatures it did not make.
 */
import { createHash, createHmac, createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import { testIdentity, type KeyKind, type TestIdentity } from '@confide/test-kit/identity';
import * as x509 from '@peculiar/x509';
import { claimsDigest, foldProof, formatCommitEvidence, leafHash, leafPreimage, MerkleTree, type ApplicationClaim, type LedgerCrypto, type ProofStep, type SignedRoot } from '../src/index.js';

export interface CcfPki {
  identity: TestIdentity;
  node: TestIdentity;
  endorsements: TestIdentity[];
}

/** A service identity and a node certificate it issued (through `hops` endorsements, default none). */
export async function ccfPki(options: { identityKey?: KeyKind; nodeKey?: KeyKind; hops?: number } = {}): Promise<CcfPki> {
  const ca = [new x509.BasicConstraintsExtension(true, undefined, true)];
  const identity = await testIdentity('CCF Network', { key: options.identityKey ?? 'P-384', extensions: ca });
  let issuer = identity;
  const endorsements: TestIdentity[] = [];
  for (let i = 0; i < (options.hops ?? 0); i++) {
    issuer = await testIdentity('CCF Network', { key: 'P-384', issuer, extensions: ca });
    endorsements.unshift(issuer);
  }
  const node = await testIdentity('CCF Node', { key: options.nodeKey ?? 'P-256', issuer });
  return { identity, node, endorsements };
}

/** DER ECDSA by `who`'s key over SHA-256(preimage): CCF's pre-hashed root signature. */
export function signPreimage(who: TestIdentity, preimage: Uint8Array): Buffer {
  const key: KeyObject = createPrivateKey(who.keyPem);
  return sign('sha256', preimage, { key, dsaEncoding: 'der' });
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const proofJson = (p: ProofStep[]) => p.map((s) => ('left' in s ? { left: hex(s.left) } : { right: hex(s.right) }));

export interface TestEntry {
  writeSetDigest: string;
  commitEvidence: string;
  claimsDigest: string;
  applicationClaims?: ApplicationClaim[];
}

/** `n` entries in view 2 from seqno 1; every third carries a LedgerEntryV1 claim. */
export async function testEntries(n: number): Promise<TestEntry[]> {
  const out: TestEntry[] = [];
  for (let i = 0; i < n; i++) {
    const ce = formatCommitEvidence({ view: 2, seqno: i + 1 }, randomBytes(32));
    if (i % 3 === 0) {
      const applicationClaims: ApplicationClaim[] = [{ kind: 'LedgerEntry', ledgerEntry: { collectionId: 'subledger:0', contents: `entry ${i}`, protocol: 'LedgerEntryV1', secretKey: randomBytes(32).toString('base64') } }];
      out.push({ writeSetDigest: randomBytes(32).toString('hex'), commitEvidence: ce, claimsDigest: hex(await claimsDigest(applicationClaims)), applicationClaims });
    } else out.push({ writeSetDigest: randomBytes(32).toString('hex'), commitEvidence: ce, claimsDigest: '00'.repeat(32) });
  }
  return out;
}

function components(e: TestEntry) {
  return { writeSetDigest: Buffer.from(e.writeSetDigest, 'hex'), commitEvidence: e.commitEvidence, claimsDigest: Buffer.from(e.claimsDigest, 'hex') };
}

/** A tree over `entries`. */
export async function treeOf(entries: TestEntry[]): Promise<MerkleTree> {
  const tree = new MerkleTree();
  for (const e of entries) void tree.append(await leafHash(components(e)));
  await tree.root();
  return tree;
}

/** The receipt document the Confidential Ledger serves for entry `index` of a tree of `size` leaves. */
export async function receiptFor(pki: CcfPki, tree: MerkleTree, entries: TestEntry[], index: number, size: number = tree.size) {
  const e = entries[index]!;
  const proof = await tree.inclusionProof(index, size);
  const { preimage } = await foldProof(await leafPreimage(components(e)), proof);
  return {
    receipt: {
      cert: pki.node.pem,
      leafComponents: { claimsDigest: e.claimsDigest, commitEvidence: e.commitEvidence, writeSetDigest: e.writeSetDigest },
      nodeId: createHash('sha256').update(pki.node.spki).digest('hex'),
      proof: proofJson(proof),
      serviceEndorsements: pki.endorsements.map((c) => c.pem),
      signature: signPreimage(pki.node, preimage).toString('base64'),
    },
    state: 'Ready',
    transactionId: e.commitEvidence.split(':')[1]!,
    ...(e.applicationClaims ? { applicationClaims: e.applicationClaims } : {}),
  };
}

/** The signed root of the first `size` leaves. */
export async function signedRootOf(pki: CcfPki, tree: MerkleTree, entries: TestEntry[], size: number): Promise<SignedRoot> {
  // The root's preimage: its two children, or for one leaf the leaf's own preimage.
  const first = await tree.inclusionProof(0, size);
  const { preimage } = await foldProof(await leafPreimage(components(entries[0]!)), first);
  return { treeSize: size, rootPreimage: hex(preimage), signature: signPreimage(pki.node, preimage).toString('base64'), cert: pki.node.pem, serviceEndorsements: pki.endorsements.map((c) => c.pem) };
}

/** Synchronous node:crypto hashes for a writer whose test counts what one turn of appends does (WebCrypto's async hashes spread them over turns). */
export const syncLedgerCrypto: LedgerCrypto = {
  sha256: (data) => createHash('sha256').update(data).digest(),
  hmacSha256: (key, data) => createHmac('sha256', key).update(data).digest(),
  randomBytes: (n) => randomBytes(n),
};
