/** Where the launcher gets evidence: one source per TEE interface, all behind one shape. */

/** The TEE names of the activation request (docs/activation.md). */
export type LauncherTee = 'sim' | 'sgx' | 'sev-snp' | 'tdx';

/** What `--tee` accepts: a TEE, or `auto` to detect one. */
export type TeeChoice = LauncherTee | 'auto';

export const TEE_CHOICES: readonly TeeChoice[] = ['auto', 'sim', 'sgx', 'sev-snp', 'tdx'];

export interface Evidence {
  tee: LauncherTee;
  /** The evidence bytes as the TEE produced them. */
  bytes: Uint8Array;
}

export interface EvidenceSource {
  /** A name for messages, e.g. "Gramine /dev/attestation". */
  readonly name: string;
  /** Evidence over exactly these 64 bytes of report data. */
  obtain(reportData: Uint8Array): Promise<Evidence>;
}
