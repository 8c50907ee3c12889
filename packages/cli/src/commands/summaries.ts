/**
 * Each top-level command's one-line description. Kept apart from the commands so that
 * `confide --help` lists them all without loading any (see program.ts).
 */
export const SUMMARIES = {
  serve: 'Start the Confide services (attestation, coordinator) on one HTTPS listener.',
  verify: 'Verify TEE evidence (Intel SGX/TDX quote, AMD SEV-SNP report, TPM 2.0 quote with its event log, Azure confidential VM HCL report with its vTPM quote, NVIDIA GPU/NVSwitch report or PPCIe list, simulated evidence; binary, hex, base64 or NVIDIA, TPM or Azure CVM JSON) and print its claims.',
  sim: 'Simulated TEE for development (refused in production): make evidence, measure commands, show the key.',
  run: "Launch a marble: get TEE evidence, activate with the coordinator, write the manifest's files and environment, run the program.",
  coordinator: 'Attest the coordinator.',
  manifest: "Set, read, verify and update the coordinator's manifest (MarbleRun's `manifest` commands).",
  status: "Print the coordinator's state: 1 recovery, 2 accepting a manifest, 3 accepting marbles.",
  certificate: "The coordinator's root and intermediate certificates (MarbleRun's `certificate` commands).",
  secret: "Read and write secrets as a manifest user (MarbleRun's `secret` commands).",
  recover: 'Upload one decrypted recovery share to a coordinator in recovery mode. Shares of RecoveryThreshold holders bring it back.',
  audit: "The coordinator's signed audit log: download it, its public key, and verify it offline.",
  ledger: 'The verifiable ledger: verify a Confidential Ledger / CCF receipt offline against the service identity; export the stored ledger and verify an export offline.',
  key: 'Key vault keys: create, list, get and delete keys over the Azure Key Vault keys API; release a key to an attested workload and unwrap it.',
  keyvault: "The key vault's security domain: download the root key as k-of-n shares (activates a new vault), upload a quorum to restore it.",
  config: 'Inspect the configuration.',
  docs: 'Print reference documentation generated from the code (Markdown).',
} as const;

export type CommandName = keyof typeof SUMMARIES;
