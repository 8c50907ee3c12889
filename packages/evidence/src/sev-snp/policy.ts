/**
 * Decoding of the guest POLICY (AMD 56860, "Guest Policy Structure") and PLATFORM_INFO
 * ("PLATFORM_INFO Field") words. A bit is decoded only from the report version whose
 * firmware ABI defined it; before that it was reserved, and reading it as `false` would state
 * something the report never said.
 */

/** Guest policy bit positions defined since report version 2. */
const POLICY_BIT = {
  SMT: 16n,
  // bit 17 is reserved and must be 1
  MIGRATE_MA: 18n,
  DEBUG: 19n,
  SINGLE_SOCKET: 20n,
} as const;

/** PLATFORM_INFO bit positions defined since report version 2. */
const PLATFORM_BIT = {
  SMT_EN: 0n,
  TSME_EN: 1n,
} as const;

const bit = (word: bigint, position: bigint): boolean => ((word >> position) & 1n) === 1n;
const hex = (word: bigint): string => `0x${word.toString(16)}`;

/** The optional boolean fields of `T`: the bits a later report version added. */
type LaterField<T> = { [K in keyof T]-?: undefined extends T[K] ? (NonNullable<T[K]> extends boolean ? K : never) : never }[keyof T];

/** A bit a later firmware ABI defined: its field, position, and the first report version that carries it. */
interface LaterBit<T> {
  field: LaterField<T>;
  position: bigint;
  since: number;
}

/** Sets each of `bits` that report `version` defines; the others stay absent. */
function decodeLaterBits<T>(out: T, word: bigint, version: number, bits: readonly LaterBit<T>[]): T {
  for (const b of bits) if (version >= b.since) (out as Record<LaterField<T>, boolean>)[b.field] = bit(word, b.position);
  return out;
}

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

const POLICY_LATER_BITS: readonly LaterBit<SnpGuestPolicy>[] = [
  { field: 'cxlAllow', position: 21n, since: 3 }, // ABI 1.55
  { field: 'memAes256Xts', position: 22n, since: 3 },
  { field: 'raplDis', position: 23n, since: 3 },
  { field: 'ciphertextHiding', position: 24n, since: 3 },
  { field: 'pageSwapDisable', position: 25n, since: 5 }, // ABI 1.58
];

const PLATFORM_LATER_BITS: readonly LaterBit<SnpPlatformInfo>[] = [
  { field: 'eccEn', position: 2n, since: 3 },
  { field: 'raplDis', position: 3n, since: 3 },
  { field: 'ciphertextHidingEn', position: 4n, since: 3 },
  { field: 'aliasCheckComplete', position: 5n, since: 3 },
  { field: 'tioEn', position: 7n, since: 5 },
];

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
  return decodeLaterBits(out, policy, version, POLICY_LATER_BITS);
}

/** Decodes PLATFORM_INFO as defined for report `version`. */
export function decodePlatformInfo(info: bigint, version: number): SnpPlatformInfo {
  const out: SnpPlatformInfo = {
    hex: hex(info),
    smtEn: bit(info, PLATFORM_BIT.SMT_EN),
    tsmeEn: bit(info, PLATFORM_BIT.TSME_EN),
  };
  return decodeLaterBits(out, info, version, PLATFORM_LATER_BITS);
}
