/**
 * The TPM 2.0 algorithm identifiers Confide reads (TCG TPM 2.0 Library Part 2, Table 9
 * "TPM_ALG_ID" and Table 10 "TPM_ECC_CURVE") and the hash banks it replays and checks.
 */
import { EvidenceError } from '../errors.js';

/** TPM_ALG_ID values (Part 2, Table 9). */
export const TPM_ALG = {
  RSA: 0x0001,
  SHA1: 0x0004,
  SHA256: 0x000b,
  SHA384: 0x000c,
  SHA512: 0x000d,
  NULL: 0x0010,
  RSASSA: 0x0014,
  RSAPSS: 0x0016,
  ECDSA: 0x0018,
  ECDAA: 0x001a,
  ECC: 0x0023,
} as const;

/** TPM_ECC_CURVE values (Part 2, Table 10) that WebCrypto can verify with. */
export const TPM_ECC_CURVE = { NIST_P256: 0x0003, NIST_P384: 0x0004, NIST_P521: 0x0005 } as const;

/** A PCR bank by its hash: the names claims and inputs use. */
export type TpmBank = 'sha1' | 'sha256' | 'sha384' | 'sha512';

export interface TpmHash {
  bank: TpmBank;
  alg: number;
  /** WebCrypto's name for the hash. */
  webcrypto: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
  size: number;
}

export const TPM_HASHES: readonly TpmHash[] = [
  { bank: 'sha1', alg: TPM_ALG.SHA1, webcrypto: 'SHA-1', size: 20 },
  { bank: 'sha256', alg: TPM_ALG.SHA256, webcrypto: 'SHA-256', size: 32 },
  { bank: 'sha384', alg: TPM_ALG.SHA384, webcrypto: 'SHA-384', size: 48 },
  { bank: 'sha512', alg: TPM_ALG.SHA512, webcrypto: 'SHA-512', size: 64 },
];

/** The hash with TPM_ALG_ID `alg`, or undefined for one Confide does not know (SM3, SHA3). */
export function hashByAlg(alg: number): TpmHash | undefined {
  return TPM_HASHES.find((h) => h.alg === alg);
}

/** The hash of a bank name. */
export function hashByBank(bank: TpmBank): TpmHash {
  return TPM_HASHES.find((h) => h.bank === bank)!;
}

/** True for the bank names Confide knows. */
export function isTpmBank(name: string): name is TpmBank {
  return TPM_HASHES.some((h) => h.bank === name);
}

/** The hash with TPM_ALG_ID `alg`; throws ERR_EVIDENCE_UNSUPPORTED for another (`where` names the field). */
export function requireHash(alg: number, where: string): TpmHash {
  const hash = hashByAlg(alg);
  if (!hash) throw new EvidenceError('ERR_EVIDENCE_UNSUPPORTED', `${where}: hash algorithm 0x${alg.toString(16).padStart(4, '0')} is not SHA-1, SHA-256, SHA-384 or SHA-512`);
  return hash;
}
