/**
 * `confide verify` for Azure confidential VMs (docs/azure-cvm.md): Trustee's az-snp-vtpm /
 * az-tdx-vtpm evidence JSON, or the raw parts: the HCL report file with --tpm-quote (az-cvm-vtpm's
 * bincode quote.bin, or Trustee's {"signature", "message", "pcrs"} JSON in hex), --vcek (SEV-SNP:
 * the VCEK, optionally with ASK and ARK, DER or PEM) or --td-quote (TDX). --event-log adds the
 * vTPM's TCG log; --nonce demands the quote's extraData.
 */
import { fromUtf8, type ConfideError } from '@confide/core';
import { CliError } from '../errors.js';
import {
  azureCvmPartsFromJson,
  detectEvidence,
  parseAzureCvmEvidence,
  parseVtpmQuoteBincode,
  readTpmQuote,
  verifyAzureCvmEvidence,
  type AzureCvmClaims,
  type AzureCvmEvidenceParts,
  type VerifyContext,
} from '@confide/evidence';
import { readInput } from '../client/files.js';
import { readCertificates } from './verify-tpm.js';

export interface AzureCvmVerifyOptions {
  tpmQuote?: string;
  vcek?: string;
  tdQuote?: string;
  eventLog?: string;
}

function usage(message: string): ConfideError {
  return new CliError('ERR_USAGE', message);
}

/** Flags that only Azure CVM evidence takes, for refusing them with another TEE. */
export function azureCvmOnlyFlags(opts: AzureCvmVerifyOptions): string[] {
  const given: Array<[string, boolean]> = [
    ['--tpm-quote', opts.tpmQuote !== undefined],
    ['--vcek', opts.vcek !== undefined],
    ['--td-quote', opts.tdQuote !== undefined],
  ];
  return given.filter(([, on]) => on).map(([flag]) => flag);
}

/** A vTPM quote file: Trustee's hex JSON, or az-cvm-vtpm's bincode. */
async function readTpmQuoteFile(path: string): Promise<AzureCvmEvidenceParts['tpmQuote']> {
  const bytes = await readInput(path, '--tpm-quote');
  if (bytes[0] !== 0x7b /* '{' */) {
    const q = parseVtpmQuoteBincode(bytes);
    return { quote: q.message, signature: q.signature, pcrs: { sha256: q.pcrs } };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new CliError('ERR_INPUT_UNREADABLE', `--tpm-quote ${path}: neither bincode nor JSON`);
  }
  return readTpmQuote(doc, '--tpm-quote', false);
}

async function readParts(evidence: Uint8Array, opts: AzureCvmVerifyOptions): Promise<AzureCvmEvidenceParts> {
  let format: string | undefined;
  try {
    format = detectEvidence(evidence).format;
  } catch {
    format = undefined;
  }
  if (format === 'azure-cvm-json') {
    const flags = azureCvmOnlyFlags(opts);
    if (flags.length > 0) throw usage(`${flags.join(', ')}: the Azure CVM evidence JSON already holds it`);
    return azureCvmPartsFromJson(evidence);
  }
  if (opts.tpmQuote === undefined) {
    throw usage('--tee azure-cvm: the evidence file is not Azure CVM evidence JSON, so it must be an HCL report and --tpm-quote is required (with --vcek or --td-quote)');
  }
  return {
    hclReport: evidence,
    tpmQuote: await readTpmQuoteFile(opts.tpmQuote),
    ...(opts.vcek !== undefined ? { vekCertificates: await readCertificates(opts.vcek, '--vcek') } : {}),
    ...(opts.tdQuote !== undefined ? { tdQuote: await readInput(opts.tdQuote, '--td-quote') } : {}),
  };
}

/** Verifies Azure CVM evidence read as the flags say. Throws what verifyAzureCvmEvidence throws, ERR_USAGE, ERR_INPUT_UNREADABLE. */
export async function verifyAzureCvmFiles(evidence: Uint8Array, opts: AzureCvmVerifyOptions, ctx: VerifyContext): Promise<AzureCvmClaims> {
  const parts = await readParts(evidence, opts);
  const eventLog = opts.eventLog === undefined ? undefined : await readInput(opts.eventLog, '--event-log');
  return verifyAzureCvmEvidence(parseAzureCvmEvidence({ ...parts, ...(eventLog ? { eventLog } : {}) }), ctx);
}

/** The Azure CVM lines of the readable summary. */
export function azureCvmSummary(claims: AzureCvmClaims): Array<[string, string | undefined]> {
  const a = claims.azureCvm;
  const config = a.runtime.vmConfiguration;
  return [
    ['hardware', a.hardware],
    ['runtime data', `sha256 ${a.runtime.sha256} (= report data[0:32])`],
    ['vtpm keys', a.runtime.keys.map((k) => String(k['kid'])).join(', ')],
    ['secure boot', config['secure-boot'] === undefined ? 'not stated' : String(config['secure-boot'])],
    ['vm id', typeof config['vmUniqueId'] === 'string' ? config['vmUniqueId'] : undefined],
    ['tpm nonce', claims.tpm.nonce || '(none)'],
    ['tpm pcrs', Object.entries(claims.tpm.pcrs).map(([bank, values]) => `${bank} ${Object.keys(values).join(',')}`).join('; ')],
    ['event log', claims.tpm.eventLog ? `${claims.tpm.eventLog.eventCount} events, replayed ${Object.entries(claims.tpm.eventLog.replayed).map(([b, p]) => `${b} ${p.join(',')}`).join('; ')}` : undefined],
  ];
}
