export { checkConnectUri } from './connect-checks.js';
export { type ResolveUriInput, resolveAlias, resolveUri } from './resolve-uri.js';
export { formatParams, formatUri, getUriParam, parseUri, type UriParam, type VirtUri } from './virt-uri.js';
