/** SGX enclave ATTRIBUTES (16 bytes: FLAGS u64, XFRM u64). */

// SGX ATTRIBUTES.FLAGS (Intel SDM, "SECS" table): bit 1 is DEBUG.
const SGX_ATTRIBUTE_DEBUG = 0x02;

/** True when an SGX enclave's ATTRIBUTES has the DEBUG flag. */
export function sgxDebug(attributes: Uint8Array): boolean {
  return (attributes[0]! & SGX_ATTRIBUTE_DEBUG) !== 0;
}
