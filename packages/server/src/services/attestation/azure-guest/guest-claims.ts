/**
 * Verified Azure CVM claims -> the claims of MAA's guest attestation token: the VM's own
 * (`x-ms-attestation-type` "azurevm", `x-ms-azurevm-*`, `secureboot`, `x-ms-runtime` with the
 * vTPM encryption key the token is encrypted to), and the hardware's nested under
 * `x-ms-isolation-tee` with its own `x-ms-attestation-type` ("sevsnpvm" or "tdxvm"),
 * `x-ms-compliance-status` and `x-ms-runtime` (the HCL runtime data: HCLAkPub, HCLEkPub,
 * vm-configuration, user-data), as the guest attestation clients read them. The quoted PCR
 * values are Confide's `x-confide-azurevm-pcrs` (MAA issues only their indexes).
 */
import { toBase64Url } from '@confide/core';
import type { AzureCvmClaims, TpmPublicKey } from '@confide/evidence';
import { snpClaims, tdxClaims, type ClaimMap } from '../maa-claims.js';
import type { GuestAttestationInfo } from './attestation-info.js';
import { cvmComplianceStatus } from './compliance.js';
import { ISOLATION_TEE } from './isolation-incoming.js';

/** The kid MAA gives the guest's TPM encryption key in `x-ms-runtime.keys`. */
export const TPM_ENCRYPTION_KID = 'TpmEphemeralEncryptionKey';

function osVersion(v: string | undefined): number | string | undefined {
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : v;
}

/** The hardware's claims as MAA nests them. */
function isolationTee(c: AzureCvmClaims): ClaimMap {
  const iso = c.isolation;
  const runtime = c.azureCvm.runtime;
  const runtimeDoc: ClaimMap = { keys: runtime.keys, 'vm-configuration': runtime.vmConfiguration, ...(runtime.userData !== undefined ? { 'user-data': runtime.userData } : {}) };
  const status = cvmComplianceStatus({ debug: c.debug, vmpl: iso.tee === 'sev-snp' ? iso.sevSnp.vmpl : undefined, runtime: runtimeDoc });
  return {
    'x-ms-attestation-type': iso.tee === 'sev-snp' ? 'sevsnpvm' : 'tdxvm',
    ...(status !== undefined ? { 'x-ms-compliance-status': status } : {}),
    ...(iso.tee === 'sev-snp' ? snpClaims(iso) : tdxClaims(iso)),
    'x-ms-runtime': runtimeDoc,
  };
}

/** The guest token's evidence claims (the outer `x-ms-attestation-type` comes from the endpoint). */
export function guestClaims(c: AzureCvmClaims, info: GuestAttestationInfo, encryptionKey: TpmPublicKey | undefined): ClaimMap {
  const config = c.azureCvm.runtime.vmConfiguration;
  const secureBoot = c.tpm.eventLog?.secureBoot ?? config['secure-boot'];
  const key = encryptionKey?.kind === 'rsa' ? [{ kid: TPM_ENCRYPTION_KID, kty: 'RSA', key_ops: ['encrypt'], n: toBase64Url(encryptionKey.n), e: toBase64Url(encryptionKey.e) }] : [];
  return {
    'x-ms-azurevm-attestation-protocol-ver': info.protocolVersion,
    'x-ms-azurevm-attested-pcrs': c.tpm.quotes[0]?.selection.sha256 ?? [],
    'x-ms-azurevm-ostype': info.os.type,
    'x-ms-azurevm-osdistro': info.os.distro,
    'x-ms-azurevm-osbuild': info.os.build,
    'x-ms-azurevm-osversion-major': osVersion(info.os.versionMajor),
    'x-ms-azurevm-osversion-minor': osVersion(info.os.versionMinor),
    'x-ms-azurevm-is-windows': info.os.type === undefined ? undefined : info.os.type.toLowerCase() === 'windows',
    'x-ms-azurevm-vmid': typeof config['vmUniqueId'] === 'string' ? config['vmUniqueId'] : undefined,
    secureboot: typeof secureBoot === 'boolean' ? secureBoot : undefined,
    [ISOLATION_TEE]: isolationTee(c),
    'x-ms-runtime': { 'client-payload': info.clientPayload, keys: key },
    'x-confide-azurevm-pcrs': c.tpm.pcrs,
  };
}
