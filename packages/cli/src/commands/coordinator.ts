/**
 * `confide coordinator verify`: attests the coordinator before anyone trusts it (MarbleRun's
 * `VerifyCoordinator` / `marblerun check`+`certificate root`). A random nonce, the quote, the
 * evidence verified and bound to SHA-256(root DER || nonce), the expected measurement; then the
 * manifest fingerprint, accepted only with a valid root signature; and the TLS binding: the root's
 * signature over the TLS key the server presented on the quote's connection. --out saves the root
 * for `manifest get|verify --root` (it signs manifests and marble certificates, not the TLS
 * certificate), --pin-out the attested TLS key for --pin.
 */
import { randomBytes } from 'node:crypto';
import { Option, type Command } from 'commander';
import { isConfideError, systemClock } from '@confide/core';
import { CliError } from '../errors.js';
import { detectTee, emptyCollateral, SIM_WARNING, type TeeType } from '@confide/evidence';
import type { Output } from '../output.js';
import { loadCollateral } from '@confide/server/evidence-files';
import { readSimulationKeys } from '../sim/trusted-keys.js';
import { modeOption } from '../sim/dev-only.js';
import { CoordinatorClient } from '../client/coordinator-client.js';
import { addConnectionOptions, openConnection, type ConnectionFlags } from '../client/connection.js';
import { writeOutput } from '../client/files.js';
import { checkTlsBinding, manifestSignedByRoot, verifyCoordinatorQuote } from '../client/verify-coordinator.js';
import { verifyHint } from './verify-hints.js';
import { readEraConfig } from '../client/era-config.js';
import { replacedRoots, ROOTS_HELP } from '../client/replaced-roots.js';
import { SUMMARIES } from './summaries.js';

interface VerifyFlags extends ConnectionFlags {
  tee: 'auto' | TeeType;
  measurement: string[];
  signer: string[];
  acceptedTcbStatuses: string;
  allowDebug?: boolean;
  simKey: string[];
  dataDir?: string;
  collateral: string[];
  mode: string;
  out?: string;
  chainOut?: string;
  pinOut?: string;
  productId?: string;
  securityVersion?: string;
  eraConfig?: string;
  roots?: string;
}

/** A non-negative integer flag up to `max`. Throws ERR_USAGE. */
function integerFlag(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > max) throw new CliError('ERR_USAGE', `${flag}: ${value} is not an integer 0..${max}`);
  return n;
}

const HEX32_OR_48 = /^([0-9a-fA-F]{64}|[0-9a-fA-F]{96})$/;
const collect = (v: string, p: string[]) => [...p, v];

function hexList(values: string[], flag: string): string[] {
  for (const v of values) if (!HEX32_OR_48.test(v)) throw new CliError('ERR_USAGE', `${flag}: ${v} is not 32 or 48 bytes of hex`);
  return values.map((v) => v.toLowerCase());
}

function isSimulated(quote: Uint8Array): boolean {
  try {
    return detectTee(quote) === 'sim';
  } catch {
    return false;
  }
}

export function coordinatorCommand(program: Command, output: () => Output): void {
  const coordinator = program.command('coordinator').description(SUMMARIES.coordinator);
  addConnectionOptions(
    coordinator
      .command('verify')
      .description("Attest the coordinator: verify its evidence over its root certificate and a fresh nonce, check its measurement, print the root fingerprint and the manifest fingerprint.")
      .option('--measurement <hex>', 'accepted measurement (SGX MRENCLAVE, SEV-SNP/TDX launch measurement, simulated); repeatable', collect, [] as string[])
      .option('--signer <hex>', 'accepted signer (SGX MRSIGNER); repeatable', collect, [] as string[])
      .addOption(new Option('--tee <type>', 'expected TEE').choices(['auto', 'sgx', 'tdx', 'sev-snp', 'sim']).default('auto'))
      .option('--accepted-tcb-statuses <list>', 'comma-separated TCB statuses to accept', 'UpToDate,SWHardeningNeeded')
      .option('--allow-debug', 'accept a coordinator in a debug TEE (not confidential)')
      .option('--product-id <n>', "the coordinator's product ID must be this (MarbleRun's ProductID, compared for equality as MarbleRun does)")
      .option('--security-version <n>', "the coordinator's security version (SVN) must be at least this (MarbleRun's SecurityVersion, a floor)")
      .option('--era-config <file>', "MarbleRun's era-style expected values (coordinator-era.json: UniqueID, SignerID, ProductID, SecurityVersion, Debug); --measurement and --signer add to it, --product-id and --security-version win over it, and --accepted-tcb-statuses replaces its AcceptedTCBStatuses, as MarbleRun's flags do")
      .option('--sim-key <file>', "trust simulated evidence signed by this simulation public key (`confide sim key`); repeatable; dev only", collect, [] as string[])
      .option('--data-dir <dir>', "trust simulated evidence signed by this data directory's simulation key; dev only")
      .option('--collateral <path>', 'collateral for hardware evidence, as for `confide verify`; repeatable', collect, [] as string[])
      .option('--roots <dir>', ROOTS_HELP)
      .addOption(modeOption())
      .option('--out <file>', 'save the attested root certificate (PEM) for `manifest get|verify --root` and to check marble certificates; it does not issue the TLS certificate: later calls trust the coordinator with --pin')
      .option('--chain-out <file>', 'save the chain (intermediate, then root)')
      .option('--pin-out <file>', 'save the attested TLS key (hex SHA-256 of its SubjectPublicKeyInfo) for --pin')
      .addHelpText(
        'after',
        `
Without --measurement or --signer, simulated evidence must carry the simulated coordinator's
measurement of this Confide version; hardware evidence needs one of them.
Exit 0 when the coordinator is attested, 2 when its evidence, binding, measurement, TLS binding
or manifest signature does not verify. TLS is not trusted here: the evidence is, and the root's
signature over the TLS key this connection presented; later calls pass that key with --pin.`,
      ),
  ).action(
    async (opts: VerifyFlags) => {
      const out = output();
      const era = opts.eraConfig !== undefined ? await readEraConfig(opts.eraConfig) : undefined;
      const measurements = [...hexList(opts.measurement, '--measurement'), ...(era?.measurements ?? [])];
      const signers = [...hexList(opts.signer, '--signer'), ...(era?.signers ?? [])];
      const productId = integerFlag(opts.productId, '--product-id', 0xffff) ?? era?.productId;
      const minSecurityVersion = integerFlag(opts.securityVersion, '--security-version', 0xffffffff) ?? era?.minSecurityVersion;
      const trustAnchors = await replacedRoots(opts.roots, opts.mode);
      const simulationKeys = await readSimulationKeys(opts);
      const collateral = opts.collateral.length > 0 ? await loadCollateral(opts.collateral) : emptyCollateral;
      const conn = await openConnection(opts);
      const client = new CoordinatorClient(conn);
      const nonce = new Uint8Array(randomBytes(32));
      const answer = await client.quote(nonce, 'none');
      const verified = await verifyCoordinatorQuote(answer, nonce, {
        tee: opts.tee,
        measurements,
        signers,
        // As MarbleRun's parseRestFlags: the flag's statuses replace the era file's.
        acceptedTcbStatuses: opts.acceptedTcbStatuses.split(',').map((s) => s.trim()).filter(Boolean),
        allowDebug: opts.allowDebug === true || era?.allowDebug === true,
        productId,
        minSecurityVersion,
        clock: systemClock,
        collateral,
        simulationKeys,
        trustAnchors,
      }).catch((err: unknown) => {
        throw verifyHint(err, isSimulated(answer.quote));
      });
      if (verified.claims.tee === 'sim') out.note(SIM_WARNING);
      // Recovery is the one honest reason for a missing binding: ask, to say so.
      const recovering = answer.tlsBinding === undefined && (await client.status('none')).code === 1;
      const tlsSpkiSha256 = checkTlsBinding(verified.root, answer.tlsBinding, nonce, answer.presentedSpkiSha256, recovering);
      // From here on only the attested TLS key is spoken to.
      const pinned = new CoordinatorClient({ ...conn, ca: undefined, pin: tlsSpkiSha256 });
      const status = await pinned.status('tls');
      // The channel is pinned now, yet the manifest is still accepted only with the attested root's signature.
      let manifestFingerprint: string | null = null;
      try {
        const m = await pinned.manifest('tls');
        if (!manifestSignedByRoot(verified.root, m.manifest, m.signature)) {
          throw new CliError('ERR_EVIDENCE_SIGNATURE_INVALID', "the manifest is not signed by the attested root: the answer did not come from the attested coordinator");
        }
        manifestFingerprint = m.fingerprint;
      } catch (err) {
        if (!isConfideError(err, 'ERR_COORDINATOR_STATE')) throw err;
      }
      if (opts.out !== undefined) await writeOutput(opts.out, verified.rootPem);
      if (opts.chainOut !== undefined) await writeOutput(opts.chainOut, (verified.intermediatePem ?? '') + verified.rootPem);
      if (opts.pinOut !== undefined) await writeOutput(opts.pinOut, tlsSpkiSha256 + '\n');
      const c = verified.claims;
      out.result(
        {
          ok: true,
          rootFingerprint: verified.rootFingerprint,
          tlsSpkiSha256,
          manifestFingerprint,
          state: status.code,
          tee: c.tee,
          measurement: c.measurement,
          signer: c.signer,
          tcbStatus: c.tcbStatus,
          debug: c.debug,
          ...(opts.out !== undefined ? { out: opts.out } : {}),
          ...(opts.pinOut !== undefined ? { pinOut: opts.pinOut } : {}),
        },
        [
          `Coordinator attested (${c.tee}); state ${status.code}: ${status.message}`,
          `  measurement       ${c.measurement}`,
          `  tcb status        ${c.tcbStatus}`,
          `  root SHA-256      ${verified.rootFingerprint}`,
          `  manifest SHA-256  ${manifestFingerprint ?? '(no manifest set yet)'}`,
          `  TLS key SHA-256   ${tlsSpkiSha256} (signed by the root)`,
          ...(opts.out !== undefined ? [`  root saved to     ${opts.out}`] : []),
          ...(opts.pinOut !== undefined ? [`  TLS pin saved to  ${opts.pinOut}`] : []),
        ].join('\n'),
      );
    },
  );
}
