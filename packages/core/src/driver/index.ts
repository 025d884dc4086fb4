export { Connection, type ListFilter } from './connection.js';
export { Domain } from './domain.js';
export { domainGoneError, noDomainError } from './domain-errors.js';
export {
  type ConsoleOptions,
  type CreateOptions,
  type DefineOptions,
  type DestroyOptions,
  type DomainCapabilitiesOptions,
  type DomainInfo,
  type DomainKey,
  type DomainListing,
  type Driver,
  type DriverConnection,
  type NodeInfo,
  type OpenContext,
  type SecurityLabel,
  type SecurityModel,
  SHUTDOWN_MODES,
  type ShutdownMode,
  type ShutdownOptions,
  type StartOptions,
  type SubscribeFilter,
  type UndefineOptions,
  type VcpuCountOptions,
  type XmlDescOptions,
} from './driver.js';
export { apiName, type DriverOperation, OPERATIONS } from './operations.js';
export { checkShutdownModes } from './shutdown-flags.js';
