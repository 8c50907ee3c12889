/**
 * The coordinator's states, numbered and worded as MarbleRun's status endpoint reports them, so
 * MarbleRun clients (CLI, SDK, scripts comparing the message) read them unchanged.
 */

/** MarbleRun's state numbers. */
export const CoordinatorState = {
  /** The sealed state exists but its data key cannot be unwrapped: waiting for recovery shares. */
  Recovery: 1,
  /** No state yet: waiting for POST /api/v2/manifest. */
  AcceptingManifest: 2,
  /** A manifest is set: marbles activate, users manage secrets and updates. */
  AcceptingMarbles: 3,
} as const;

export type CoordinatorState = (typeof CoordinatorState)[keyof typeof CoordinatorState];

/** State names used in error details and logs. */
export const STATE_NAMES: Record<CoordinatorState, string> = {
  1: 'recovery',
  2: 'accepting manifest',
  3: 'accepting marbles',
};

/** MarbleRun's status messages, word for word. */
export const STATE_MESSAGES: Record<CoordinatorState, string> = {
  1: 'Coordinator is in recovery mode. Either upload a key to unseal the saved state, or set a new manifest. For more information on how to proceed, consult the documentation.',
  2: 'Coordinator is ready to accept a manifest.',
  3: 'Coordinator is running correctly and ready to accept marbles.',
};
