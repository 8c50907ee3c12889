/**
 * TD attributes (TDX module ABI, "TD_ATTRIBUTES" table): a 64-bit little-endian field whose
 * bits say whether the TD can be debugged and which features the guest may use.
 */
const DEBUG_BIT = 0n;
const SEPT_VE_DISABLE_BIT = 28n;
const PKS_BIT = 30n;
const KL_BIT = 31n;
const PERFMON_BIT = 63n;

export interface TdAttributeFlags {
  debug: boolean;
  septVeDisable: boolean;
  pks: boolean;
  kl: boolean;
  perfmon: boolean;
}

/** Decodes the 8 bytes of TD_ATTRIBUTES. */
export function decodeTdAttributes(bytes: Uint8Array): TdAttributeFlags {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
  const bit = (n: bigint) => ((v >> n) & 1n) === 1n;
  return { debug: bit(DEBUG_BIT), septVeDisable: bit(SEPT_VE_DISABLE_BIT), pks: bit(PKS_BIT), kl: bit(KL_BIT), perfmon: bit(PERFMON_BIT) };
}
