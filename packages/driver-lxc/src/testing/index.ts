export { BUSYBOX, type BusyboxRootfsOptions, makeBusyboxRootfs, TEST_INIT } from './busybox-rootfs.js';
export { type LxcDomainOptions, lxcDomainXml } from './domain-xml.js';
export { type FoundController, findControllers, killLeftoverControllers } from './leftover-controllers.js';
