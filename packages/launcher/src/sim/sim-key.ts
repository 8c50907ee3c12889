/**
 * The simulated TEE's signing side, for whoever plays the TEE in development: the launcher
 * (`confide run --tee sim`), `confide sim quote` and the dev-mode coordinator's own quote. Its
 * own entry point, so the server loads these two files and not the launcher.
 */
export { loadSimulationKey, simulationKeyPath, type SimulationKey, type LoadSimulationKeyOptions } from './simulation-key.js';
export { simulateQuote } from './simulate-quote.js';
export { refuseInProduction } from './dev-only.js';
