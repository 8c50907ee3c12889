/**
 * `x-ms-sgx-collateral`: SHA-256 of the collateral an SGX quote was judged with. The reference
 * names the fields; which bytes each hashes is not documented, so: quotehash = the quote
 * without any Open Enclave header (confirmed against a real MAA token), tcbinfohash / qeidhash =
 * the signed `tcbInfo` / `enclaveIdentity` bytes, *certshash = the PEM issuer chain as given,
 * *crlhash = the DER Intel Root CA CRL (the CRL of those chains; MAA's two values are equal,
 * as they are here).
 */
import { createHash } from 'node:crypto';
import type { CollateralProvider, IntelCollateral } from '@confide/evidence';

export interface SgxCollateralHashes {
  qeidcertshash: string;
  qeidcrlhash: string;
  qeidhash: string;
  quotehash: string;
  tcbinfocertshash: string;
  tcbinfocrlhash: string;
  tcbinfohash: string;
}

/** A provider that remembers the last Intel collateral it handed out (one per verification). */
export function recordingProvider(inner: CollateralProvider): { provider: CollateralProvider; intel(): IntelCollateral | undefined } {
  let seen: IntelCollateral | undefined;
  return {
    provider: {
      intel: async (req) => {
        const c = await inner.intel(req);
        seen = c;
        return c;
      },
      amd: (req) => inner.amd(req),
    },
    intel: () => seen,
  };
}

const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** The hashes of one collateral set, with the exact inputs they were computed from. */
interface CollateralEntry {
  tcbInfoBody: string;
  qeIdentityBody: string;
  tcbInfoChain: string;
  qeIdentityChain: string;
  rootCaCrl: Buffer;
  hashes: Omit<SgxCollateralHashes, 'quotehash'>;
}

// A provider hands out the same collateral object for every quote of a platform; its hashes are
// computed once, and reused only while every hashed input is still exactly what was hashed.
const byCollateral = new WeakMap<IntelCollateral, CollateralEntry>();

function sameInputs(e: CollateralEntry, c: IntelCollateral): boolean {
  return (
    e.tcbInfoBody === c.tcbInfo.body &&
    e.qeIdentityBody === c.qeIdentity.body &&
    e.tcbInfoChain === c.tcbInfo.issuerChain &&
    e.qeIdentityChain === c.qeIdentity.issuerChain &&
    e.rootCaCrl.equals(c.rootCaCrl)
  );
}

function collateralEntry(c: IntelCollateral): CollateralEntry {
  const hit = byCollateral.get(c);
  if (hit && sameInputs(hit, c)) return hit;
  // Hashed from a copy of the CRL, so that the entry describes exactly the bytes it holds.
  const rootCaCrl = Buffer.from(c.rootCaCrl);
  const crlhash = sha256Hex(rootCaCrl);
  const entry: CollateralEntry = {
    tcbInfoBody: c.tcbInfo.body,
    qeIdentityBody: c.qeIdentity.body,
    tcbInfoChain: c.tcbInfo.issuerChain,
    qeIdentityChain: c.qeIdentity.issuerChain,
    rootCaCrl,
    hashes: {
      qeidcertshash: sha256Hex(c.qeIdentity.issuerChain),
      qeidcrlhash: crlhash,
      qeidhash: sha256Hex(c.qeIdentity.body),
      tcbinfocertshash: sha256Hex(c.tcbInfo.issuerChain),
      tcbinfocrlhash: crlhash,
      tcbinfohash: sha256Hex(c.tcbInfo.body),
    },
  };
  byCollateral.set(c, entry);
  return entry;
}

/** The hashes of `quote` and its collateral (the collateral's remembered while it is unchanged). */
export function sgxCollateralHashes(quote: Uint8Array, c: IntelCollateral): SgxCollateralHashes {
  const h = collateralEntry(c).hashes;
  return {
    qeidcertshash: h.qeidcertshash,
    qeidcrlhash: h.qeidcrlhash,
    qeidhash: h.qeidhash,
    quotehash: sha256Hex(quote),
    tcbinfocertshash: h.tcbinfocertshash,
    tcbinfocrlhash: h.tcbinfocrlhash,
    tcbinfohash: h.tcbinfohash,
  };
}
