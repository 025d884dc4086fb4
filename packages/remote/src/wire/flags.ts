import type { ShutdownMode } from '@virtkit/core';

/** virConnectFlags' VIR_CONNECT_RO, as CONNECT_OPEN carries it. */
export const CONNECT_RO = 1;
/** VIR_DRV_FEATURE_PROGRAM_KEEPALIVE: the server answers keepalive PINGs. */
export const FEATURE_PROGRAM_KEEPALIVE = 10;

/**
 * libvirt's flag bits by core's option names (virDomainXMLFlags, virDomainCreateFlags, …): the
 * client turns an options object into the `flags` word a procedure carries, the server turns it back.
 */
export type FlagTable<T> = { readonly [K in keyof T]-?: number };

/** virDomainXMLFlags. */
export const XML_FLAGS = { secure: 1, inactive: 2, updateCpu: 4, migratable: 8 } as const;
export const DEFINE_FLAGS = { validate: 1 } as const;
/** virDomainCreateFlags; VALIDATE only means something to createXML. */
export const START_FLAGS = {
  paused: 1,
  autodestroy: 2,
  bypassCache: 4,
  forceBoot: 8,
  resetNvram: 32,
} as const;
export const CREATE_FLAGS = { ...START_FLAGS, validate: 16 } as const;
export const DESTROY_FLAGS = { graceful: 1 } as const;
/** virDomainUndefineFlagsValues. */
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
/** virDomainVcpuFlags: AFFECT_LIVE, AFFECT_CONFIG, VCPU_MAXIMUM, VCPU_GUEST. */
export const VCPU_FLAGS = { live: 1, config: 2, maximum: 4, guest: 8 } as const;

/** virDomainShutdownFlagValues, which virDomainRebootFlagValues repeats bit for bit. */
export const SHUTDOWN_MODE_FLAGS: FlagTable<Record<ShutdownMode, boolean>> = {
  acpi: 1,
  agent: 2,
  initctl: 4,
  signal: 8,
  paravirt: 16,
};

/** virConnectListAllDomainsFlags: each attribute's bit and its negation's. */
export const LIST_FLAGS = {
  active: { on: 1, off: 2 },
  persistent: { on: 4, off: 8 },
  managedSave: { on: 256, off: 512 },
  autostart: { on: 1024, off: 2048 },
} as const;
/** virConnectListAllDomainsFlags' state bits. */
export const LIST_STATE_FLAGS = { running: 16, paused: 32, shutoff: 64, other: 128 } as const;
