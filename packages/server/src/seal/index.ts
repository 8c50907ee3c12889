/** Sealing of key material at rest. */
export { createSeal, SEAL_KEY_LENGTH, type Seal } from './seal.js';
export { openSeal, parseSealKey, readKeyFile, DEV_SEAL_KEY_FILE, type OpenSealOptions } from './open-seal.js';
