/**
 * ECDSA signatures as MarbleRun returns them (Go's ecdsa.SignASN1: a DER SEQUENCE of two
 * INTEGERs), converted from WebCrypto's IEEE P1363 r || s. The encoding lives with the PKI's DER.
 */
export { p1363ToDer } from '../pki/der.js';
