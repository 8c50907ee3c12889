/**
 * `confide verify --tee tpm`: TPM evidence as one JSON document (Confide's, Trustee's or
 * go-attestation's shape, docs/tpm.md) or as its parts: the TPMS_ATTEST file with --signature,
 * --ak and --pcrs. --event-log and --ak-cert add to either; --tpm-root pins the AK roots; --nonce
 * (shared with NVIDIA evidence) demands extraData.
 */
import { readInput } from '../client/files.js';
import { fromHex, fromUtf8, type ConfideError } from '@confide/core';
import { CliError } from '../errors.js';
import { parseCertificate, splitPemCertificates } from '../client/pem.js';
import { detectEvidence, parseTpmEvidence, tpmPartsFromJson, verifyTpmEvidence, type TpmClaims, type TpmEvidenceParts, type VerifyContext } from '@confide/evidence';

export interface TpmVerifyOptions {
  ak?: string;
  signature?: string;
  pcrs?: string;
  eventLog?: string;
  akCert: string[];
  tpmRoot: string[];
}

function usage(message: string): ConfideError {
  return new CliError('ERR_USAGE', message);
}

/** DER certificates from a DER or PEM file (a PEM file may hold several). */
export async function readCertificates(path: string, flag: string): Promise<Uint8Array[]> {
  const bytes = await readInput(path, flag);
  if (bytes[0] === 0x30) return [bytes];
  const ders = splitPemCertificates(fromUtf8(bytes)).map((pem) => new Uint8Array(parseCertificate(pem, `${flag} ${path}`).raw));
  if (ders.length === 0) throw new CliError('ERR_INPUT_UNREADABLE', `${flag} ${path}: neither a DER certificate nor PEM certificates`);
  return ders;
}

async function readPcrs(path: string): Promise<TpmEvidenceParts['pcrs']> {
  const text = fromUtf8(await readInput(path, '--pcrs'));
  try {
    return JSON.parse(text) as TpmEvidenceParts['pcrs'];
  } catch {
    throw new CliError('ERR_INPUT_UNREADABLE', `--pcrs ${path}: not JSON ({"sha256": {"0": "<hex>", ...}, ...})`);
  }
}

/** `--nonce` for TPM evidence: the quote's extraData, 0 to 64 bytes. */
export function parseTpmNonce(hex: string | undefined): Uint8Array | undefined {
  if (hex === undefined) return undefined;
  let bytes: Uint8Array;
  try {
    bytes = fromHex(hex.trim());
  } catch {
    throw usage('--nonce: not a hex string');
  }
  if (bytes.length > 64) throw usage(`--nonce: at most 64 bytes, got ${bytes.length}`);
  return bytes;
}

/** The evidence's parts: from the JSON document, or from the TPMS_ATTEST file and the part flags. */
async function readParts(evidence: Uint8Array, opts: TpmVerifyOptions): Promise<TpmEvidenceParts> {
  let format: string | undefined;
  try {
    format = detectEvidence(evidence).format;
  } catch {
    format = undefined;
  }
  let parts: TpmEvidenceParts;
  if (format === 'tpm-json') {
    for (const [flag, value] of [['--signature', opts.signature], ['--ak', opts.ak], ['--pcrs', opts.pcrs]] as const) {
      if (value !== undefined) throw usage(`${flag}: the TPM evidence JSON already holds it`);
    }
    parts = tpmPartsFromJson(evidence);
  } else {
    if (opts.signature === undefined || opts.ak === undefined || opts.pcrs === undefined) {
      throw usage('--tee tpm: the evidence file is not TPM evidence JSON, so it must be a TPMS_ATTEST and --signature, --ak and --pcrs are required');
    }
    parts = {
      quotes: [{ quote: evidence, signature: await readInput(opts.signature, '--signature') }],
      ak: await readInput(opts.ak, '--ak'),
      pcrs: await readPcrs(opts.pcrs),
    };
  }
  const certs = (await Promise.all(opts.akCert.map((p) => readCertificates(p, '--ak-cert')))).flat();
  return {
    ...parts,
    ...(opts.eventLog !== undefined ? { eventLog: await readInput(opts.eventLog, '--event-log') } : {}),
    ...(certs.length > 0 ? { akCertificates: [...(parts.akCertificates ?? []), ...certs] } : {}),
  };
}

/** Verifies TPM evidence read as the flags say (the nonce is ctx's). Throws what verifyTpmEvidence throws, ERR_USAGE, ERR_INPUT_UNREADABLE. */
export async function verifyTpmFiles(evidence: Uint8Array, opts: TpmVerifyOptions, ctx: VerifyContext): Promise<TpmClaims> {
  const parts = await readParts(evidence, opts);
  const tpmRoots = (await Promise.all(opts.tpmRoot.map((p) => readCertificates(p, '--tpm-root')))).flat();
  return verifyTpmEvidence(parseTpmEvidence(parts), { ...ctx, trustAnchors: { ...ctx.trustAnchors, tpmRoots } });
}

/** Flags that only TPM evidence takes, for refusing them with another TEE. */
export function tpmOnlyFlags(opts: TpmVerifyOptions): string[] {
  const given: Array<[string, boolean]> = [
    ['--ak', opts.ak !== undefined],
    ['--signature', opts.signature !== undefined],
    ['--pcrs', opts.pcrs !== undefined],
    ['--event-log', opts.eventLog !== undefined],
    ['--ak-cert', opts.akCert.length > 0],
    ['--tpm-root', opts.tpmRoot.length > 0],
  ];
  return given.filter(([, on]) => on).map(([flag]) => flag);
}

/** The TPM lines of the readable summary. */
export function tpmSummary(claims: TpmClaims): Array<[string, string | undefined]> {
  const t = claims.tpm;
  const log = t.eventLog;
  const banks = Object.entries(t.pcrs).map(([bank, values]) => `${bank} ${Object.keys(values).join(',')}`);
  return [
    ['nonce', t.nonce || '(none)'],
    ['firmware version', t.firmwareVersion],
    ['quotes', t.quotes.map((q) => q.signature).join(', ')],
    ['pcrs', banks.join('; ')],
    ['ak', `${t.ak.type} (${t.ak.format}), ${t.ak.certified ? `certified by ${JSON.stringify(t.ak.chain?.at(-1))}` : 'no certificate'}`],
    ['event log', log ? `${log.format}, ${log.eventCount} events, replayed ${Object.entries(log.replayed).map(([b, p]) => `${b} ${p.join(',')}`).join('; ') || 'nothing'}` : undefined],
    ['secure boot', log ? (log.secureBoot === undefined ? 'not measured' : String(log.secureBoot)) : undefined],
    ['injection', log ? (log.injection.possible ? `POSSIBLE: ${log.injection.reasons.join('; ')}` : 'none possible') : undefined],
  ];
}
