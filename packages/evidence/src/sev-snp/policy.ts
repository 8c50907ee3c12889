/**
 * Decoding of the guest POLICY (AMD 56860, "Guest Policy Structure") and PLATFORM_INFO
 * ("PLATFORM_INFO Field") words. A bit is decoded only from the report version whose
 * firmware ABI defined it; before that it was reserved, and reading it as `false` would state
 * something the report never said.
 */

/** Guest policy bit positions. */
const POLICY_BIT = {
  SMT: 16n,
  // bit 17 is reserved and must be 1
  MIGRATE_MA: 18n,
  DEBUG: 19n,
  SINGLE_SOCKET: 20n,
  CXL_ALLOW: 21n, // ABI 1.55, report version 3
  MEM_AES_256_XTS: 22n, // ABI 1.55
  RAPL_DIS: 23n, // ABI 1.55
  CIPHERTEXT_HIDING: 24n, // ABI 1.55
  PAGE_SWAP_DISABLE: 25n, // ABI 1.58, report version 5
} as const;

/** PLATFORM_INFO bit positions. */
const PLATFORM_BIT = {
  SMT_EN: 0n,
  TSME_EN: 1n,
  ECC_EN: 2n, // report version 3
  RAPL_DIS: 3n, // report version 3
  CIPHERTEXT_HIDING_EN: 4n, // report version 3
  ALIAS_CHECK_COMPLETE: 5n, // report version 3
  TIO_EN: 7n, // report version 5
} as const;

const bit = (word: bigint, position: bigint): boolean => ((word >> position) & 1n) === 1n;
const hex = (word: bigint): string => `0x${word.toString(16)}`;

export interface SnpGuestPolicy {
  /** The 64-bit word, `0x` and lower-case hex without leading zeros. */
  hex: string;
  abiMajor: number;
  abiMinor: number;
  smt: boolean;
  migrateMa: boolean;
  debug: boolean;
  singleSocket: boolean;
  cxlAllow?: boolean;
  memAes256Xts?: boolean;
  raplDis?: boolean;
  ciphertextHiding?: boolean;
  pageSwapDisable?: boolean;
}

export interface SnpPlatformInfo {
  hex: string;
  smtEn: boolean;
  tsmeEn: boolean;
  eccEn?: boolean;
  raplDis?: boolean;
  ciphertextHidingEn?: boolean;
  aliasCheckComplete?: boolean;
  tioEn?: boolean;
}

/** True when the policy lets the hypervisor debug the guest (bit 19). */
export function policyAllowsDebug(policy: bigint): boolean {
  return bit(policy, POLICY_BIT.DEBUG);
}

/** Decodes the guest policy as defined for report `version`. */
export function decodeGuestPolicy(policy: bigint, version: number): SnpGuestPolicy {
  const out: SnpGuestPolicy = {
    hex: hex(policy),
    abiMajor: Number((policy >> 8n) & 0xffn),
    abiMinor: Number(policy & 0xffn),
    smt: bit(policy, POLICY_BIT.SMT),
    migrateMa: bit(policy, POLICY_BIT.MIGRATE_MA),
    debug: bit(policy, POLICY_BIT.DEBUG),
    singleSocket: bit(policy, POLICY_BIT.SINGLE_SOCKET),
  };
  if (version >= 3) {
    out.cxlAllow = bit(policy, POLICY_BIT.CXL_ALLOW);
    out.memAes256Xts = bit(policy, POLICY_BIT.MEM_AES_256_XTS);
    out.raplDis = bit(policy, POLICY_BIT.RAPL_DIS);
    out.ciphertextHiding = bit(policy, POLICY_BIT.CIPHERTEXT_HIDING);
  }
  if (version >= 5) out.pageSwapDisable = bit(policy, POLICY_BIT.PAGE_SWAP_DISABLE);
  return out;
}

/** Decodes PLATFORM_INFO as defined for report `version`. */
export function decodePlatformInfo(info: bigint, version: number): SnpPlatformInfo {
  const out: SnpPlatformInfo = {
    hex: hex(info),
    smtEn: bit(info, PLATFORM_BIT.SMT_EN),
    tsmeEn: bit(info, PLATFORM_BIT.TSME_EN),
  };
  if (version >= 3) {
    out.eccEn = bit(info, PLATFORM_BIT.ECC_EN);
    out.raplDis = bit(info, PLATFORM_BIT.RAPL_DIS);
    out.ciphertextHidingEn = bit(info, PLATFORM_BIT.CIPHERTEXT_HIDING_EN);
    out.aliasCheckComplete = bit(info, PLATFORM_BIT.ALIAS_CHECK_COMPLETE);
  }
  if (version >= 5) out.tioEn = bit(info, PLATFORM_BIT.TIO_EN);
  return out;
}
