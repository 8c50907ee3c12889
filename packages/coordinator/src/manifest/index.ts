/** The coordinator manifest: MarbleRun's JSON format with Confide's TEE extensions. */
export * from './types.js';
export { MANIFEST_RULES, type ManifestRuleId } from './rules.js';
export type { ManifestReport, PathSegment, Violation } from './violation.js';
export { readManifest, parseManifest, type ReadManifestResult } from './parse.js';
export { validateManifest, checkManifest, assertValidManifest, manifestInvalid, type CheckedManifest } from './validate.js';
export { decodeFileData, fileBytes } from './file-data.js';
export { manifestUpdaters } from './validate-access.js';
export { matchPackage, acceptedTcbStatuses, type PackageMatch, type PackageMismatch } from './match-package.js';
export { isPackageUpdate, validatePackageUpdate, applyPackageUpdate } from './package-update.js';
export { manifestHash } from './hash.js';
export { diffManifest, isEmptyDiff, type ManifestDiff, type SectionDiff } from './diff.js';
export { featureGateOf, hasFeature } from './feature-gates.js';
