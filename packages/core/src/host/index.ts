export { HOST_ARCH } from './host-arch.js';
export { type HostCell, type HostFacts, readHostFacts } from './host-facts.js';
export { hostNodeInfo } from './node-info.js';
