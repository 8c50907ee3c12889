/** The real-hardware vectors the MAA interop tests use (located by @confide/test-kit/vectors). */

/** The Phala dcap-qvl SGX quote ("Hello, world!" report data) and its dcap-qvl collateral. */
export const PHALA_QUOTE = 'sgx/phala-dcap-qvl/sgx_quote';
export const PHALA_COLLATERAL = 'sgx/phala-dcap-qvl/sgx_quote_collateral.json';
/** An Azure sample MAA request: an OE-wrapped SGX quote and its EnclaveHeldData, and the 2023 collateral of its platform. */
export const AZURE_SAMPLE_REQUEST = 'azure/azure-samples-maa/maa-uks-2020.post.attest.body.json';
export const MOBILECOIN_COLLATERAL = 'sgx/mobilecoin-attestation/collateral_dcap_qvl_format_2023_07_12.json';
