/** What an operation on the state decides; the service applies it in one store transaction. */
import type { AuditEvent } from '../audit/append.js';
import type { RecoveryConfig } from '../sealing/sealed-store.js';
import type { StateData } from './state.js';

export interface Change<T> {
  /** The state to seal and write; absent when nothing changes. */
  next?: StateData;
  result: T;
  /** Appended to the audit log in the same transaction. */
  audit?: AuditEvent[];
  /** Split the data key to these recovery keys (manifest set or update changed them); null removes them. */
  recovery?: RecoveryConfig | null;
}

/** One line of MarbleRun's update log: a JSON object with the time first. */
export function updateLogLine(time: Date, fields: Record<string, unknown>): string {
  return JSON.stringify({ time: time.toISOString(), ...fields });
}
