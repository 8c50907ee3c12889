/** Sealing of key material at rest. */
export { createSeal, SEAL_KEY_LENGTH, type Seal } from './seal.js';
export { openSeal, readKeyFile, DEV_SEAL_KEY_FILE, type OpenSealOptions } from './open-seal.js';
