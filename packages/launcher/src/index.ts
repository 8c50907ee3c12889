/** `confide run`: a marble's launcher. Depends on core and evidence only: it never loads the server or storage. */
export { prepareLaunch, type LaunchOptions, type PreparedLaunch } from './launch.js';
export { runProgram, signalExitCode, type ProgramSpec } from './run-program.js';
export { isRefusal } from './activate.js';
export { TTLS_MODES, TTLS_CONFIG_ENV, parseTtlsConfig, startTtlsProxy, connectEnvName, listenEnvName, type TtlsMode, type TtlsConfig, type TtlsProxy } from './ttls/index.js';
export { TEE_CHOICES, type TeeChoice, type LauncherTee } from './evidence/types.js';
export { parseCoordinatorAddress, formatAddress, type CoordinatorAddress } from './coordinator-address.js';
export { measureCommand, resolveProgram, type CommandMeasurement } from './sim/measure-program.js';
export * from './sim/sim-key.js';
export * from './errors.js';
