/**
 * `confide manifest set|get|verify|update|log`: MarbleRun's manifest commands against the
 * coordinator's client API v2 (docs/cli-coordinator.md).
 */
import { createHash } from 'node:crypto';
import type { Command } from 'commander';
import { toBase64 } from '@confide/core';
import { CliError } from '../errors.js';
import { checkManifest, type Violation } from '@confide/coordinator';
import type { Output } from '../output.js';
import { CoordinatorClient, type UpdateAnswer } from '../client/coordinator-client.js';
import { addConnectionOptions, openConnection, type ConnectionFlags } from '../client/connection.js';
import { readInput, writeOutput } from '../client/files.js';
import { violationLines, type ShownViolation } from '../client/violations.js';
import { parseCertificate } from '../client/pem.js';
import { manifestSignedByRoot } from '../client/verify-coordinator.js';
import { SUMMARIES } from './summaries.js';

interface OutFlags extends ConnectionFlags {
  out?: string;
  recoveryData?: string;
  signature?: boolean;
  root?: string;
}

/** A violation as the CLI prints it in JSON (the path as text). */
function shown(v: Violation): ShownViolation {
  return { rule: v.rule, severity: v.severity, path: v.path, message: v.message };
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Prints or saves the recovery secrets a manifest change returned (MarbleRun's --recoverydata). */
async function handleRecoverySecrets(out: Output, secrets: Record<string, string> | undefined, file: string | undefined): Promise<string> {
  if (!secrets) {
    if (file !== undefined) out.note(`--recovery-data ${file}: nothing written, the manifest has no RecoveryKeys (without them a lost seal key cannot be recovered; see docs/recovery.md)`);
    return '';
  }
  if (file !== undefined) {
    await writeOutput(file, JSON.stringify(secrets, null, 2) + '\n', { secret: true });
    return `Recovery secrets (RSA-OAEP encrypted, one per recovery key) written to ${file}.`;
  }
  return ['Recovery secrets (base64, RSA-OAEP SHA-256 encrypted to each recovery key; keep them):', ...Object.entries(secrets).map(([k, v]) => `  ${k}: ${v}`)].join('\n');
}

/** Checks the root's signature over a fetched manifest when --root names the attested root. Throws ERR_EVIDENCE_SIGNATURE_INVALID. */
async function checkRootSignature(rootFile: string | undefined, manifest: Uint8Array, signature: Uint8Array): Promise<boolean | undefined> {
  if (rootFile === undefined) return undefined;
  const root = parseCertificate(Buffer.from(await readInput(rootFile, '--root')).toString('utf8'), `--root ${rootFile}`);
  if (!manifestSignedByRoot(root, manifest, signature)) {
    throw new CliError('ERR_EVIDENCE_SIGNATURE_INVALID', `the manifest signature does not verify with the root in ${rootFile}: this is not the attested coordinator's manifest`);
  }
  return true;
}

function updateSummary(answer: UpdateAnswer, verb: string): string {
  if (answer.missingAcknowledgments === 0) return `${verb}: the update is applied.`;
  return `${verb}: ${answer.missingAcknowledgments} more acknowledgement(s) needed (not yet: ${answer.missingUsers.join(', ') || 'none listed'}).`;
}

/**
 * The action of `manifest update apply` and `acknowledge`: sends the file's bytes as the user,
 * then reports how many acknowledgements remain and any new recovery secrets.
 */
function updateAction(
  output: () => Output,
  verb: string,
  send: (client: CoordinatorClient, bytes: Uint8Array) => Promise<UpdateAnswer>,
): (file: string, opts: OutFlags) => Promise<void> {
  return async (file, opts) => {
    const out = output();
    const bytes = await readInput(file, 'update manifest');
    const client = new CoordinatorClient(await openConnection(opts, { needUser: true }));
    const answer = await send(client, bytes);
    const recovery = await handleRecoverySecrets(out, answer.recoverySecrets, opts.recoveryData);
    out.result(
      {
        ok: true,
        applied: answer.missingAcknowledgments === 0,
        missingAcknowledgments: answer.missingAcknowledgments,
        missingUsers: answer.missingUsers,
        // Only an acknowledgement answers with a message.
        ...(answer.message !== undefined ? { message: answer.message } : {}),
        ...(answer.recoverySecrets && opts.recoveryData === undefined ? { recoverySecrets: answer.recoverySecrets } : {}),
        ...(answer.warnings ? { warnings: answer.warnings } : {}),
      },
      [updateSummary(answer, verb), ...violationLines(answer.warnings ?? [], 'warning'), recovery].filter(Boolean).join('\n'),
    );
  };
}

function rootOption(cmd: Command): Command {
  return cmd.option('--root <file>', "the attested coordinator root (`coordinator verify --out`): also check the root's signature over the manifest");
}

export function manifestCommand(program: Command, output: () => Output): void {
  const manifest = program.command('manifest').description(SUMMARIES.manifest);

  manifest
    .command('check')
    .description('Check a manifest offline with the rules the coordinator applies: every error and warning, with did-you-mean for misspelt keys. Exit 1 when it has errors.')
    .argument('<file>', 'manifest JSON')
    .action(async (file: string) => {
      const out = output();
      const { errors, warnings } = checkManifest(await readInput(file, 'manifest'));
      if (errors.length > 0) {
        throw new CliError('ERR_MANIFEST_INVALID', `${file}: ${errors.length} error(s), ${warnings.length} warning(s)`, { details: { violations: errors, warnings } });
      }
      out.result(
        { ok: true, errors: [], warnings: warnings.map(shown) },
        [`${file}: no errors, ${warnings.length} warning(s).`, ...violationLines(warnings, 'warning')].join('\n'),
      );
    });

  addConnectionOptions(
    manifest
      .command('set')
      .description('Set the first manifest. Prints the recovery secrets the coordinator returns, or writes them to --recovery-data.')
      .argument('<file>', 'manifest JSON (sent byte for byte; its SHA-256 is the manifest fingerprint)')
      .option('--recovery-data <file>', 'write the encrypted recovery secrets here (JSON map, mode 0600) instead of printing them'),
  ).action(
    async (file: string, opts: OutFlags) => {
      const out = output();
      const bytes = await readInput(file, 'manifest');
      const client = new CoordinatorClient(await openConnection(opts));
      const answer = await client.setManifest(bytes);
      const { recoverySecrets } = answer;
      const fingerprint = sha256Hex(bytes);
      const recovery = await handleRecoverySecrets(out, recoverySecrets, opts.recoveryData);
      // The coordinator's warnings; one that sends none (MarbleRun) gets those of the same rules, checked here.
      const warnings = answer.warnings ?? checkManifest(bytes).warnings.map(shown);
      out.result(
        {
          ok: true,
          fingerprint,
          warnings,
          ...(recoverySecrets && opts.recoveryData === undefined ? { recoverySecrets } : {}),
          ...(opts.recoveryData && recoverySecrets ? { recoveryData: opts.recoveryData } : {}),
        },
        ['Manifest set.', `  fingerprint  ${fingerprint}`, ...violationLines(warnings, 'warning'), recovery].filter(Boolean).join('\n'),
      );
    },
  );

  addConnectionOptions(
    rootOption(
      manifest
        .command('get')
        .description("Print the coordinator's manifest (exactly the bytes that were set).")
        .option('--signature', "print the manifest's fingerprint (SHA-256) and the root's signature instead of the manifest")
        .option('--out <file>', 'write the manifest to a file'),
    ),
  ).action(
    async (opts: OutFlags) => {
      const out = output();
      const client = new CoordinatorClient(await openConnection(opts));
      const m = await client.manifest();
      if (sha256Hex(m.manifest) !== m.fingerprint.toLowerCase()) {
        throw new CliError('ERR_EVIDENCE_BINDING_MISMATCH', `the coordinator's fingerprint ${m.fingerprint} is not the SHA-256 of the manifest it sent`);
      }
      const rootSignature = await checkRootSignature(opts.root, m.manifest, m.signature);
      if (opts.out !== undefined) await writeOutput(opts.out, m.manifest);
      const text = Buffer.from(m.manifest).toString('utf8');
      const data = {
        ok: true,
        fingerprint: m.fingerprint,
        signatureRootECDSA: toBase64(m.signature),
        ...(rootSignature !== undefined ? { rootSignatureVerified: rootSignature } : {}),
        ...(opts.out !== undefined ? { out: opts.out } : { manifest: text }),
      };
      const human = opts.signature
        ? [`fingerprint          ${m.fingerprint}`, `signature (root, DER) ${toBase64(m.signature)}`, ...(rootSignature ? ['root signature       verified'] : [])].join('\n')
        : opts.out !== undefined
          ? `Manifest written to ${opts.out} (fingerprint ${m.fingerprint}).`
          : text;
      out.result(data, human);
    },
  );

  addConnectionOptions(
    rootOption(
      manifest
        .command('verify')
        .description("Check that the coordinator runs this manifest: the local file's SHA-256 (or a hex fingerprint) must equal the coordinator's. Exit 2 on mismatch.")
        .argument('<file|fingerprint>', 'manifest file, or its hex SHA-256'),
    ),
  ).action(
    async (file: string, opts: OutFlags) => {
      const out = output();
      const local = /^[0-9a-fA-F]{64}$/.test(file) ? file.toLowerCase() : sha256Hex(await readInput(file, 'manifest'));
      const client = new CoordinatorClient(await openConnection(opts));
      const m = await client.manifest();
      const rootSignature = await checkRootSignature(opts.root, m.manifest, m.signature);
      if (m.fingerprint.toLowerCase() !== local || sha256Hex(m.manifest) !== local) {
        throw new CliError('ERR_EVIDENCE_BINDING_MISMATCH', `the coordinator's manifest ${m.fingerprint} differs from the local one ${local}`, {
          details: { what: 'manifest', local, remote: m.fingerprint },
        });
      }
      out.result({ ok: true, fingerprint: local, ...(rootSignature !== undefined ? { rootSignatureVerified: rootSignature } : {}) }, `OK: the coordinator runs manifest ${local}.`);
    },
  );

  const update = manifest.command('update').description('Update the manifest: a package update (SecurityVersion) or a full update acknowledged by UpdateThreshold users.');

  addConnectionOptions(
    update
      .command('apply')
      .description('Propose a full manifest update (and acknowledge it), or apply a package update (a file holding only Packages with new SecurityVersions).')
      .argument('<file>', 'the new manifest, or a package update')
      .option('--recovery-data <file>', 'write new encrypted recovery secrets here, if the update changes RecoveryKeys'),
    { user: true },
  ).action(updateAction(output, 'Update submitted', (client, bytes) => client.update(bytes)));

  addConnectionOptions(
    update
      .command('acknowledge')
      .description('Acknowledge the pending manifest update; the file must hold exactly the pending bytes.')
      .argument('<file>', 'the pending manifest (see `manifest update get --out`)')
      .option('--recovery-data <file>', 'write new encrypted recovery secrets here, if this acknowledgement applies an update that changes RecoveryKeys'),
    { user: true },
  ).action(updateAction(output, 'Acknowledged', (client, bytes) => client.acknowledge(bytes)));

  addConnectionOptions(update.command('cancel').description('Cancel the pending manifest update.'), { user: true }).action(
    async (opts: OutFlags) => {
      const client = new CoordinatorClient(await openConnection(opts, { needUser: true }));
      const answer = await client.cancelUpdate();
      output().result({ ok: true, message: answer.message }, answer.message);
    },
  );

  addConnectionOptions(
    update
      .command('get')
      .description('Show the pending manifest update and who still has to acknowledge it.')
      .option('--out <file>', 'write the pending manifest to a file (to review, then acknowledge)'),
  ).action(
    async (opts: OutFlags) => {
      const client = new CoordinatorClient(await openConnection(opts));
      const p = await client.pendingUpdate();
      if (opts.out !== undefined) await writeOutput(opts.out, p.manifest);
      const fingerprint = sha256Hex(p.manifest);
      output().result(
        { ok: true, fingerprint, missingAcknowledgments: p.missingAcknowledgments, missingUsers: p.missingUsers, message: p.message, ...(opts.out !== undefined ? { out: opts.out } : { manifest: toBase64(p.manifest) }) },
        [
          `Pending update ${fingerprint}: ${p.message}.`,
          `  not yet acknowledged by: ${p.missingUsers.join(', ') || 'nobody'}`,
          opts.out !== undefined ? `  written to ${opts.out}` : Buffer.from(p.manifest).toString('utf8'),
        ].join('\n'),
      );
    },
  );

  addConnectionOptions(manifest.command('log').description("Print the coordinator's update log (MarbleRun's `manifest log`), one JSON entry per line.").option('--out <file>', 'write the log to a file')).action(
    async (opts: OutFlags) => {
      const client = new CoordinatorClient(await openConnection(opts));
      const lines = await client.updateLog();
      const text = lines.map((l) => l.replace(/\n$/, '')).join('\n') + (lines.length ? '\n' : '');
      if (opts.out !== undefined) await writeOutput(opts.out, text);
      output().result({ ok: true, updateLog: lines }, opts.out !== undefined ? `Update log (${lines.length} entries) written to ${opts.out}.` : text);
    },
  );
}

