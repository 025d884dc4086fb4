export {
  DomainStore,
  type StoredEntry,
  type StoreListing,
  type StoreLoadError,
} from './domain-store.js';
export { validateName } from './entry-names.js';
export { type ManagerStores, openAsManager } from './manager-stores.js';
export { isProcessAlive } from './process-liveness.js';
export { acquireStateLock, type StateLock } from './state-lock.js';
export { type DomainStatus, STATUS_FORMAT_VERSION } from './status-file.js';
