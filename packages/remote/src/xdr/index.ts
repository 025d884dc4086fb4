export { decodeXdr, encodeXdr, type XdrCodec, type XdrReader, type XdrWriter } from './codec.js';
export * from './composites.js';
export * from './primitives.js';
export type { ProcedureInfo } from './procedure-info.js';
