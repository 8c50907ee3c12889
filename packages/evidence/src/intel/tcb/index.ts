/** Intel TCB evaluation (TCB Info, QE Identity, TDX module identities) for DCAP quotes. */
export { evaluateIntelTcb } from './evaluate.js';
export { parseTcbInfo } from './tcb-info.js';
export type { TcbInfo, TcbLevel, TdxModule, TdxModuleIdentity, TdxModuleLevel } from './tcb-info.js';
export { parseQeIdentity } from './qe-identity.js';
export type { QeIdentity, QeIdentityLevel } from './qe-identity.js';
