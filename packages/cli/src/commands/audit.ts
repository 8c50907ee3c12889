/**
 * `confide audit get|key|verify`: the coordinator's signed, hash-chained audit log
 * (docs/audit-log.md), fetched and verified offline with verifyAuditLog.
 */
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import { auditKeyThumbprint, verifyAuditLog } from '@confide/audit';
import type { Output } from '../output.js';
import { CoordinatorClient } from '../client/coordinator-client.js';
import { addConnectionOptions, openConnection, type ConnectionFlags } from '../client/connection.js';
import { readInput, writeOutput } from '../client/files.js';
import { SUMMARIES } from './summaries.js';

interface AuditFlags extends ConnectionFlags {
  out?: string;
  key?: string;
  headHash?: string;
}

export function auditCommand(program: Command, output: () => Output): void {
  const audit = program.command('audit').description(SUMMARIES.audit);

  addConnectionOptions(audit.command('get').description('Download the audit log (JSON lines, oldest first).').option('--out <file>', 'write it to a file')).action(
    async (opts: AuditFlags) => {
      const text = await new CoordinatorClient(await openConnection(opts)).auditLog();
      const count = text.split('\n').filter((l) => l.trim() !== '').length;
      if (opts.out !== undefined) await writeOutput(opts.out, text);
      output().result({ ok: true, count, ...(opts.out !== undefined ? { out: opts.out } : { log: text }) }, opts.out !== undefined ? `Audit log (${count} entries) written to ${opts.out}.` : text);
    },
  );

  addConnectionOptions(audit.command('key').description("Print the audit public key (P-256 JWK) and the log's current head.").option('--out <file>', 'write the JWK to a file')).action(
    async (opts: AuditFlags) => {
      const key = await new CoordinatorClient(await openConnection(opts)).auditKey();
      const thumbprint = await auditKeyThumbprint(key.publicKeyJwk);
      if (opts.out !== undefined) await writeOutput(opts.out, JSON.stringify(key.publicKeyJwk) + '\n');
      output().result({ ok: true, ...key, thumbprint }, [JSON.stringify(key.publicKeyJwk), `fingerprint (RFC 7638 thumbprint, what the console pins) ${thumbprint}`, `head seq ${key.headSeq}, hash ${key.headHash}`].join('\n'));
    },
  );

  addConnectionOptions(
    audit
      .command('verify')
      .description('Verify an audit log file: seq without gaps, hash chain, every signature. Exit 2 when it does not verify.')
      .argument('<file>', 'the log from `audit get`')
      .option('--key <file>', 'the audit public key (JWK or SPKI PEM) for offline verification; without it the key and head are fetched from the coordinator')
      .option('--head-hash <hex>', 'the head hash you trust (from `audit key` earlier): a log cut short no longer ends there'),
  ).action(
    async (file: string, opts: AuditFlags) => {
      const lines = Buffer.from(await readInput(file, 'audit log')).toString('utf8');
      // An empty file proves nothing: it must not pass as a verified (empty) log.
      if (lines.trim() === '') throw new CliError('ERR_AUDIT_LOG_INVALID', `audit log ${file} holds no entries (download it with \`confide audit get --out ${file}\`)`, { details: { seq: 1, reason: 'empty' } });
      let key: JsonWebKey | string;
      let head: { seq: number; hash: string } | undefined;
      if (opts.key !== undefined) key = Buffer.from(await readInput(opts.key, '--key')).toString('utf8');
      else {
        const fetched = await new CoordinatorClient(await openConnection(opts)).auditKey();
        key = fetched.publicKeyJwk;
        head = { seq: fetched.headSeq, hash: fetched.headHash };
      }
      const result = await verifyAuditLog(lines, key);
      const trustedHead = opts.headHash?.toLowerCase() ?? (head && head.seq === result.headSeq ? head.hash : undefined);
      if (head && result.headSeq > head.seq) {
        throw new CliError('ERR_AUDIT_LOG_INVALID', `the log has ${result.headSeq} entries but the coordinator's head is seq ${head.seq}`, { details: { seq: head.seq + 1, reason: 'sequence' } });
      }
      if (trustedHead !== undefined && result.headHash !== trustedHead) {
        throw new CliError('ERR_AUDIT_LOG_INVALID', `the log ends at ${result.headHash}, not at the trusted head ${trustedHead}`, { details: { seq: result.headSeq, reason: 'chain' } });
      }
      output().result(
        { ok: true, ...result, ...(head ? { coordinatorHeadSeq: head.seq } : {}) },
        [`Audit log verified: ${result.count} entries, head seq ${result.headSeq}, hash ${result.headHash}.`, ...(head && head.seq > result.headSeq ? [`  (the coordinator has ${head.seq - result.headSeq} newer entries)`] : [])].join('\n'),
      );
    },
  );
}
