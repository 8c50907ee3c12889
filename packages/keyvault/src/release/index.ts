export { RELEASE_ENCS, DEFAULT_RELEASE_ENC, OAEP_HASH, isReleaseEnc, type ReleaseEnc } from './enc.js';
export { aesKeyWrapPad, aesKeyUnwrapPad } from './aes-kwp.js';
export { wrapForRelease, unwrapRelease } from './wrap.js';
export { releaseMaterialOf, jwkOfReleaseMaterial } from './material.js';
export { pickTransferKey, type TransferKey } from './transfer-key.js';
export { encodeKeyHsm, decodeKeyHsm, type KeyTransferBlob } from './key-hsm.js';
export { openReleaseResponse, type OpenedRelease } from './open-response.js';
