/**
 * The endorsement chain of a receipt: the node certificate is signed by the first service
 * endorsement, each endorsement by the next, the last by the service identity (CCF
 * python/src/ccf/receipt.py, check_endorsements). Each signature is checked over the endorsee's
 * exact TBSCertificate bytes with the endorsee's signature hash.
 */
import { LedgerError } from '../errors.js';
import type { CcfCertificate } from './ccf-certificate.js';
import { verifyEcdsa } from './ecdsa.js';

/** Resolves when `node` is endorsed by `identity` through `endorsements`. Throws ERR_LEDGER_ENDORSEMENT_INVALID naming the broken link. */
export async function verifyEndorsements(node: CcfCertificate, endorsements: readonly CcfCertificate[], identity: CcfCertificate): Promise<void> {
  const chain = [node, ...endorsements, identity];
  const links = chain.slice(0, -1).map((endorsee, i) => verifyEcdsa(chain[i + 1]!, endorsee.signatureHash, endorsee.signature, endorsee.tbs));
  const results = await Promise.all(links);
  const broken = results.indexOf(false);
  if (broken >= 0) {
    const by = broken === endorsements.length ? 'the service identity' : `serviceEndorsements[${broken}]`;
    const of = broken === 0 ? 'the node certificate' : `serviceEndorsements[${broken - 1}]`;
    throw new LedgerError('ERR_LEDGER_ENDORSEMENT_INVALID', `${of} is not signed by ${by}`, { details: { link: broken } });
  }
}
