// @virtkit/driver-lxc's public surface: each module appends its exports here.

export * from './define/index.js';
export * from './driver-paths.js';
export { initctlRequest, type Runlevel, setContainerRunlevel } from './initctl.js';
export { kernelVersion, LxcConnection, type LxcConnectionOptions } from './lxc-connection.js';
export { exitInput, LxcDomain, type LxcDomainHost, type LxcDriverData, type SavedRun } from './lxc-domain.js';
export { driver } from './lxc-driver.js';
export * from './native/index.js';
export { type LxcPowerRequest, lxcPowerRequest } from './shutdown-modes.js';
