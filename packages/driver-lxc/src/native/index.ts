export { type LxcConfigEntry, parseLxcConfig } from './config.js';
export { type LxcFromNativeOptions, lxcDomainDefFromNative, lxcDomainXmlFromNative } from './convert.js';
export { collectNetworks, type LxcNetwork } from './network.js';
