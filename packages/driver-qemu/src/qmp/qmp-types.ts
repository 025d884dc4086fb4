/**
 * The slice of QEMU's QMP schema (qapi/*.json) that the driver speaks, typed. Anything else
 * goes through `QmpClient.executeUnchecked`.
 */

export interface QmpVersionTriple {
  major: number;
  minor: number;
  micro: number;
}

export interface QmpVersionInfo {
  qemu: QmpVersionTriple;
  package: string;
}

/** The first line QEMU sends on a fresh monitor connection. */
export interface QmpGreeting {
  QMP: { version: QmpVersionInfo; capabilities: string[] };
}

/** qapi RunState, as `query-status` reports it. */
export type QmpRunState =
  | 'debug'
  | 'inmigrate'
  | 'internal-error'
  | 'io-error'
  | 'paused'
  | 'postmigrate'
  | 'prelaunch'
  | 'finish-migrate'
  | 'restore-vm'
  | 'running'
  | 'save-vm'
  | 'shutdown'
  | 'suspended'
  | 'watchdog'
  | 'guest-panicked'
  | 'colo';

/** qapi ShutdownCause: why SHUTDOWN or RESET was sent. */
export type QmpShutdownCause =
  | 'none'
  | 'host-error'
  | 'host-qmp-quit'
  | 'host-qmp-system-reset'
  | 'host-signal'
  | 'host-ui'
  | 'guest-shutdown'
  | 'guest-reset'
  | 'guest-panic'
  | 'subsystem-reset'
  | 'snapshot-load';

export interface QmpMachineInfo {
  name: string;
  alias?: string;
  'is-default'?: boolean;
  'cpu-max': number;
  'hotpluggable-cpus': boolean;
  'numa-mem-supported': boolean;
  deprecated: boolean;
  'default-cpu-type'?: string;
  'default-ram-id'?: string;
  acpi?: boolean;
}

export interface QmpCpuDefinitionInfo {
  name: string;
  'migration-safe'?: boolean;
  static: boolean;
  'unavailable-features'?: string[];
  typename: string;
  'alias-of'?: string;
  deprecated: boolean;
}

export interface QmpObjectTypeInfo {
  name: string;
  abstract?: boolean;
  parent?: string;
}

type Empty = Record<string, never>;

/** Command name → its arguments (`undefined`: takes none) and the type of its `return`. */
export interface QmpCommandMap {
  qmp_capabilities: { args: { enable?: string[] } | undefined; return: Empty };
  'query-status': {
    args: undefined;
    /** `singlestep` is gone since QEMU 8.1. */
    return: { running: boolean; status: QmpRunState; singlestep?: boolean };
  };
  cont: { args: undefined; return: Empty };
  stop: { args: undefined; return: Empty };
  system_powerdown: { args: undefined; return: Empty };
  system_reset: { args: undefined; return: Empty };
  quit: { args: undefined; return: Empty };
  'query-version': { args: undefined; return: QmpVersionInfo };
  'query-machines': { args: { 'compat-props'?: boolean } | undefined; return: QmpMachineInfo[] };
  'query-cpu-definitions': { args: undefined; return: QmpCpuDefinitionInfo[] };
  'query-kvm': { args: undefined; return: { enabled: boolean; present: boolean } };
  'qom-list-types': {
    args: { implements?: string; abstract?: boolean } | undefined;
    return: QmpObjectTypeInfo[];
  };
  'query-commands': { args: undefined; return: { name: string }[] };
}

export type QmpCommandName = keyof QmpCommandMap;

/** The argument list `execute` takes for a command: none, optional, or required. */
export type QmpCommandArgs<C extends QmpCommandName> = undefined extends QmpCommandMap[C]['args']
  ? [args?: QmpCommandMap[C]['args']]
  : [args: QmpCommandMap[C]['args']];

export type QmpCommandReturn<C extends QmpCommandName> = QmpCommandMap[C]['return'];

/** Event name → its `data` (qapi/run-state.json and friends). */
export interface QmpEventMap {
  SHUTDOWN: { guest: boolean; reason: QmpShutdownCause };
  POWERDOWN: Empty;
  RESET: { guest: boolean; reason: QmpShutdownCause };
  STOP: Empty;
  RESUME: Empty;
  SUSPEND: Empty;
  WAKEUP: Empty;
  GUEST_PANICKED: { action: 'pause' | 'poweroff' | 'run'; info?: Record<string, unknown> };
}

export interface QmpTimestamp {
  seconds: number;
  microseconds: number;
}

/** An event as it came off the wire; narrow it with `isQmpEvent`. */
export interface QmpEvent {
  event: string;
  data: Record<string, unknown>;
  timestamp: QmpTimestamp;
}

export type KnownQmpEvent<E extends keyof QmpEventMap> = QmpEvent & { event: E; data: QmpEventMap[E] };

export function isQmpEvent<E extends keyof QmpEventMap>(event: QmpEvent, name: E): event is KnownQmpEvent<E> {
  return event.event === name;
}

/** The `error` member of a failed reply. */
export interface QmpErrorBody {
  class: string;
  desc: string;
}
