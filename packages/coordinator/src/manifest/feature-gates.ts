/** Feature gates compared as MarbleRun compares them: case-insensitively (manifest.go HasFeatureEnabled, Check). */
import { FEATURE_GATES, type FeatureGate, type ManifestConfig } from './types.js';

/** The known gate `name` names, whatever its case, or undefined. */
export function featureGateOf(name: string): FeatureGate | undefined {
  return FEATURE_GATES.find((gate) => gate.toLowerCase() === name.toLowerCase());
}

/** Whether the manifest enables `gate` (strings.EqualFold). */
export function hasFeature(config: Pick<ManifestConfig, 'FeatureGates'>, gate: FeatureGate): boolean {
  return config.FeatureGates.some((name) => featureGateOf(name) === gate);
}
