export type { CommandDef, CommandGroup, OptionDef, OptionType } from './command-types.js';
export { COMMAND_GROUPS } from './commands/registry.js';
export { DEFAULT_URI } from './connect.js';
export type { TextSink, VirtkitIo } from './io.js';
export { runVirtkit } from './run-virtkit.js';
export { VIRTKIT_VERSION } from './version.js';
