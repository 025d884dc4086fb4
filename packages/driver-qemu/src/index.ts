export * from './argv/index.js';
export * from './caps/index.js';
export * from './driver-paths.js';
export * from './process/index.js';
export * from './qmp/index.js';
