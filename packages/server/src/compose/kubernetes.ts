/** The marble injector's settings from the configuration (the kubernetes.injector.* keys). */
import type { Config } from '../config/schema.js';
import type { InjectorSettings } from '../services/marble-injector/settings.js';

export function injectorSettings(config: Config): InjectorSettings {
  const { coordinatorAddress, clusterDomain, sgxResource, launcher } = config.kubernetes.injector;
  return { coordinatorAddress, clusterDomain, sgxResource, launcher };
}
