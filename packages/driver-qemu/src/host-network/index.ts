export { type HostNetwork, prepareHostNetwork, releaseHostNetwork } from './host-taps.js';
export { checkTapName } from './tap-name.js';
