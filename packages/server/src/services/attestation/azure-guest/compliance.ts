/**
 * `x-ms-compliance-status` for confidential VMs. MAA issues "azure-compliant-cvm" for an Azure
 * CVM's evidence; its exact rule is not public (it is believed to also match the paravisor's
 * launch against Microsoft's signed HCL images, a list Microsoft does not publish). Confide's
 * rule, from what the evidence proves: the hardware report verified and is not debuggable, an
 * SEV-SNP report comes from VMPL 0 (the paravisor), and the runtime data the report binds is an
 * HCL's (it lists the vTPM's HCLAkPub) and says the VM booted with secure boot and a TPM. Anything
 * else gets no status: a policy testing for "azure-compliant-cvm" then refuses it.
 */
import { isJsonObject } from '@confide/core';

export const AZURE_COMPLIANT_CVM = 'azure-compliant-cvm';

export interface ComplianceInputs {
  debug: boolean;
  /** SEV-SNP only. */
  vmpl?: number | undefined;
  /** The runtime data bound by the hardware report, parsed. */
  runtime: unknown;
}


/** The status MAA's claim carries, or undefined when the evidence is not of a compliant Azure CVM. */
export function cvmComplianceStatus(c: ComplianceInputs): string | undefined {
  if (c.debug || (c.vmpl !== undefined && c.vmpl !== 0) || !isJsonObject(c.runtime)) return undefined;
  const keys = c.runtime['keys'];
  const config = c.runtime['vm-configuration'];
  const hasAk = Array.isArray(keys) && keys.some((k) => isJsonObject(k) && k['kid'] === 'HCLAkPub');
  if (!hasAk || !isJsonObject(config)) return undefined;
  return config['secure-boot'] === true && config['tpm-enabled'] === true ? AZURE_COMPLIANT_CVM : undefined;
}
