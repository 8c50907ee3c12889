import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliError } from '../src/errors.js';
import { launcherExitCode } from '../src/launcher/exit-code.js';

test('launcher exit codes: refusal 2, usage 1, TEE/coordinator/files 3', () => {
  const refused = new CliError('ERR_MAX_ACTIVATIONS', 'x', { details: { refused: true } });
  assert.equal(launcherExitCode(refused), 2);
  assert.equal(launcherExitCode(new CliError('ERR_MAX_ACTIVATIONS', 'x')), 3);
  assert.equal(launcherExitCode(new CliError('ERR_USAGE', 'x')), 1);
  assert.equal(launcherExitCode(new CliError('ERR_PRODUCTION_REFUSED', 'x')), 1);
  for (const code of ['ERR_TEE_UNAVAILABLE', 'ERR_ACTIVATION_FAILED', 'ERR_LAUNCH_FAILED'] as const) assert.equal(launcherExitCode(new CliError(code, 'x')), 3);
});
