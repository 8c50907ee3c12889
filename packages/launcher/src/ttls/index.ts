/** MarbleRun's transparent TLS for `confide run` (mode.ts, config.ts, proxy.ts). */
export { TTLS_CONFIG_ENV, TTLS_MODES, checkTtls, ttlsConfigOf, type TtlsMode } from './mode.js';
export { parseTtlsConfig, type TtlsConfig, type TtlsIncoming, type TtlsOutgoing } from './config.js';
export { startTtlsProxy, connectEnvName, listenEnvName, type TtlsProxy, type TtlsProxyOptions } from './proxy.js';
