/**
 * The coordinator's certificate authority as plain data (strings and Uint8Arrays, so the state
 * codec in core/state-codec.ts carries it). Private keys and the root secret are secret: seal
 * them, never log them.
 */
export interface CoordinatorPki {
  /** Self-signed root (P-384, CN "Confide Coordinator Root"); never changes for a deployment. */
  rootCert: string;
  /** PKCS#8 DER of the root key. */
  rootKey: Uint8Array;
  /** Intermediate signed by the root (P-384, CN "Confide Coordinator Intermediate"); new on every manifest update. */
  intermediateCert: string;
  /** PKCS#8 DER of the intermediate key. */
  intermediateKey: Uint8Array;
  /**
   * MarbleRun's "Marble root": the intermediate's subject and key, self-signed, so marbles see
   * a chain that ends at a root which changes with every update (`.MarbleRun.RootCA.Cert`).
   */
  marbleRootCert: string;
  /** 32 random bytes from which per-marble symmetric keys are derived. */
  rootSecret: Uint8Array;
  /** The root secret before the last RotateRootSecret; per-marble `.Previous` keys derive from it. */
  previousRootSecret?: Uint8Array;
}
