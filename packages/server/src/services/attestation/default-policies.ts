/**
 * The policy each endpoint uses until one is stored. SgxEnclave and OpenEnclave use the real
 * service's published default (version 1.1) as the reference gives it (MAA's exact whitespace,
 * and so whether `x-ms-policy-hash` equals MAA's, is not known). MAA
 * publishes no default text for SevSnpVm or TdxVm (nor has NvidiaGpu); Confide's permit only evidence of that type,
 * and the Simulated default permits only simulated evidence: no hardware default accepts it.
 */
import type { AttestationType } from './types.js';

const SGX_DEFAULT = `version= 1.1;
configurationrules{ => issueproperty(type="x-ms-sgx-tcbidentifier", value="azuredefault"); };
authorizationrules{ => permit(); };
issuancerules{
  c:[type=="x-ms-sgx-is-debuggable"] => issue(type="is-debuggable", value=c.value);
  c:[type=="x-ms-sgx-mrsigner"]      => issue(type="sgx-mrsigner", value=c.value);
  c:[type=="x-ms-sgx-mrenclave"]     => issue(type="sgx-mrenclave", value=c.value);
  c:[type=="x-ms-sgx-product-id"]    => issue(type="product-id", value=c.value);
  c:[type=="x-ms-sgx-svn"]           => issue(type="svn", value=c.value);
  c:[type=="x-ms-attestation-type"]  => issue(type="tee", value=c.value);
};
`;

function permitOnly(teeName: string): string {
  return `version= 1.0;
authorizationrules{
  [type=="x-ms-attestation-type", value=="${teeName}", issuer=="AttestationService"] => permit();
};
issuancerules{
};
`;
}

/**
 * TPM: anyone can make an attestation key, so a quote says something only when the AK's
 * certificate chains to a configured TPM root (attestation.tpmRoots). MAA's TPM policies read
 * the same claim (`aikValidated`); its own default text is not published.
 */
const TPM_DEFAULT = `version= 1.0;
authorizationrules{
  [type=="x-ms-attestation-type", value=="tpm", issuer=="AttestationService"] &&
  [type=="aikValidated", value==true, issuer=="AttestationService"] => permit();
};
issuancerules{
};
`;

/**
 * Azure guest attestation: permitted when the confidential VM's hardware evidence is of a
 * compliant Azure CVM (azure-guest/compliance.ts), the claim key release policies test.
 */
const AZURE_GUEST_DEFAULT = `version= 1.0;
authorizationrules{
  [type=="x-ms-attestation-type", value=="azurevm", issuer=="AttestationService"] &&
  [type=="x-ms-isolation-tee.x-ms-compliance-status", value=="azure-compliant-cvm", issuer=="AttestationService"] => permit();
};
issuancerules{
};
`;

/** Default policy text per attestation type. */
export const DEFAULT_POLICIES: Readonly<Record<AttestationType, string>> = {
  SgxEnclave: SGX_DEFAULT,
  OpenEnclave: SGX_DEFAULT,
  SevSnpVm: permitOnly('sevsnpvm'),
  TdxVm: permitOnly('tdxvm'),
  Tpm: TPM_DEFAULT,
  AzureGuest: AZURE_GUEST_DEFAULT,
  NvidiaGpu: permitOnly('nvidiagpu'),
  Simulated: permitOnly('sim'),
};
