/** Intel DCAP ECDSA quote verification (SGX and TDX). */
export type * from './quote-types.js';
export { parseIntelQuote, TEE_TYPE_SGX, TEE_TYPE_TDX } from './quote-parser.js';
export { verifyIntelQuoteSignatures, type IntelSignatureOptions, type IntelSignatureResult, type PckChain } from './quote-signatures.js';
export { verifyIntelQuote, type IntelVerifyOptions } from './verify-quote.js';
export type { PckExtensions } from './pck-extensions.js';
export type { TcbEvaluator } from './tcb-evaluator.js';
export { INTEL_SGX_ROOT_CA_KEY } from './roots.js';
export { decodeTdAttributes, type TdAttributeFlags } from '../tdx/td-attributes.js';
export { sgxVerifier } from '../sgx/verifier.js';
export { tdxVerifier } from '../tdx/verifier.js';
