/** The evidence validator port, the server's implementation, and the two test implementations. */
export type { EvidenceValidator, EvidenceExpectation } from './port.js';
export { createEvidenceValidator, type EvidenceSettings } from './evidence-validator.js';
export { createMockValidator, type MockValidator } from './mock-validator.js';
export { createFailingValidator } from './failing-validator.js';
