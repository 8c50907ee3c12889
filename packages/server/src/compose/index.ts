/** The composition root: every service of `confide serve`, built from the validated configuration. */
export { composeServer, displayHost, type Composition, type CompositionHooks, type CompositionOverrides } from './compose-server.js';
export { composeAttestation, type AttestationOptions, type PolicyAdminSettings } from './attestation.js';
export { coordinatorSealProvider } from './coordinator-seal.js';
export { prepareDataDir } from './data-dir.js';
export { tlsMaterial, tlsSpkiSha256, type TlsMaterial } from './tls-material.js';
export { tpmRootsFromConfig } from './tpm-roots.js';
