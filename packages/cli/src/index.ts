export { main, run } from './program.js';
export type { CliContext } from './context.js';
export type { Io, Output } from './output.js';
export { EXIT, exitCodeFor } from './exit-codes.js';
