/**
 * @peculiar/x509 signs, verifies and hashes through the WebCrypto it is given. The entry points
 * (the CLI's main, the server's composition root) give it once, explicitly; no module sets it as
 * a side effect of being imported. Where none does (a library caller, a test), the library
 * takes the runtime's global `crypto`, which on Node 20 is node's WebCrypto.
 */
import { cryptoProvider } from '@peculiar/x509';

/** Makes `crypto` the WebCrypto of every @peculiar/x509 operation in this process. */
export function useX509Crypto(crypto: Crypto): void {
  cryptoProvider.set(crypto);
}
