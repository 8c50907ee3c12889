export { loadScaled, loadAverage } from './load.js';
export { freePort } from './port.js';
export { startProcess, type Run, type Started, type StartOptions } from './started.js';
export { CLI_BIN, runCli, runCliJson, startCli, startServe, type CliJson, type Served } from './cli.js';
