export * from './constants.js';
export * from './keepalive.js';
export * from './packet.js';
export * from './packet-decoder.js';
export * from './stream.js';
export * from './wire-error.js';
