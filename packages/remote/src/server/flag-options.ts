import { VirtError } from '@virtkit/core';

type BooleanKey<T> = { [K in keyof T]-?: NonNullable<T[K]> extends boolean ? K : never }[keyof T];

/** One flag bit of a libvirt API and the boolean option it turns on. */
export type FlagTable<T> = readonly (readonly [bit: number, option: BooleanKey<T>])[];

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
  checkFlags(
    flags,
    table.reduce((known, [bit]) => known | bit, 0),
    api,
  );
  const options: Partial<Record<BooleanKey<T>, boolean>> = {};
  for (const [bit, option] of table) if (flags & bit) options[option] = true;
  return options as T;
}
