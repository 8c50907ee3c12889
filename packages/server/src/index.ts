export { buildApp, type AppOptions } from './app.js';
export { startServer, type RunningServer } from './serve.js';
export { CONFIG_SCHEMA, type Config, type ConfigKey } from './config/schema.js';
export { loadConfig, type ConfigSources, type ConfigOrigin } from './config/load.js';
export { renderConfigDocs } from './docs/render-config.js';
export { renderErrorDocs } from './docs/render-errors.js';
export { ensureLocalCa } from './tls/local-ca.js';
export { registerErrorSerializer, toProblem, type Problem, type ErrorSerializer } from './plugins/problem.js';
export { VERSION } from './version.js';
