/** What every page gets: the API client, the server's overview facts, and shared evidence between pages. */
import { createContext } from 'preact';
import type { Api } from './api/client.js';
import type { ConsoleInfo } from './api/info.js';
import type { EvidenceInput } from './verify/evidence.js';

export interface ConsoleContext {
  api: Api;
  info: ConsoleInfo;
  /** The evidence last entered on the attestation page, offered to the policy dry run. */
  evidence: EvidenceInput | undefined;
  setEvidence(input: EvidenceInput | undefined): void;
}

export const Ctx = createContext<ConsoleContext>(undefined as unknown as ConsoleContext);
