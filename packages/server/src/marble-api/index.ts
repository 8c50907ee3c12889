/** MarbleRun's gRPC marble API (rpc.Marble/Activate) on its own listener. */
export { startMarbleApi, type MarbleApi, type MarbleApiOptions } from './marble-server.js';
export { ERROR_CODE_TRAILER } from './status.js';
export { meshListenAddress, DEFAULT_MESH_PORT } from './listen-address.js';
