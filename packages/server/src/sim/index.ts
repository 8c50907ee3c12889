export { loadSimulationKey, simulationKeyPath, type SimulationKey, type LoadSimulationKeyOptions } from './simulation-key.js';
export { simulateQuote } from './simulate-quote.js';
