/**
 * EDG_STARTUP_MANIFEST (coordinator.startupManifest), as MarbleRun's cmd/coordinator/run.go:
 * the manifest in the file is set at start instead of waiting for one over the client API. A
 * coordinator that already runs that very manifest (a restart) starts as it is, where MarbleRun
 * would stop (SetManifest refuses its state); one that runs another manifest refuses to start:
 * a running manifest changes only through an update. The encrypted recovery secrets, which
 * MarbleRun drops, are written beside the data (encrypted to the manifest's recovery keys).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CoordinatorState, type CoordinatorService } from '@confide/coordinator';
import { ServerError } from '../errors/index.js';
import { readSettingFile } from './setting-file.js';

/** Sets the startup manifest when the coordinator waits for one. Returns a line for the operator, or undefined. Throws ERR_CONFIG_INVALID, ERR_INPUT_UNREADABLE, and what setManifest throws. */
export async function applyStartupManifest(coordinator: CoordinatorService, path: string, dataDir: string): Promise<string | undefined> {
  const bytes = new Uint8Array(readSettingFile('coordinator.startupManifest', path));
  if (coordinator.state === CoordinatorState.AcceptingMarbles) {
    const { manifest } = await coordinator.getManifest();
    if (Buffer.from(manifest).equals(Buffer.from(bytes))) return undefined;
    throw new ServerError('ERR_CONFIG_INVALID', `coordinator.startupManifest: the coordinator runs another manifest than ${path}; change it with a manifest update, or remove the setting`, {
      details: { key: 'coordinator.startupManifest' },
    });
  }
  const out = await coordinator.setManifest(bytes);
  if (!out.recoverySecrets) return `coordinator: startup manifest ${path} set`;
  mkdirSync(join(dataDir, 'coordinator'), { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'coordinator', 'startup-recovery-secrets.json');
  writeFileSync(file, JSON.stringify(out.recoverySecrets, null, 2) + '\n', { mode: 0o600 });
  return `coordinator: startup manifest ${path} set; its encrypted recovery secrets are in ${file}`;
}
