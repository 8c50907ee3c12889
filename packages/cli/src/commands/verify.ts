/** `confide verify <file>`: checks TEE evidence offline and prints its claims. */
import { readFile, stat } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { fixedClock, fromHex, isConfideError, systemClock, type ConfideError } from '@confide/core';
import { CliError } from '../errors.js';
import { detectEvidence, emptyCollateral, SIM_WARNING, verifyEvidence, verifyNvidiaEvidenceList, type Claims, type TeeType, type VerifyContext } from '@confide/evidence';
import { loadCollateral } from '@confide/server/evidence-files';
import { replacedRoots, ROOTS_HELP } from '../client/replaced-roots.js';
import type { Output } from '../output.js';
import { verifyHint } from './verify-hints.js';
import { isNvidiaList, nvidiaLines, parseNonce, readDeviceChain } from './verify-nvidia.js';
import { readSimulationKeys } from '../sim/trusted-keys.js';
import { SUMMARIES } from './summaries.js';
import { parseTpmNonce, tpmOnlyFlags, tpmSummary, verifyTpmFiles, type TpmVerifyOptions } from './verify-tpm.js';
import { checkTdxFlags, tdxSummary, withTdxEventLog, type TdxVerifyOptions } from './verify-tdx.js';
import { azureCvmOnlyFlags, azureCvmSummary, verifyAzureCvmFiles, type AzureCvmVerifyOptions } from './verify-azure-cvm.js';

interface VerifyOptions extends TpmVerifyOptions, TdxVerifyOptions, AzureCvmVerifyOptions {
  tee: 'auto' | TeeType;
  collateral: string[];
  at?: string;
  reportData?: string;
  nonce?: string;
  chain?: string;
  roots?: string;
  simKey: string[];
  dataDir?: string;
  mode: string;
}

function usage(message: string): ConfideError {
  return new CliError('ERR_USAGE', message);
}

function parseAt(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const at = /^\d+$/.test(text) ? new Date(Number(text) * 1000) : new Date(text);
  if (Number.isNaN(at.getTime())) throw usage(`--at: not an ISO-8601 time or Unix seconds: ${text}`);
  return at;
}

function parseReportData(hex: string | undefined): Uint8Array | undefined {
  if (hex === undefined) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = fromHex(hex.trim());
  } catch {
    throw usage('--report-data: not a hex string');
  }
  if (bytes.length === 0 || bytes.length > 64) throw usage(`--report-data: must be 1 to 64 bytes, got ${bytes.length}`);
  return bytes;
}

async function readEvidence(path: string): Promise<Uint8Array> {
  try {
    if (path === '-') {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return new Uint8Array(Buffer.concat(chunks));
    }
    if ((await stat(path)).isDirectory()) throw new Error('is a directory');
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new CliError('ERR_INPUT_UNREADABLE', `evidence ${path}: cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/**
 * Refuses bytes that are no evidence Confide knows (exit 1, like an unreadable file), so that
 * exit 2 keeps meaning "evidence that is not authentic". Only with --tee auto: a named TEE's
 * own parser judges the bytes.
 */
function recognise(evidence: Uint8Array, file: string): { tee: TeeType; list: boolean } {
  try {
    const found = detectEvidence(evidence);
    // An HCL report is verified with the vTPM quote it binds (--tpm-quote): as Azure CVM evidence.
    return { tee: found.format === 'azure-hcl-report' ? 'azure-cvm' : found.tee, list: found.format === 'nvidia-evidence-list' };
  } catch (err) {
    if (!isConfideError(err, 'ERR_EVIDENCE_MALFORMED') && !isConfideError(err, 'ERR_EVIDENCE_UNSUPPORTED')) throw err;
    throw new CliError('ERR_INPUT_UNREADABLE', `evidence ${file}: not TEE evidence Confide recognises (${err.message})`, { cause: err });
  }
}

function summary(claims: Claims): string {
  const lines: Array<[string, string | undefined]> = [
    ['tee', claims.tee],
    ...(claims.tee === 'nvidia' ? nvidiaLines(claims) : []),
    ['measurement', claims.measurement],
    ['signer', claims.signer],
    ['product id', claims.productId?.toString()],
    ['svn', claims.svn?.toString()],
    ['debug', String(claims.debug)],
    ['report data', claims.tee === 'nvidia' ? undefined : claims.reportData],
    ['tcb status', claims.tcbStatus],
    ['advisories', claims.advisoryIds.length ? claims.advisoryIds.join(', ') : 'none'],
    ['collateral', claims.collateralExpired ? `EXPIRED at the verification time: ${claims.expiredCollateral.join(', ')}` : 'current'],
    ['fmspc', claims.fmspc],
    ['chip id', claims.chipId],
    ...(claims.tee === 'tpm' ? tpmSummary(claims) : []),
    ...(claims.tee === 'tdx' ? tdxSummary(claims) : []),
    ...(claims.tee === 'azure-cvm' ? azureCvmSummary(claims) : []),
    ['verified at', claims.verifiedAt],
  ];
  const width = Math.max(...lines.map(([k]) => k.length));
  return [
    `Authentic ${claims.tee} evidence.`,
    ...lines.filter(([, v]) => v !== undefined).map(([k, v]) => `  ${k.padEnd(width)}  ${v}`),
    claims.tcbStatus === 'UpToDate' && !claims.collateralExpired && !claims.debug
      ? ''
      : '  (authentic, but a relying policy should judge the TCB status, debug flag and collateral dates above)',
  ]
    .filter(Boolean)
    .join('\n');
}

export function verifyCommand(program: Command, output: () => Output): void {
  program
    .command('verify')
    .description(SUMMARIES.verify)
    .argument('<file>', 'evidence file, or - for standard input')
    .addOption(new Option('--tee <type>', 'expected TEE').choices(['auto', 'sgx', 'tdx', 'sev-snp', 'tpm', 'sim', 'nvidia', 'azure-cvm']).default('auto'))
    .option(
      '--collateral <path>',
      'collateral: a directory in the offline layout (docs/collateral.md), a dcap-qvl JSON file, or a VCEK/VLEK certificate or PEM chain; repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option('--at <time>', 'verify as of this time (ISO-8601 or Unix seconds); default now')
    .option('--report-data <hex>', 'demand this report data (1..64 bytes, compared with the leading bytes)')
    .option('--nonce <hex>', "demand this nonce: an NVIDIA GPU/NVSwitch 32-byte request nonce (every device of a list), or with --tee tpm or azure-cvm a (v)TPM quote's extraData (0 to 64 bytes, whole)")
    .option('--chain <file>', 'NVIDIA: the device certificate chain (PEM, leaf first) of a raw report; JSON evidence carries its own')
    .option('--roots <dir>', ROOTS_HELP)
    .option('--sim-key <file>', 'trust simulated evidence signed by this simulation public key (PEM; `confide sim key`); repeatable; dev only', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--data-dir <dir>', "trust simulated evidence signed by this data directory's simulation key; dev only")
    .option('--ak <file>', 'TPM: the attestation key (TPMT_PUBLIC, TPM2B_PUBLIC, DER or PEM public key) of a TPMS_ATTEST file')
    .option('--signature <file>', 'TPM: the TPMT_SIGNATURE of a TPMS_ATTEST file')
    .option('--pcrs <file>', 'TPM: PCR values as JSON, {"sha256": {"0": "<hex>", ...}}')
    .option('--event-log <file>', 'TPM and Azure CVM: the TCG event log (binary_bios_measurements), replayed against the quoted PCRs; TDX: the CC event log (CCEL log area), replayed against RTMR0-3')
    .option('--ccel-table <file>', 'TDX: the CCEL ACPI table of --event-log (checked, and bounds the log)')
    .option('--ak-cert <file>', 'TPM: the AK certificate, then intermediates (DER or PEM); repeatable', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--tpm-root <file>', 'TPM: a root certificate the AK chain must end at (DER or PEM); repeatable', (v: string, p: string[]) => [...p, v], [] as string[])
    .option('--tpm-quote <file>', "Azure CVM: the vTPM quote of an HCL report file (az-cvm-vtpm's bincode quote.bin, or Trustee's {signature, message, pcrs} hex JSON)")
    .option('--vcek <file>', 'Azure CVM (SEV-SNP): the VCEK of an HCL report file, optionally followed by the ASK and ARK (DER or PEM)')
    .option('--td-quote <file>', 'Azure CVM (TDX): the TD quote of the TDREPORT in an HCL report file')
    .addOption(new Option('--mode <mode>', 'dev or production').choices(['dev', 'production']).env('CONFIDE_MODE').default('dev'))
    .addHelpText(
      'after',
      '\nExit 0 when the evidence is authentic (the claims still say whether its TCB is current), 2 when it is not, 1 on usage errors and\ninput that cannot be read or is no TEE evidence.',
    )
    .action(async (file: string, opts: VerifyOptions) => {
      const out = output();
      const trustAnchors = await replacedRoots(opts.roots, opts.mode);
      const at = parseAt(opts.at);
      const expectedReportData = parseReportData(opts.reportData);
      // Checked before any file is read: a TPM quote's extraData is 0 to 64 bytes, an SPDM nonce 32.
      const expectedNonce = opts.tee === 'tpm' || opts.tee === 'azure-cvm' ? parseTpmNonce(opts.nonce) : parseNonce(opts.nonce);
      const deviceCertificates = await readDeviceChain(opts.chain);
      const simulationKeys = await readSimulationKeys(opts);
      const collateral = opts.collateral.length > 0 ? await loadCollateral(opts.collateral) : emptyCollateral;
      const evidence = await readEvidence(file);
      const found = opts.tee === 'auto' ? recognise(evidence, file) : { tee: opts.tee, list: opts.tee === 'nvidia' && isNvidiaList(evidence) };
      // --event-log is also TDX's (its CC event log); the other TPM flags are TPM's alone.
      const tpmFlags = tpmOnlyFlags(opts).filter((flag) => !((found.tee === 'tdx' || found.tee === 'azure-cvm') && flag === '--event-log'));
      if (found.tee !== 'tpm' && tpmFlags.length > 0) throw usage(`${tpmFlags.join(', ')}: only for TPM evidence (--tee tpm)${tpmFlags.includes('--event-log') ? ', Azure CVM evidence or a TDX quote' : ''}`);
      const azureFlags = azureCvmOnlyFlags(opts);
      if (found.tee !== 'azure-cvm' && azureFlags.length > 0) throw usage(`${azureFlags.join(', ')}: only for Azure CVM evidence (an HCL report file, --tee azure-cvm)`);
      if (opts.ccelTable !== undefined && found.tee !== 'tdx') throw usage('--ccel-table: only for a TDX quote');
      checkTdxFlags(opts);
      // Only an NVIDIA device or a (v)TPM quote signs a verifier's nonce: elsewhere --nonce would be checked by nobody.
      if (expectedNonce && found.tee !== 'nvidia' && found.tee !== 'tpm' && found.tee !== 'azure-cvm') {
        throw usage(`--nonce applies to NVIDIA GPU/NVSwitch, TPM and Azure CVM evidence; this is ${found.tee} evidence (bind it with --report-data)`);
      }
      const ctx: VerifyContext = {
        clock: at ? fixedClock(at) : systemClock,
        collateral,
        ...(expectedReportData ? { expectedReportData } : {}),
        ...(expectedNonce ? { expectedNonce } : {}),
        ...(deviceCertificates ? { deviceCertificates } : {}),
        ...(trustAnchors ? { trustAnchors } : {}),
        ...(simulationKeys ? { simulationKeys } : {}),
      };
      if (found.list) {
        // A machine's GPUs and NVSwitches (NVIDIA's PPCIe list): one set, one nonce.
        const devices = await verifyNvidiaEvidenceList(evidence, ctx);
        out.result({ ok: true, devices }, devices.map((claims, i) => `Device ${i}: ${summary(claims)}`).join('\n'));
        return;
      }
      const verified: Promise<Claims> =
        found.tee === 'tpm'
          ? verifyTpmFiles(evidence, opts, ctx)
          : found.tee === 'azure-cvm'
            ? verifyAzureCvmFiles(evidence, opts, ctx)
            : verifyEvidence(evidence, { tee: opts.tee }, ctx).then((claims): Promise<Claims> | Claims => (claims.tee === 'tdx' ? withTdxEventLog(claims, opts) : claims));
      const claims = await verified.catch((err: unknown) => {
        throw verifyHint(err, found.tee === 'sim', found.tee === 'nvidia');
      });
      if (claims.tee === 'sim') out.note(SIM_WARNING);
      out.result({ ok: true, claims }, summary(claims));
    });
}

