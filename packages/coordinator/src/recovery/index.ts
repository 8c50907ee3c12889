/** Splitting the coordinator's data key to recovery keys and rebuilding it from their shares. */
export { shamirSplit, shamirCombine, encodeShamirShare, decodeShamirShare, xorSplit, xorCombine, SHAMIR_MAX_SHARES, type ShamirShare } from './shamir.js';
export { DATA_KEY_LENGTH, parseRecoveryData, shareCommitment, type RecoveryData, type RecoveryScheme } from './recovery-data.js';
export { createRecoveryShares, decryptRecoveryShare, parseRecoveryKey, type RecoveryShares } from './create-shares.js';
export { RecoverySession, type RecoveryProgress } from './session.js';
export { signRecoveryShare, verifyRecoverySignatures, type SignedShare } from './signature.js';
