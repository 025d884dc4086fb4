import { type ErrorDomain, VirtError } from '../errors/index.js';
import type { DomainEventPayload, LifecycleEventDetail, LifecycleEventType } from '../events/index.js';
import { isActiveState, type StateReason, type StateWithReason } from '../state/index.js';
import type { LifecycleConfig } from './lifecycle-actions.js';
import type {
  PolicyAction,
  PolicyDecision,
  PolicyFlags,
  PolicyInput,
  PolicyJob,
  PolicyOptions,
  PolicyState,
  PowerRequestMode,
} from './policy-types.js';

export const NO_POLICY_FLAGS: PolicyFlags = { fakeReboot: false, pausedShutdown: false };

const RUNNING_BOOTED: StateWithReason = { state: 'running', reason: 'booted' };

interface Change {
  to?: StateWithReason;
  flags?: Partial<PolicyFlags>;
  emit?: DomainEventPayload[];
  do?: PolicyAction[];
}

function outcome(current: PolicyState, change: Change = {}): PolicyDecision {
  const to = change.to ?? current;
  return {
    next: {
      ...({ state: to.state, reason: to.reason } as StateWithReason),
      flags: { ...current.flags, ...change.flags },
    },
    emit: change.emit ?? [],
    do: change.do ?? [],
  };
}

function lifecycle<T extends LifecycleEventType>(
  type: T,
  detail: LifecycleEventDetail<T>,
): DomainEventPayload {
  return { id: 'lifecycle', type, detail } as DomainEventPayload;
}

function isAsyncJob(job: PolicyJob): boolean {
  return job !== 'none' && job !== 'modify';
}

function invalid(detail: string, domain: ErrorDomain | undefined): VirtError {
  return new VirtError('OPERATION_INVALID', detail, domain === undefined ? {} : { domain });
}

/** The domain leaves the active states: status flags go with the process. */
function stopDomain(
  current: PolicyState,
  reason: StateReason<'shutoff'>,
  detail: LifecycleEventDetail<'stopped'>,
  before: Change = {},
): PolicyDecision {
  return outcome(current, {
    to: { state: 'shutoff', reason },
    flags: NO_POLICY_FLAGS,
    emit: [...(before.emit ?? []), lifecycle('stopped', detail)],
    do: before.do ?? [],
  });
}

/**
 * Restarts the guest after `change` (qemuProcessShutdownOrReboot → qemuProcessFakeReboot:
 * system_reset, then cont). A hypervisor that cannot reset in place kills and starts it
 * again, and libvirt then reports the stop and a fresh boot (libxlDomainShutdownHandleRestart).
 */
function restartGuest(
  current: PolicyState,
  options: PolicyOptions,
  stoppedAs: LifecycleEventDetail<'stopped'>,
  change: Change,
): PolicyDecision {
  const before = change.do ?? [];
  if (options.resetInPlace === false) {
    return outcome(current, {
      to: RUNNING_BOOTED,
      flags: NO_POLICY_FLAGS,
      emit: [...(change.emit ?? []), lifecycle('stopped', stoppedAs), lifecycle('started', 'booted')],
      do: [...before, 'restart'],
    });
  }
  return outcome(current, { ...change, do: [...before, 'reset', 'continue'] });
}

/** qemuProcessHandleShutdown: a fake reboot (or on_poweroff=restart) hides the shutdown. */
function guestShutdown(
  current: PolicyState,
  guestInitiated: boolean | undefined,
  def: LifecycleConfig,
  options: PolicyOptions,
): PolicyDecision {
  if (current.state === 'shutdown' || !isActiveState(current.state)) return outcome(current);
  if (current.flags.fakeReboot || def.onPoweroff === 'restart') {
    return restartGuest(current, options, 'shutdown', { flags: { pausedShutdown: true } });
  }
  const detail = guestInitiated === undefined ? 'finished' : guestInitiated ? 'guest' : 'host';
  return outcome(current, {
    to: { state: 'shutdown', reason: 'unknown' },
    emit: [lifecycle('shutdown', detail)],
    // An async job keeps the process alive; job-ended finishes the shutdown.
    do: isAsyncJob(current.job) ? [] : ['kill'],
  });
}

/**
 * qemuProcessHandleStop: only a running guest becomes paused, and not while a
 * guest shutdown waits for our reset (the pause is transient then).
 */
function pauseGuest(
  current: PolicyState,
  reason: StateReason<'paused'>,
  actions: PolicyAction[] = [],
): PolicyDecision {
  if (current.state !== 'running' || current.flags.pausedShutdown) return outcome(current, { do: actions });
  return outcome(current, {
    to: { state: 'paused', reason },
    emit: [lifecycle('suspended', reason === 'migration' ? 'migrated' : 'paused')],
    do: actions,
  });
}

/** qemuProcessHandleResume: any stopped-looking state becomes running; a running guest stays silent. */
function resumeGuest(
  current: PolicyState,
  reason: StateReason<'running'>,
  actions: PolicyAction[] = [],
): PolicyDecision {
  const flags = { pausedShutdown: false };
  if (current.state === 'running') return outcome(current, { flags, do: actions });
  return outcome(current, {
    to: { state: 'running', reason },
    flags,
    emit: [lifecycle('resumed', 'unpaused')],
    do: actions,
  });
}

/** The paused reason an async job gives the vCPUs it stops (qemuProcessStopCPUs callers). */
const JOB_PAUSED_REASONS: Partial<Record<PolicyJob, StateReason<'paused'>>> = {
  'migration-out': 'migration',
  save: 'save',
  dump: 'dump',
  snapshot: 'snapshot',
};

/** qemuDomainSuspend names the pause after the async job that asks for it, if any. */
const SUSPEND_REASONS: Partial<Record<PolicyJob, StateReason<'paused'>>> = {
  'migration-out': 'migration',
  snapshot: 'snapshot',
};

/** processGuestPanicEvent: crashed(panicked) first, then on_crash. */
function guestPanicked(current: PolicyState, def: LifecycleConfig, options: PolicyOptions): PolicyDecision {
  if (!isActiveState(current.state)) return outcome(current);
  const crashed: Change = {
    to: { state: 'crashed', reason: 'panicked' },
    emit: [lifecycle('crashed', 'panicked')],
  };
  const dump: PolicyAction[] = def.onCrash.startsWith('coredump-') ? ['dump'] : [];
  // Crashed and reported while the dump, kill or reset runs.
  const interim = { next: outcome(current, crashed).next, emitted: 1 };
  switch (def.onCrash) {
    case 'destroy':
    case 'coredump-destroy':
      return {
        ...stopDomain(current, 'crashed', 'crashed', { emit: crashed.emit, do: [...dump, 'kill'] }),
        interim,
      };
    case 'restart':
    case 'coredump-restart':
      return {
        ...restartGuest(current, options, 'crashed', { ...crashed, flags: { fakeReboot: true }, do: dump }),
        interim,
      };
    default:
      // preserve keeps the guest for debugging; libvirt's QEMU driver treats rename-restart alike.
      return outcome(current, crashed);
  }
}

/**
 * Asks the guest to power off or reboot itself. Through ACPI a reboot is a power-off
 * we turn into a reset when it completes (fake reboot); the agent reboots the guest itself.
 */
function askGuest(current: PolicyState, mode: PowerRequestMode | undefined, reboot: boolean): PolicyDecision {
  if (mode !== undefined && mode !== 'acpi')
    return outcome(current, { flags: { fakeReboot: false }, do: [reboot ? 'guest-reboot' : 'power-down'] });
  return outcome(current, { flags: { fakeReboot: reboot }, do: ['power-down'] });
}

/**
 * A guest that is gone asking to come back (a container's init ended by reboot(2), or powered
 * off under on_poweroff=restart) is started afresh with the same definition; libvirt's LXC
 * driver reports only a reboot and keeps the state and reason (virLXCProcessReboot).
 */
function restartGone(current: PolicyState): PolicyDecision {
  return outcome(current, { flags: NO_POLICY_FLAGS, emit: [{ id: 'reboot' }], do: ['restart'] });
}

const RESTARTS: readonly string[] = ['restart', 'rename-restart'];

/**
 * The lifecycle policy: what a domain in `current` does on `input`, given its
 * on_poweroff/on_reboot/on_crash. Pure: the caller performs `do` in order, saves
 * `next`, then emits `emit`. Host requests that libvirt refuses throw its VirtError.
 */
export function decide(
  current: PolicyState,
  input: PolicyInput,
  def: LifecycleConfig,
  options: PolicyOptions = {},
): PolicyDecision {
  const active = isActiveState(current.state);
  const refuse = (detail: string) => invalid(detail, options.errorDomain);
  switch (input.type) {
    case 'guest-shutdown':
      return guestShutdown(current, input.guestInitiated, def, options);

    case 'guest-stopped':
      // qemuProcessHandleStop
      return pauseGuest(current, JOB_PAUSED_REASONS[current.job] ?? 'unknown');

    case 'guest-resumed':
      // qemuProcessHandleResume; a crashed guest resumes only from its on_crash restart (qemuProcessFakeReboot)
      if (!active) return outcome(current);
      if (current.state === 'crashed') return resumeGuest(current, 'crashed');
      // qemuProcessFakeReboot's cont: the guest never left running (STOP was ignored), so the
      // RESUME handler changes nothing and the reason stays what it was (libvirtd 9.0 shows
      // running (unpaused) after an ACPI reboot of a guest once suspended and resumed).
      if (current.flags.pausedShutdown) {
        const to = options.restartBoots ? RUNNING_BOOTED : current;
        return outcome(current, { to, flags: { pausedShutdown: false } });
      }
      return resumeGuest(current, 'unpaused');

    case 'guest-reset':
      // qemuProcessHandleReset: resets while starting up are libvirt's own
      if (!active || (current.state === 'paused' && current.reason === 'starting-up'))
        return outcome(current);
      // on_reboot=destroy makes a guest reboot a shutdown (qemuProcessSetupLifecycleActions: reboot=shutdown)
      if (input.guestInitiated === true && def.onReboot === 'destroy')
        return guestShutdown(current, true, def, options);
      return outcome(current, { flags: { fakeReboot: false }, emit: [{ id: 'reboot' }] });

    case 'guest-panicked':
      return guestPanicked(current, def, options);

    case 'guest-gone':
      // processMonitorEOFEvent: without a shutdown first, the emulator crashed
      if (!active) return outcome(current);
      if (input.reboot === true) {
        return RESTARTS.includes(def.onReboot)
          ? restartGone(current)
          : stopDomain(current, 'shutdown', 'shutdown');
      }
      if (input.expected === true && RESTARTS.includes(def.onPoweroff)) return restartGone(current);
      if (current.state === 'shutdown' || input.expected === true)
        return stopDomain(current, 'shutdown', 'shutdown');
      return stopDomain(current, 'crashed', 'failed');

    case 'host-start': {
      // qemuDomainObjStart / qemuProcessFinishStartup; a paused start also reports suspended(paused)
      if (active) throw refuse('domain is already running');
      const paused = input.paused === true;
      if (paused) {
        return outcome(current, {
          to: { state: 'paused', reason: 'user' },
          flags: NO_POLICY_FLAGS,
          emit: [lifecycle('started', 'booted'), lifecycle('suspended', 'paused')],
          do: ['start'],
        });
      }
      // qemuProcessStartCPUs: the cont's RESUME reports resumed(unpaused) before the start completes
      const continued = options.startsPaused === true;
      return outcome(current, {
        to: RUNNING_BOOTED,
        flags: NO_POLICY_FLAGS,
        emit: continued
          ? [lifecycle('resumed', 'unpaused'), lifecycle('started', 'booted')]
          : [lifecycle('started', 'booted')],
        do: continued ? ['start', 'continue'] : ['start'],
      });
    }

    case 'host-shutdown':
      // qemuDomainShutdownFlags: on_poweroff=restart turns the shutdown into a fake reboot
      if (options.shutdownNeedsRunning === false ? !active : current.state !== 'running')
        throw refuse('domain is not running');
      return askGuest(
        current,
        input.mode,
        def.onPoweroff === 'restart' || def.onPoweroff === 'rename-restart',
      );

    case 'host-reboot':
      // qemuDomainReboot: on_reboot=destroy/preserve turns the reboot into a shutdown
      if (!active) throw refuse('domain is not running');
      return askGuest(current, input.mode, def.onReboot !== 'destroy' && def.onReboot !== 'preserve');

    case 'host-destroy':
      // qemuDomainDestroyFlags
      if (!active) throw refuse('domain is not running');
      return stopDomain(current, 'destroyed', 'destroyed', { do: ['kill'] });

    case 'host-suspend':
      // qemuDomainSuspend: suspending a paused domain succeeds without doing anything
      if (!active) throw refuse('domain is not running');
      if (current.state === 'pmsuspended') throw refuse('domain is pmsuspended');
      if (current.state === 'paused') return outcome(current);
      return pauseGuest(current, SUSPEND_REASONS[current.job] ?? 'user', ['pause']);

    case 'host-resume':
      // qemuDomainResume: only paused and panicked guests have vCPUs to continue
      if (!active) throw refuse('domain is not running');
      if (current.state === 'pmsuspended') throw refuse('domain is pmsuspended');
      if (current.state === 'running') throw refuse('domain is already running');
      if (current.state === 'paused' || (current.state === 'crashed' && current.reason === 'panicked')) {
        return resumeGuest(current, 'unpaused', ['continue']);
      }
      return outcome(current);

    case 'job-ended':
      // a shutdown the async job kept alive is finished now
      return outcome(current, { do: current.state === 'shutdown' ? ['kill'] : [] });
  }
}
