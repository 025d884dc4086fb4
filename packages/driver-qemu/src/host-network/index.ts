export { type HostNetwork, prepareHostNetwork, releaseHostNetwork, withHostNetwork } from './host-taps.js';
export { checkTapName } from './tap-name.js';
