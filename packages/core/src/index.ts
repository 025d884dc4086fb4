export * from './errors/index.js';
export * from './events/index.js';
export * from './state/index.js';
