export {
  DomainStore,
  type StoredEntry,
  type StoreListing,
  type StoreLoadError,
} from './domain-store.js';
export { writeFileAtomic } from './durable-fs.js';
export { validateName } from './entry-names.js';
export { errnoCode, errnoText } from './fs-errors.js';
export { type ManagerStores, openAsManager } from './manager-stores.js';
export {
  type KillOptions,
  type KillOutcome,
  killProcess,
  signalProcess,
  waitForExit,
} from './process-kill.js';
export { isProcessAlive } from './process-liveness.js';
export { acquireStateLock, LOCK_FILE, type StateLock } from './state-lock.js';
export { type DomainStatus, STATUS_FORMAT_VERSION } from './status-file.js';
