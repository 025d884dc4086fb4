import type { ShutdownMode } from '@virtkit/core';
import { type FlagTable, SHUTDOWN_MODE_FLAGS } from '../wire/flags.js';

/** The `flags` word a procedure carries for an options object. */
export function toFlags<T extends object>(table: FlagTable<T>, options: T): number {
  let flags = 0;
  for (const [name, bit] of Object.entries(table) as [keyof T & string, number][]) {
    if (options[name]) flags |= bit;
  }
  return flags;
}

export function shutdownFlags(modes: readonly ShutdownMode[] = []): number {
  return modes.reduce((flags, mode) => flags | SHUTDOWN_MODE_FLAGS[mode], 0);
}
