// @virtkit/driver-lxc's public surface: each module appends its exports here.
export * from './native/index.js';
