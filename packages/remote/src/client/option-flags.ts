import type { ShutdownMode } from '@virtkit/core';

/**
 * libvirt's flag bits by core's option names (virDomainXMLFlags, virDomainCreateFlags, …):
 * each table turns an options object into the `flags` word a procedure carries.
 */
type FlagTable<T> = { readonly [K in keyof T]-?: number };

export function toFlags<T extends object>(table: FlagTable<T>, options: T): number {
  let flags = 0;
  for (const [name, bit] of Object.entries(table) as [keyof T & string, number][]) {
    if (options[name]) flags |= bit;
  }
  return flags;
}

export const XML_FLAGS = { secure: 1, inactive: 2, updateCpu: 4, migratable: 8 } as const;
export const DEFINE_FLAGS = { validate: 1 } as const;
export const CREATE_FLAGS = {
  paused: 1,
  autodestroy: 2,
  bypassCache: 4,
  forceBoot: 8,
  validate: 16,
  resetNvram: 32,
} as const;
export const DESTROY_FLAGS = { graceful: 1 } as const;
export const UNDEFINE_FLAGS = {
  managedSave: 1,
  snapshotsMetadata: 2,
  nvram: 4,
  keepNvram: 8,
  checkpointsMetadata: 16,
  tpm: 32,
  keepTpm: 64,
} as const;
/** virDomainConsoleFlags. */
export const CONSOLE_FLAGS = { force: 1, safe: 2 } as const;
export const VCPU_FLAGS = { live: 1, config: 2, maximum: 4, guest: 8 } as const;

/** virDomainShutdownFlagValues, which virDomainRebootFlagValues repeats bit for bit. */
const SHUTDOWN_MODE_BITS: Readonly<Record<ShutdownMode, number>> = {
  acpi: 1,
  agent: 2,
  initctl: 4,
  signal: 8,
  paravirt: 16,
};

export function shutdownFlags(modes: readonly ShutdownMode[] = []): number {
  return modes.reduce((flags, mode) => flags | SHUTDOWN_MODE_BITS[mode], 0);
}

/** virConnectListAllDomainsFlags used to read a listing's attributes from the server. */
export const LIST_FLAGS = {
  active: 1,
  persistent: 4,
  managedSave: 256,
  autostart: 1024,
} as const;
