/**
 * Verified TPM claims -> the claims of /attest/Tpm. MAA's TPM claim names where they exist
 * (`aikValidated`, `aikPubHash`, `tpmVersion`, `secureBootEnabled`, and `pcrs` for policy 1.2);
 * the rest is Confide's (`x-confide-tpm-*`). MAA's Windows-only claims (bootDebuggingDisabled,
 * notSafeMode, vbsEnabled, ...) come from Windows boot configuration events and are not issued.
 */
import type { TpmClaims } from '@confide/evidence';

/** Claims whose value is an object: the policy sees each as one claim holding its JSON text. */
export const TPM_JSON_CLAIMS: ReadonlySet<string> = new Set(['pcrs', 'x-confide-tpm-ak', 'x-confide-tpm-event-log']);

/** The TPM claims, `aikPubHash` given by the verification (it needs the key itself). */
export function tpmClaims(c: TpmClaims, aikPubHash: string): Record<string, unknown> {
  const t = c.tpm;
  const log = t.eventLog;
  return {
    aikValidated: t.ak.certified,
    aikPubHash,
    tpmVersion: 2,
    // Absent when the log did not measure the SecureBoot variable (or no log was sent): unknown is not off.
    secureBootEnabled: log?.secureBoot,
    pcrs: t.pcrs,
    'x-confide-tpm-nonce': t.nonce,
    'x-confide-tpm-firmware-version': t.firmwareVersion,
    'x-confide-tpm-ak': t.ak,
    'x-confide-tpm-kernel-cmdlines': log?.kernelCommandLines,
    'x-confide-tpm-event-log': log,
  };
}
