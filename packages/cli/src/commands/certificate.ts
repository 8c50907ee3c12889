/**
 * `confide certificate root|intermediate|chain`: the coordinator's certificates as it serves them
 * (GET /api/v2/quote). They are as trustworthy as the TLS connection; for a root to pin, use
 * `confide coordinator verify --out`, which attests it first.
 */
import type { Command } from 'commander';
import { CliError } from '../errors.js';
import type { Output } from '../output.js';
import { CoordinatorClient } from '../client/coordinator-client.js';
import { addConnectionOptions, openConnection, type ConnectionFlags } from '../client/connection.js';
import { writeOutput } from '../client/files.js';
import { certificateFingerprint, parseCertificate } from '../client/pem.js';
import { checkCoordinatorChain } from '../client/verify-coordinator.js';
import { SUMMARIES } from './summaries.js';

type Which = 'root' | 'intermediate' | 'chain';

const DESCRIPTIONS: Record<Which, string> = {
  root: "Print (or save) the coordinator's root certificate.",
  intermediate: "Print (or save) the coordinator's intermediate certificate, which issues the marble certificates.",
  chain: 'Print (or save) the chain: intermediate, then root.',
};

export function certificateCommand(program: Command, output: () => Output): void {
  const certificate = program.command('certificate').description(SUMMARIES.certificate);
  for (const which of ['root', 'intermediate', 'chain'] as const) {
    addConnectionOptions(certificate.command(which).description(DESCRIPTIONS[which]).option('--out <file>', 'write the PEM to a file')).action(
      async (opts: ConnectionFlags & { out?: string }) => {
        const { cert } = await new CoordinatorClient(await openConnection(opts)).quote(undefined);
        const chain = checkCoordinatorChain(cert);
        const pem = which === 'root' ? chain.rootPem : which === 'intermediate' ? chain.intermediatePem : (chain.intermediatePem ?? '') + chain.rootPem;
        if (pem === undefined) throw new CliError('ERR_NOT_FOUND', 'the coordinator served no intermediate certificate');
        const first = parseCertificate(which === 'intermediate' ? pem : chain.rootPem, which);
        if (opts.out !== undefined) await writeOutput(opts.out, pem);
        output().result(
          { ok: true, which, fingerprint: certificateFingerprint(first), ...(opts.out !== undefined ? { out: opts.out } : { pem }) },
          opts.out !== undefined ? `${which} written to ${opts.out} (SHA-256 ${certificateFingerprint(first)}).` : pem,
        );
      },
    );
  }
}
