/**
 * `x-ms-sgx-collateral`: SHA-256 of the collateral an SGX quote was judged with. The reference
 * names the fields; which bytes each hashes is not documented, so: quotehash = the quote
 * without any Open Enclave header (confirmed against a real MAA token), tcbinfohash / qeidhash =
 * the signed `tcbInfo` / `enclaveIdentity` bytes, *certshash = the PEM issuer chain as given,
 * *crlhash = the DER Intel Root CA CRL (the CRL of those chains; MAA's two values are equal,
 * as they are here).
 */
import { digest, toHex, utf8 } from '@confide/core';
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

const sha256Hex = async (bytes: Uint8Array): Promise<string> => toHex(await digest('SHA-256', bytes));

/** The hashes of `quote` and its collateral. */
export async function sgxCollateralHashes(quote: Uint8Array, c: IntelCollateral): Promise<SgxCollateralHashes> {
  const [quotehash, tcbinfohash, qeidhash, tcbinfocertshash, qeidcertshash, crlhash] = await Promise.all([
    sha256Hex(quote),
    sha256Hex(utf8(c.tcbInfo.body)),
    sha256Hex(utf8(c.qeIdentity.body)),
    sha256Hex(utf8(c.tcbInfo.issuerChain)),
    sha256Hex(utf8(c.qeIdentity.issuerChain)),
    sha256Hex(c.rootCaCrl),
  ]);
  return { qeidcertshash, qeidcrlhash: crlhash, qeidhash, quotehash, tcbinfocertshash, tcbinfocrlhash: crlhash, tcbinfohash };
}
