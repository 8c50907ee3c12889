/**
 * Where a user who verifies evidence gets stuck, and the flag that gets them on: the error is
 * the verifier's, with the way out appended (`confide verify`, `confide coordinator verify`).
 */
import { isConfideError, restate, type ConfideError } from '@confide/core';

function withHint(err: ConfideError, hint: string): ConfideError {
  return restate(err, `${err.message}; ${hint}`);
}

/** `err` with a hint when one helps; `simulated` says the evidence is the simulated TEE's, `nvidia` an NVIDIA device's. */
export function verifyHint(err: unknown, simulated: boolean, nvidia = false): unknown {
  if (nvidia && isConfideError(err, 'ERR_COLLATERAL_MISSING')) {
    return withHint(err, 'pass the device certificate chain with --chain <pem file>, or give the JSON evidence that carries it (docs/nvidia-gpu.md)');
  }
  if (isConfideError(err, 'ERR_COLLATERAL_MISSING')) {
    return withHint(err, 'pass the collateral with --collateral <file|dir> (what to fetch and from where: docs/collateral.md)');
  }
  if (simulated && isConfideError(err, 'ERR_EVIDENCE_UNTRUSTED_ROOT')) {
    return withHint(err, "trust the key that signed it with --data-dir <the server's data directory> or --sim-key <file from `confide sim key`> (docs/simulated-tee.md)");
  }
  return err;
}
