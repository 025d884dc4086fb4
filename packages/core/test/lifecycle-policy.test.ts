import { describe, expect, it } from 'vitest';
import {
  type DomainEventPayload,
  decide,
  isVirtError,
  LIFECYCLE_ACTIONS,
  type LifecycleAction,
  type LifecycleConfig,
  NO_POLICY_FLAGS,
  POWER_LIFECYCLE_ACTIONS,
  type PolicyAction,
  type PolicyFlags,
  type PolicyInput,
  type PolicyJob,
  type PolicyOptions,
  type PolicyState,
  type StateWithReason,
} from '../src/index.js';

const STATES = {
  running: { state: 'running', reason: 'booted' },
  unpaused: { state: 'running', reason: 'unpaused' },
  paused: { state: 'paused', reason: 'user' },
  startingUp: { state: 'paused', reason: 'starting-up' },
  shutdown: { state: 'shutdown', reason: 'unknown' },
  shutoff: { state: 'shutoff', reason: 'shutdown' },
  crashed: { state: 'crashed', reason: 'panicked' },
  pmsuspended: { state: 'pmsuspended', reason: 'unknown' },
} as const satisfies Record<string, StateWithReason>;

type StateName = keyof typeof STATES;

/** The states every input is checked from; the others appear where a rule names them. */
const MAIN_STATES: readonly StateName[] = ['running', 'paused', 'shutdown', 'crashed', 'shutoff'];

const FAKE_REBOOT: PolicyFlags = { fakeReboot: true, pausedShutdown: false };
const PAUSED_SHUTDOWN: PolicyFlags = { fakeReboot: true, pausedShutdown: true };

type When = { [K in keyof LifecycleConfig]?: readonly LifecycleAction[] };

const ALL: When = {};
const POWEROFF_RESTART: When = { onPoweroff: ['restart'] };
const POWEROFF_NO_RESTART: When = { onPoweroff: ['destroy', 'preserve', 'rename-restart'] };
const POWEROFF_ANY_RESTART: When = { onPoweroff: ['restart', 'rename-restart'] };
const POWEROFF_NO_ANY_RESTART: When = { onPoweroff: ['destroy', 'preserve'] };
const REBOOT_RESTARTS: When = { onReboot: ['restart', 'rename-restart'] };
const REBOOT_STOPS: When = { onReboot: ['destroy', 'preserve'] };

interface Expected {
  to?: StateWithReason;
  flags?: PolicyFlags;
  /** `type(detail)` for lifecycle events, the id otherwise. */
  emit?: string[];
  do?: PolicyAction[];
}

interface Row {
  from: StateName;
  flags?: PolicyFlags;
  job?: PolicyJob;
  input: PolicyInput;
  when: When;
  options?: PolicyOptions;
  /** Outcome, or the message of the VirtError libvirt raises. */
  expect: Expected | string;
}

const shutdownKill = (detail: string): Expected => ({
  to: STATES.shutdown,
  emit: [`shutdown(${detail})`],
  do: ['kill'],
});
const fakeRebootStep: Expected = {
  flags: { fakeReboot: false, pausedShutdown: true },
  do: ['reset', 'continue'],
};
const reboot: Expected = { flags: NO_POLICY_FLAGS, emit: ['reboot'] };
const restarted: Expected = { flags: NO_POLICY_FLAGS, emit: ['reboot'], do: ['restart'] };
const crashedOnly: Expected = { to: STATES.crashed, emit: ['crashed(panicked)'] };
const stoppedAs = (reason: 'shutdown' | 'crashed' | 'destroyed', detail: string): Expected => ({
  to: { state: 'shutoff', reason },
  flags: NO_POLICY_FLAGS,
  emit: [`stopped(${detail})`],
});
const destroyed: Expected = { ...stoppedAs('destroyed', 'destroyed'), do: ['kill'] };
const paused = (
  reason: 'user' | 'unknown' | 'migration' | 'snapshot' | 'save' | 'dump',
  act: PolicyAction[],
) =>
  ({
    to: { state: 'paused', reason },
    emit: [`suspended(${reason === 'migration' ? 'migrated' : 'paused'})`],
    do: act,
  }) satisfies Expected;
const resumed = (reason: 'unpaused' | 'crashed', act: PolicyAction[] = []): Expected => ({
  to: { state: 'running', reason },
  emit: ['resumed(unpaused)'],
  do: act,
});
const nothing: Expected = {};
const NOT_RUNNING = 'Requested operation is not valid: domain is not running';
const ALREADY_RUNNING = 'Requested operation is not valid: domain is already running';
const PMSUSPENDED = 'Requested operation is not valid: domain is pmsuspended';
const COLD: PolicyOptions = { resetInPlace: false };
const ANY_ACTIVE: PolicyOptions = { shutdownNeedsRunning: false };
const STARTS_PAUSED: PolicyOptions = { startsPaused: true };
const coldRestart = (
  stopped: string,
  before: string[] = [],
  act: PolicyAction[] = ['restart'],
): Expected => ({
  to: STATES.running,
  flags: NO_POLICY_FLAGS,
  emit: [...before, `stopped(${stopped})`, 'started(booted)'],
  do: act,
});

const shutdownGuest: PolicyInput = { type: 'guest-shutdown', guestInitiated: true };
const guestReset: PolicyInput = { type: 'guest-reset', guestInitiated: true };
const panic: PolicyInput = { type: 'guest-panicked' };

/** on_crash's outcomes for a guest that panics in `from`. */
function panicRows(from: StateName, options?: PolicyOptions): Row[] {
  const stop = (act: PolicyAction[]): Expected => ({
    ...stoppedAs('crashed', 'crashed'),
    emit: ['crashed(panicked)', 'stopped(crashed)'],
    do: act,
  });
  const restart = (dump: PolicyAction[]): Expected =>
    options
      ? coldRestart('crashed', ['crashed(panicked)'], [...dump, 'restart'])
      : { ...crashedOnly, flags: FAKE_REBOOT, do: [...dump, 'reset', 'continue'] };
  const row = (onCrash: LifecycleAction[], expected: Expected): Row => ({
    from,
    input: panic,
    when: { onCrash },
    expect: expected,
    ...(options && { options }),
  });
  return [
    row(['destroy'], stop(['kill'])),
    row(['coredump-destroy'], stop(['dump', 'kill'])),
    row(['restart'], restart([])),
    row(['coredump-restart'], restart(['dump'])),
    row(['preserve', 'rename-restart'], crashedOnly),
  ];
}

const ROWS: Row[] = [
  // qemuProcessHandleShutdown
  { from: 'running', input: shutdownGuest, when: POWEROFF_NO_RESTART, expect: shutdownKill('guest') },
  {
    from: 'running',
    input: { type: 'guest-shutdown', guestInitiated: false },
    when: POWEROFF_NO_RESTART,
    expect: shutdownKill('host'),
  },
  {
    from: 'running',
    input: { type: 'guest-shutdown', guestInitiated: false },
    when: POWEROFF_RESTART,
    expect: fakeRebootStep,
  },
  {
    from: 'running',
    input: { type: 'guest-shutdown' },
    when: POWEROFF_NO_RESTART,
    expect: shutdownKill('finished'),
  },
  { from: 'running', input: { type: 'guest-shutdown' }, when: POWEROFF_RESTART, expect: fakeRebootStep },
  { from: 'running', input: shutdownGuest, when: POWEROFF_RESTART, expect: fakeRebootStep },
  {
    from: 'running',
    flags: FAKE_REBOOT,
    input: shutdownGuest,
    when: ALL,
    expect: { ...fakeRebootStep, flags: PAUSED_SHUTDOWN },
  },
  {
    from: 'running',
    job: 'backup',
    input: shutdownGuest,
    when: POWEROFF_NO_RESTART,
    expect: { ...shutdownKill('guest'), do: [] },
  },
  { from: 'running', job: 'backup', input: shutdownGuest, when: POWEROFF_RESTART, expect: fakeRebootStep },
  {
    from: 'running',
    job: 'modify',
    input: shutdownGuest,
    when: POWEROFF_NO_RESTART,
    expect: shutdownKill('guest'),
  },
  { from: 'running', job: 'modify', input: shutdownGuest, when: POWEROFF_RESTART, expect: fakeRebootStep },
  { from: 'paused', input: shutdownGuest, when: POWEROFF_NO_RESTART, expect: shutdownKill('guest') },
  { from: 'paused', input: shutdownGuest, when: POWEROFF_RESTART, expect: fakeRebootStep },
  { from: 'crashed', input: shutdownGuest, when: POWEROFF_NO_RESTART, expect: shutdownKill('guest') },
  { from: 'crashed', input: shutdownGuest, when: POWEROFF_RESTART, expect: fakeRebootStep },
  { from: 'shutdown', input: shutdownGuest, when: ALL, expect: nothing },
  { from: 'shutoff', input: shutdownGuest, when: ALL, expect: nothing },
  {
    from: 'running',
    input: shutdownGuest,
    when: POWEROFF_RESTART,
    options: COLD,
    expect: coldRestart('shutdown'),
  },
  {
    from: 'running',
    input: shutdownGuest,
    when: POWEROFF_NO_RESTART,
    options: COLD,
    expect: shutdownKill('guest'),
  },
  {
    from: 'running',
    flags: FAKE_REBOOT,
    input: shutdownGuest,
    when: ALL,
    options: COLD,
    expect: coldRestart('shutdown'),
  },

  // qemuProcessHandleStop
  { from: 'running', input: { type: 'guest-stopped' }, when: ALL, expect: paused('unknown', []) },
  {
    from: 'running',
    job: 'migration-out',
    input: { type: 'guest-stopped' },
    when: ALL,
    expect: paused('migration', []),
  },
  { from: 'running', job: 'save', input: { type: 'guest-stopped' }, when: ALL, expect: paused('save', []) },
  { from: 'running', job: 'dump', input: { type: 'guest-stopped' }, when: ALL, expect: paused('dump', []) },
  {
    from: 'running',
    job: 'snapshot',
    input: { type: 'guest-stopped' },
    when: ALL,
    expect: paused('snapshot', []),
  },
  {
    from: 'running',
    job: 'backup',
    input: { type: 'guest-stopped' },
    when: ALL,
    expect: paused('unknown', []),
  },
  { from: 'running', flags: PAUSED_SHUTDOWN, input: { type: 'guest-stopped' }, when: ALL, expect: nothing },
  { from: 'paused', input: { type: 'guest-stopped' }, when: ALL, expect: nothing },
  { from: 'shutdown', input: { type: 'guest-stopped' }, when: ALL, expect: nothing },
  { from: 'crashed', input: { type: 'guest-stopped' }, when: ALL, expect: nothing },
  { from: 'shutoff', input: { type: 'guest-stopped' }, when: ALL, expect: nothing },

  // qemuProcessHandleResume
  { from: 'running', input: { type: 'guest-resumed' }, when: ALL, expect: nothing },
  {
    from: 'running',
    flags: PAUSED_SHUTDOWN,
    input: { type: 'guest-resumed' },
    when: ALL,
    expect: { flags: FAKE_REBOOT },
  },
  // qemuProcessFakeReboot's cont leaves the running reason as it was (seen on libvirtd 9.0)
  {
    from: 'unpaused',
    flags: PAUSED_SHUTDOWN,
    input: { type: 'guest-resumed' },
    when: ALL,
    expect: { flags: FAKE_REBOOT },
  },
  { from: 'paused', input: { type: 'guest-resumed' }, when: ALL, expect: resumed('unpaused') },
  { from: 'shutdown', input: { type: 'guest-resumed' }, when: ALL, expect: resumed('unpaused') },
  { from: 'crashed', input: { type: 'guest-resumed' }, when: ALL, expect: resumed('crashed') },
  { from: 'shutoff', input: { type: 'guest-resumed' }, when: ALL, expect: nothing },

  // qemuProcessHandleReset; on_reboot=destroy makes QEMU report a guest reboot as a shutdown
  {
    from: 'running',
    input: guestReset,
    when: { onReboot: ['restart', 'rename-restart', 'preserve'] },
    expect: reboot,
  },
  {
    from: 'running',
    input: guestReset,
    when: { onReboot: ['destroy'], ...POWEROFF_NO_RESTART },
    expect: shutdownKill('guest'),
  },
  {
    from: 'running',
    input: guestReset,
    when: { onReboot: ['destroy'], ...POWEROFF_RESTART },
    expect: fakeRebootStep,
  },
  { from: 'running', input: { type: 'guest-reset', guestInitiated: false }, when: ALL, expect: reboot },
  { from: 'running', input: { type: 'guest-reset' }, when: ALL, expect: reboot },
  {
    from: 'running',
    flags: PAUSED_SHUTDOWN,
    input: { type: 'guest-reset' },
    when: ALL,
    expect: { flags: { fakeReboot: false, pausedShutdown: true }, emit: ['reboot'] },
  },
  { from: 'paused', input: { type: 'guest-reset' }, when: ALL, expect: reboot },
  { from: 'shutdown', input: { type: 'guest-reset' }, when: ALL, expect: reboot },
  { from: 'crashed', input: { type: 'guest-reset' }, when: ALL, expect: reboot },
  { from: 'startingUp', input: { type: 'guest-reset' }, when: ALL, expect: nothing },
  { from: 'shutoff', input: { type: 'guest-reset' }, when: ALL, expect: nothing },

  // processGuestPanicEvent
  ...(['running', 'paused', 'shutdown', 'crashed'] as const).flatMap((from) => panicRows(from)),
  ...panicRows('running', COLD),
  { from: 'shutoff', input: panic, when: ALL, expect: nothing },

  // processMonitorEOFEvent
  { from: 'shutdown', input: { type: 'guest-gone' }, when: ALL, expect: stoppedAs('shutdown', 'shutdown') },
  { from: 'running', input: { type: 'guest-gone' }, when: ALL, expect: stoppedAs('crashed', 'failed') },
  {
    from: 'running',
    flags: PAUSED_SHUTDOWN,
    input: { type: 'guest-gone' },
    when: ALL,
    expect: stoppedAs('crashed', 'failed'),
  },
  {
    from: 'running',
    input: { type: 'guest-gone', expected: true },
    when: POWEROFF_NO_ANY_RESTART,
    expect: stoppedAs('shutdown', 'shutdown'),
  },
  // virLXCProcessReboot: a container that went asking to come back is started again, quietly
  {
    from: 'running',
    input: { type: 'guest-gone', expected: true },
    when: POWEROFF_ANY_RESTART,
    expect: restarted,
  },
  ...(['running', 'paused'] as const).flatMap((from): Row[] => [
    { from, input: { type: 'guest-gone', reboot: true }, when: REBOOT_RESTARTS, expect: restarted },
    {
      from,
      input: { type: 'guest-gone', reboot: true },
      when: REBOOT_STOPS,
      expect: stoppedAs('shutdown', 'shutdown'),
    },
  ]),
  { from: 'shutoff', input: { type: 'guest-gone', reboot: true }, when: ALL, expect: nothing },
  { from: 'paused', input: { type: 'guest-gone' }, when: ALL, expect: stoppedAs('crashed', 'failed') },
  { from: 'crashed', input: { type: 'guest-gone' }, when: ALL, expect: stoppedAs('crashed', 'failed') },
  { from: 'shutoff', input: { type: 'guest-gone' }, when: ALL, expect: nothing },

  // qemuDomainObjStart
  {
    from: 'shutoff',
    input: { type: 'host-start' },
    when: ALL,
    expect: { to: STATES.running, emit: ['started(booted)'], do: ['start'] },
  },
  {
    from: 'shutoff',
    input: { type: 'host-start', paused: true },
    when: ALL,
    expect: { to: STATES.paused, emit: ['started(booted)', 'suspended(paused)'], do: ['start'] },
  },
  // qemuProcessStartCPUs: QEMU starts stopped (-S) and the cont's RESUME comes first
  {
    from: 'shutoff',
    input: { type: 'host-start' },
    when: ALL,
    options: STARTS_PAUSED,
    expect: {
      to: STATES.running,
      emit: ['resumed(unpaused)', 'started(booted)'],
      do: ['start', 'continue'],
    },
  },
  {
    from: 'shutoff',
    input: { type: 'host-start', paused: true },
    when: ALL,
    options: STARTS_PAUSED,
    expect: { to: STATES.paused, emit: ['started(booted)', 'suspended(paused)'], do: ['start'] },
  },
  ...(['running', 'paused', 'shutdown', 'crashed'] as const).map(
    (from): Row => ({ from, input: { type: 'host-start' }, when: ALL, expect: ALREADY_RUNNING }),
  ),

  // qemuDomainShutdownFlags
  {
    from: 'running',
    input: { type: 'host-shutdown' },
    when: POWEROFF_NO_ANY_RESTART,
    expect: { do: ['power-down'] },
  },
  {
    from: 'running',
    input: { type: 'host-shutdown', mode: 'acpi' },
    when: POWEROFF_ANY_RESTART,
    expect: { flags: FAKE_REBOOT, do: ['power-down'] },
  },
  {
    from: 'running',
    input: { type: 'host-shutdown', mode: 'acpi' },
    when: POWEROFF_NO_ANY_RESTART,
    expect: { do: ['power-down'] },
  },
  {
    from: 'running',
    input: { type: 'host-shutdown' },
    when: POWEROFF_ANY_RESTART,
    expect: { flags: FAKE_REBOOT, do: ['power-down'] },
  },
  {
    from: 'running',
    flags: FAKE_REBOOT,
    input: { type: 'host-shutdown', mode: 'agent' },
    when: POWEROFF_NO_ANY_RESTART,
    expect: { flags: NO_POLICY_FLAGS, do: ['power-down'] },
  },
  {
    from: 'running',
    flags: FAKE_REBOOT,
    input: { type: 'host-shutdown', mode: 'agent' },
    when: POWEROFF_ANY_RESTART,
    expect: { flags: NO_POLICY_FLAGS, do: ['guest-reboot'] },
  },
  ...(['paused', 'shutdown', 'crashed', 'shutoff', 'pmsuspended'] as const).map(
    (from): Row => ({ from, input: { type: 'host-shutdown' }, when: ALL, expect: NOT_RUNNING }),
  ),
  // lxcDomainShutdownFlags / lxcDomainReboot: init is asked through its FIFO or a signal
  ...(['initctl', 'signal'] as const).flatMap((mode): Row[] => [
    {
      from: 'running',
      input: { type: 'host-shutdown', mode },
      when: POWEROFF_NO_ANY_RESTART,
      expect: { do: ['power-down'] },
    },
    {
      from: 'running',
      input: { type: 'host-shutdown', mode },
      when: POWEROFF_ANY_RESTART,
      expect: { do: ['guest-reboot'] },
    },
    {
      from: 'running',
      input: { type: 'host-reboot', mode },
      when: REBOOT_RESTARTS,
      expect: { do: ['guest-reboot'] },
    },
    {
      from: 'running',
      input: { type: 'host-reboot', mode },
      when: REBOOT_STOPS,
      expect: { do: ['power-down'] },
    },
  ]),
  // libvirt's test, LXC and libxl drivers power down any active domain
  {
    from: 'paused',
    input: { type: 'host-shutdown' },
    when: POWEROFF_NO_ANY_RESTART,
    options: ANY_ACTIVE,
    expect: { do: ['power-down'] },
  },
  {
    from: 'paused',
    input: { type: 'host-shutdown' },
    when: POWEROFF_ANY_RESTART,
    options: ANY_ACTIVE,
    expect: { flags: FAKE_REBOOT, do: ['power-down'] },
  },
  {
    from: 'shutoff',
    input: { type: 'host-shutdown' },
    when: ALL,
    options: ANY_ACTIVE,
    expect: NOT_RUNNING,
  },

  // qemuDomainReboot
  {
    from: 'running',
    flags: FAKE_REBOOT,
    input: { type: 'host-reboot', mode: 'acpi' },
    when: REBOOT_RESTARTS,
    expect: { flags: FAKE_REBOOT, do: ['power-down'] },
  },
  {
    from: 'running',
    flags: FAKE_REBOOT,
    input: { type: 'host-reboot', mode: 'acpi' },
    when: REBOOT_STOPS,
    expect: { flags: NO_POLICY_FLAGS, do: ['power-down'] },
  },
  {
    from: 'running',
    flags: FAKE_REBOOT,
    input: { type: 'host-reboot', mode: 'agent' },
    when: REBOOT_RESTARTS,
    expect: { flags: NO_POLICY_FLAGS, do: ['guest-reboot'] },
  },
  {
    from: 'running',
    flags: FAKE_REBOOT,
    input: { type: 'host-reboot', mode: 'agent' },
    when: REBOOT_STOPS,
    expect: { flags: NO_POLICY_FLAGS, do: ['power-down'] },
  },
  ...(['running', 'paused', 'shutdown', 'crashed'] as const).flatMap((from): Row[] => [
    {
      from,
      input: { type: 'host-reboot' },
      when: REBOOT_RESTARTS,
      expect: { flags: FAKE_REBOOT, do: ['power-down'] },
    },
    { from, input: { type: 'host-reboot' }, when: REBOOT_STOPS, expect: { do: ['power-down'] } },
  ]),
  { from: 'shutoff', input: { type: 'host-reboot' }, when: ALL, expect: NOT_RUNNING },

  // qemuDomainDestroyFlags
  { from: 'running', input: { type: 'host-destroy' }, when: ALL, expect: destroyed },
  {
    from: 'running',
    flags: PAUSED_SHUTDOWN,
    job: 'dump',
    input: { type: 'host-destroy' },
    when: ALL,
    expect: destroyed,
  },
  { from: 'paused', input: { type: 'host-destroy' }, when: ALL, expect: destroyed },
  { from: 'shutdown', input: { type: 'host-destroy' }, when: ALL, expect: destroyed },
  { from: 'crashed', input: { type: 'host-destroy' }, when: ALL, expect: destroyed },
  { from: 'shutoff', input: { type: 'host-destroy' }, when: ALL, expect: NOT_RUNNING },

  // qemuDomainSuspend (the state change itself is qemuProcessHandleStop's)
  { from: 'running', input: { type: 'host-suspend' }, when: ALL, expect: paused('user', ['pause']) },
  {
    from: 'running',
    job: 'migration-out',
    input: { type: 'host-suspend' },
    when: ALL,
    expect: paused('migration', ['pause']),
  },
  {
    from: 'running',
    job: 'snapshot',
    input: { type: 'host-suspend' },
    when: ALL,
    expect: paused('snapshot', ['pause']),
  },
  {
    from: 'running',
    job: 'dump',
    input: { type: 'host-suspend' },
    when: ALL,
    expect: paused('user', ['pause']),
  },
  {
    from: 'running',
    flags: PAUSED_SHUTDOWN,
    input: { type: 'host-suspend' },
    when: ALL,
    expect: { do: ['pause'] },
  },
  { from: 'paused', input: { type: 'host-suspend' }, when: ALL, expect: nothing },
  { from: 'shutdown', input: { type: 'host-suspend' }, when: ALL, expect: { do: ['pause'] } },
  { from: 'crashed', input: { type: 'host-suspend' }, when: ALL, expect: { do: ['pause'] } },
  { from: 'pmsuspended', input: { type: 'host-suspend' }, when: ALL, expect: PMSUSPENDED },
  { from: 'shutoff', input: { type: 'host-suspend' }, when: ALL, expect: NOT_RUNNING },

  // qemuDomainResume
  { from: 'paused', input: { type: 'host-resume' }, when: ALL, expect: resumed('unpaused', ['continue']) },
  { from: 'crashed', input: { type: 'host-resume' }, when: ALL, expect: resumed('unpaused', ['continue']) },
  { from: 'running', input: { type: 'host-resume' }, when: ALL, expect: ALREADY_RUNNING },
  { from: 'shutdown', input: { type: 'host-resume' }, when: ALL, expect: nothing },
  { from: 'pmsuspended', input: { type: 'host-resume' }, when: ALL, expect: PMSUSPENDED },
  { from: 'shutoff', input: { type: 'host-resume' }, when: ALL, expect: NOT_RUNNING },

  // the kill an async job held back
  { from: 'shutdown', job: 'backup', input: { type: 'job-ended' }, when: ALL, expect: { do: ['kill'] } },
  { from: 'running', input: { type: 'job-ended' }, when: ALL, expect: nothing },
  { from: 'paused', input: { type: 'job-ended' }, when: ALL, expect: nothing },
  { from: 'crashed', input: { type: 'job-ended' }, when: ALL, expect: nothing },
  { from: 'shutoff', input: { type: 'job-ended' }, when: ALL, expect: nothing },
];

function configs(when: When): LifecycleConfig[] {
  const list: LifecycleConfig[] = [];
  for (const onPoweroff of when.onPoweroff ?? POWER_LIFECYCLE_ACTIONS)
    for (const onReboot of when.onReboot ?? POWER_LIFECYCLE_ACTIONS)
      for (const onCrash of when.onCrash ?? LIFECYCLE_ACTIONS) list.push({ onPoweroff, onReboot, onCrash });
  return list;
}

function label(event: DomainEventPayload): string {
  return event.id === 'lifecycle' ? `${event.type}(${event.detail})` : event.id;
}

function start(row: Row): PolicyState {
  return { ...STATES[row.from], flags: row.flags ?? NO_POLICY_FLAGS, job: row.job ?? 'none' };
}

function title(row: Row): string {
  const extras = [
    row.flags && JSON.stringify(row.flags),
    row.job,
    row.options && JSON.stringify(row.options),
  ].filter(Boolean);
  const when = Object.entries(row.when).map(([key, values]) => `${key}=${values.join('|')}`);
  return `${JSON.stringify(row.input)} from ${row.from} ${extras.join(' ')} ${when.join(' ')}`.trim();
}

describe('lifecycle policy table', () => {
  it.each(ROWS.map((row) => [title(row), row] as const))('%s', (_title, row) => {
    for (const def of configs(row.when)) {
      const current = start(row);
      const context = `${title(row)} with ${JSON.stringify(def)}`;
      if (typeof row.expect === 'string') {
        let thrown: unknown;
        try {
          decide(current, row.input, def, row.options);
        } catch (error) {
          thrown = error;
        }
        expect(isVirtError(thrown, 'OPERATION_INVALID'), context).toBe(true);
        expect((thrown as Error).message, context).toBe(row.expect);
        continue;
      }
      const decision = decide(current, row.input, def, row.options);
      const to = row.expect.to ?? STATES[row.from];
      expect(
        {
          state: decision.next.state,
          reason: decision.next.reason,
          flags: decision.next.flags,
          emit: decision.emit.map(label),
          do: decision.do,
        },
        context,
      ).toEqual({
        state: to.state,
        reason: to.reason,
        flags: row.expect.flags ?? current.flags,
        emit: row.expect.emit ?? [],
        do: row.expect.do ?? [],
      });
    }
  });

  it('decides every on_poweroff × on_reboot × on_crash combination exactly once per start and input', () => {
    const counts = new Map<string, number>();
    for (const row of ROWS) {
      const key = JSON.stringify([row.from, row.flags, row.job, row.input, row.options]);
      for (const def of configs(row.when)) {
        const combo = `${key} ${JSON.stringify(def)}`;
        counts.set(combo, (counts.get(combo) ?? 0) + 1);
      }
    }
    const groups = new Set(
      ROWS.map((row) => JSON.stringify([row.from, row.flags, row.job, row.input, row.options])),
    );
    expect([...counts.values()].every((count) => count === 1)).toBe(true);
    expect(counts.size).toBe(groups.size * configs(ALL).length);
  });

  it('checks every input from every main state', () => {
    const inputTypes = new Set(ROWS.map((row) => row.input.type));
    expect(inputTypes.size).toBe(13);
    for (const type of inputTypes) {
      const from = new Set(ROWS.filter((row) => row.input.type === type).map((row) => row.from));
      expect([type, MAIN_STATES.filter((state) => !from.has(state))]).toEqual([type, []]);
    }
  });

  it('raises its errors in the domain the driver names', () => {
    const current: PolicyState = { ...STATES.shutoff, flags: NO_POLICY_FLAGS, job: 'none' };
    const def: LifecycleConfig = { onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'destroy' };
    expect(() => decide(current, { type: 'host-destroy' }, def, { errorDomain: 'QEMU' })).toThrow(
      expect.objectContaining({ code: 'OPERATION_INVALID', domain: 'QEMU' }),
    );
  });
});
