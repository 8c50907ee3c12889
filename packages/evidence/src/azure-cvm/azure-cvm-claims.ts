/**
 * The shape of `AzureCvmClaims.azureCvm`, apart from the code that builds it (as for SEV-SNP):
 * the claims union names it, and the builder needs that union.
 */

/** What the HCL report and its runtime data say, once bound to the hardware report. */
export interface AzureCvmDetails {
  /** The hardware report inside the HCL report. */
  hardware: 'sev-snp' | 'tdx';
  /** The HCL report's header, when the evidence came as one (the guest attestation client sends the parts apart). */
  hcl?: {
    version: number;
    requestType: number;
    igvmVersion: number;
  };
  runtime: {
    /** SHA-256 of the runtime data, lower-case hex: report_data[0:32]. */
    sha256: string;
    /** The runtime data's JWKs as written (HCLAkPub, HCLEkPub). */
    keys: Record<string, unknown>[];
    /** `vm-configuration` as written: secure-boot, tpm-enabled, console-enabled, vmUniqueId, ... */
    vmConfiguration: Record<string, unknown>;
    /** `user-data`, lower-case hex. */
    userData?: string;
  };
}
