/**
 * The seal providers of one coordinator, by SealMode and by the id a record keeps: the
 * configured provider for "" (and, outside a TEE, for ProductKey and UniqueKey), the TEE's keys
 * for ProductKey and UniqueKey, and for Disabled a key that lives in this process's memory only.
 */
import type { SealMode } from '../manifest/types.js';
import { createMemorySealProvider } from './memory-provider.js';
import type { SealProvider } from './provider.js';
import { MEMORY_ONLY_PROVIDER, sealModeUnavailable, type TeeSealMode, type TeeSealProviders } from './seal-mode.js';
import type { SealProviders } from './sealed-store.js';
import { teeSealProviderId } from './tee-provider.js';

const TEE_MODES: readonly TeeSealMode[] = ['ProductKey', 'UniqueKey'];

/** `engine` is the store's: Disabled is refused on PostgreSQL, where replicas share the state. */
export function sealProviders(seal: SealProvider, teeSeal: TeeSealProviders | undefined, engine: 'sqlite' | 'postgres'): SealProviders {
  const memoryOnly: SealProvider = { ...createMemorySealProvider(), id: MEMORY_ONLY_PROVIDER };
  const tee = new Map<TeeSealMode, SealProvider>();
  const teeProvider = (mode: TeeSealMode): SealProvider => {
    if (teeSeal === undefined) return seal;
    let provider = tee.get(mode);
    if (provider === undefined) {
      provider = teeSeal(mode);
      tee.set(mode, provider);
    }
    return provider;
  };
  return {
    forMode(mode: SealMode) {
      if (mode === 'Disabled') {
        if (engine === 'postgres') throw sealModeUnavailable(mode, "the state would live in one replica's memory, and the other replicas on the shared PostgreSQL store could not open it");
        return memoryOnly;
      }
      if (mode === 'ProductKey' || mode === 'UniqueKey') return teeProvider(mode);
      return seal;
    },
    byId(id: string) {
      if (id === seal.id) return seal;
      if (id === MEMORY_ONLY_PROVIDER) return memoryOnly;
      const mode = TEE_MODES.find((m) => teeSealProviderId(m) === id);
      if (mode === undefined || teeSeal === undefined) return undefined;
      try {
        return teeProvider(mode);
      } catch {
        // This TEE has no key for the mode: a record sealed under it cannot be opened here.
        return undefined;
      }
    },
  };
}
