export { formatArgsFile, shellQuote } from './args-file.js';
export { buildQemuArgv, DEFAULT_HOST_CONTEXT } from './build-argv.js';
export { type FirmwareDescriptor, parseFirmwareDescriptor } from './firmware-select.js';
export {
  escapeComma,
  formatJson,
  formatKeyValue,
  type OptionProps,
  type OptionValue,
} from './option-syntax.js';
export type { ArgvHostContext, QemuCommand, QemuDriverConfig } from './qemu-command.js';
