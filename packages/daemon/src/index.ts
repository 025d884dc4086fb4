// @virtkit/daemon's public surface: each module appends its exports here.
export { main } from './main.js';
