export { createMetrics, type ServerMetrics, type MetricsSources } from './metrics.js';
export { instrumentRequests } from './http-hooks.js';
export { listenMetrics } from './listener.js';
