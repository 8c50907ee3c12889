/** Manifest secrets: generation (shared and per-marble), updates, and user uploads. */
export type { SecretValue, SecretMap, MarbleBinding } from './types.js';
export { checkSecretDefinition, checkSecretDefinitions, sameDefinition } from './definition-check.js';
export {
  generateSecrets,
  generateMarbleSecrets,
  generateSharedSecrets,
  type GenerateOptions,
  type SecretsWithPrevious,
  type SharedSecretsBefore,
} from './generate.js';
export { acceptUserSecret, type UserSecretUpload } from './user-secret.js';
