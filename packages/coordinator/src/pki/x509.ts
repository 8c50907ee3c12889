/** @peculiar/x509 bound to node's WebCrypto; import `x509` from here so the provider is always set. */
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

export { x509 };
