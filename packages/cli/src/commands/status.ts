/** `confide status`: the coordinator's state, as MarbleRun's status endpoint reports it. */
import type { Command } from 'commander';
import type { Output } from '../output.js';
import { CoordinatorClient } from '../client/coordinator-client.js';
import { addConnectionOptions, openConnection, type ConnectionFlags } from '../client/connection.js';
import { SUMMARIES } from './summaries.js';

/** MarbleRun's state numbers. */
const STATE_NAMES: Record<number, string> = { 1: 'recovery', 2: 'accepting manifest', 3: 'accepting marbles' };

export function statusCommand(program: Command, output: () => Output): void {
  addConnectionOptions(
    program
      .command('status')
      .description(SUMMARIES.status)
      .addHelpText('after', '\nExit 0 whatever the state; --json gives {ok, code, state, message}.'),
  ).action(
    async (opts: ConnectionFlags) => {
      const status = await new CoordinatorClient(await openConnection(opts)).status();
      const state = STATE_NAMES[status.code] ?? 'unknown';
      output().result({ ok: true, code: status.code, state, message: status.message }, `${status.code}: ${status.message}`);
    },
  );
}
