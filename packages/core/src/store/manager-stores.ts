import { DomainStore } from './domain-store.js';
import { acquireStateLock, type StateLock } from './state-lock.js';

/** What a stateful driver's connection manages while it is open. */
export interface ManagerStores {
  lock: StateLock;
  /** Persistent definitions (config/, autostart/) under the config directory. */
  configStore: DomainStore;
  /** Status of running domains (status/) under the state directory. */
  statusStore: DomainStore;
}

/**
 * Becomes the one manager of `stateDir` and opens both stores for `open`; when opening the
 * connection fails, the state directory is given up again.
 */
export async function openAsManager<C>(
  dirs: { configDir: string; stateDir: string },
  open: (stores: ManagerStores) => Promise<C>,
): Promise<C> {
  const lock = await acquireStateLock(dirs.stateDir);
  try {
    return await open({
      lock,
      configStore: await DomainStore.open(dirs.configDir),
      statusStore: await DomainStore.open(dirs.stateDir),
    });
  } catch (error) {
    await lock.release();
    throw error;
  }
}
