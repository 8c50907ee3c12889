// The simulated TEE's key lives with the launcher, which plays the TEE too; the dev coordinator signs its own quote with it.
export { loadSimulationKey, simulationKeyPath, simulateQuote, type SimulationKey, type LoadSimulationKeyOptions } from '@confide/launcher/sim-key';
