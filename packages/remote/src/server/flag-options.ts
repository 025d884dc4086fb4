import { VirtError } from '@virtkit/core';
import type { FlagTable } from '../wire/flags.js';

/** Refuses bits outside `known` as libvirt's virCheckFlags does, naming the API. */
export function checkFlags(flags: number, known: number, api: string): void {
  const unknown = (flags & ~known) >>> 0;
  if (unknown !== 0) {
    throw new VirtError('INVALID_ARG', `unsupported flags (0x${unknown.toString(16)}) in function ${api}`, {
      verbatim: true,
    });
  }
}

/** Turns an API's flags into core's options; unknown bits are refused. */
export function optionsFromFlags<T extends object>(flags: number, table: FlagTable<T>, api: string): T {
  const bits = Object.entries(table) as [keyof T & string, number][];
  checkFlags(
    flags,
    bits.reduce((known, [, bit]) => known | bit, 0),
    api,
  );
  const options: Partial<Record<keyof T & string, boolean>> = {};
  for (const [option, bit] of bits) if (flags & bit) options[option] = true;
  return options as T;
}
