import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIFECYCLE_CONFIG,
  type DomainEventPayload,
  decide,
  isVirtError,
  type LifecycleConfig,
  NO_POLICY_FLAGS,
  type PolicyAction,
  type PolicyFlags,
  type PolicyInput,
  type PolicyOptions,
  type PolicyState,
  type ReplayStep,
  replay,
  type StateWithReason,
} from '../src/index.js';

const RUNNING_BOOTED: StateWithReason = { state: 'running', reason: 'booted' };

interface Step {
  input: PolicyInput;
  to: StateWithReason;
  flags: PolicyFlags;
  emit: DomainEventPayload[];
  do: PolicyAction[];
}

function running(overrides: Partial<PolicyState> = {}): PolicyState {
  return { ...RUNNING_BOOTED, flags: NO_POLICY_FLAGS, job: 'none', ...overrides } as PolicyState;
}

/** Replays the inputs of `steps` and checks each decision against its step, in order. */
function expectTrace(
  start: PolicyState,
  def: LifecycleConfig,
  steps: Step[],
  options?: PolicyOptions,
): ReplayStep[] {
  const result = replay(
    start,
    steps.map((step) => step.input),
    def,
    options,
  );
  result.steps.forEach((actual, index) => {
    const wanted = steps[index] as Step;
    expect(
      {
        step: index,
        state: actual.next.state,
        reason: actual.next.reason,
        flags: actual.next.flags,
        emit: actual.emit,
        do: actual.do,
      },
      JSON.stringify(wanted.input),
    ).toEqual({
      step: index,
      state: wanted.to.state,
      reason: wanted.to.reason,
      flags: wanted.flags,
      emit: wanted.emit,
      do: wanted.do,
    });
  });
  return result.steps;
}

const fake = (fakeReboot: boolean, pausedShutdown: boolean): PolicyFlags => ({ fakeReboot, pausedShutdown });

describe('fake reboot', () => {
  it('carries a host ACPI reboot through power-off, reset and continue without leaving running (booted)', () => {
    const steps = expectTrace(running(), DEFAULT_LIFECYCLE_CONFIG, [
      {
        input: { type: 'host-reboot', mode: 'acpi' },
        to: RUNNING_BOOTED,
        flags: fake(true, false),
        emit: [],
        do: ['power-down'],
      },
      {
        input: { type: 'guest-shutdown', guestInitiated: false },
        to: RUNNING_BOOTED,
        flags: fake(true, true),
        emit: [],
        do: ['reset', 'continue'],
      },
      { input: { type: 'guest-stopped' }, to: RUNNING_BOOTED, flags: fake(true, true), emit: [], do: [] },
      {
        input: { type: 'guest-reset', guestInitiated: false },
        to: RUNNING_BOOTED,
        flags: fake(false, true),
        emit: [{ id: 'reboot' }],
        do: [],
      },
      { input: { type: 'guest-resumed' }, to: RUNNING_BOOTED, flags: NO_POLICY_FLAGS, emit: [], do: [] },
    ]);
    expect(steps.every((step) => step.next.state === 'running' && step.next.reason === 'booted')).toBe(true);
  });

  // libvirtd 9.0 shows running (unpaused) after an ACPI reboot of a resumed guest.
  it('keeps the running reason of a resumed guest through a fake reboot, without a resumed event', () => {
    const steps = replay(
      running({ state: 'running', reason: 'unpaused' }),
      [
        { type: 'host-reboot', mode: 'acpi' },
        { type: 'guest-shutdown', guestInitiated: false },
        { type: 'guest-stopped' },
        { type: 'guest-reset', guestInitiated: false },
        { type: 'guest-resumed' },
      ],
      DEFAULT_LIFECYCLE_CONFIG,
    ).steps;
    expect(steps.map((step) => `${step.next.state} (${step.next.reason})`)).toEqual([
      'running (unpaused)',
      'running (unpaused)',
      'running (unpaused)',
      'running (unpaused)',
      'running (unpaused)',
    ]);
    expect(steps.flatMap((step) => step.emit)).toEqual([{ id: 'reboot' }]);
  });

  it('turns a guest power-off into a reboot when on_poweroff=restart', () => {
    const def: LifecycleConfig = { ...DEFAULT_LIFECYCLE_CONFIG, onPoweroff: 'restart' };
    expectTrace(running(), def, [
      {
        input: { type: 'guest-shutdown', guestInitiated: true },
        to: RUNNING_BOOTED,
        flags: fake(false, true),
        emit: [],
        do: ['reset', 'continue'],
      },
      { input: { type: 'guest-stopped' }, to: RUNNING_BOOTED, flags: fake(false, true), emit: [], do: [] },
      {
        input: { type: 'guest-reset', guestInitiated: false },
        to: RUNNING_BOOTED,
        flags: fake(false, true),
        emit: [{ id: 'reboot' }],
        do: [],
      },
      { input: { type: 'guest-resumed' }, to: RUNNING_BOOTED, flags: NO_POLICY_FLAGS, emit: [], do: [] },
    ]);
  });

  it('asks the guest to power off instead when on_reboot=destroy, and then stops it', () => {
    const def: LifecycleConfig = { ...DEFAULT_LIFECYCLE_CONFIG, onReboot: 'destroy' };
    const shutdown: StateWithReason = { state: 'shutdown', reason: 'unknown' };
    expectTrace(running(), def, [
      {
        input: { type: 'host-reboot' },
        to: RUNNING_BOOTED,
        flags: NO_POLICY_FLAGS,
        emit: [],
        do: ['power-down'],
      },
      {
        input: { type: 'guest-shutdown', guestInitiated: false },
        to: shutdown,
        flags: NO_POLICY_FLAGS,
        emit: [{ id: 'lifecycle', type: 'shutdown', detail: 'host' }],
        do: ['kill'],
      },
      {
        input: { type: 'guest-gone' },
        to: { state: 'shutoff', reason: 'shutdown' },
        flags: NO_POLICY_FLAGS,
        emit: [{ id: 'lifecycle', type: 'stopped', detail: 'shutdown' }],
        do: [],
      },
    ]);
  });
});

describe('real shutdown', () => {
  const shutdown: StateWithReason = { state: 'shutdown', reason: 'unknown' };
  const shutoff: StateWithReason = { state: 'shutoff', reason: 'shutdown' };
  const stopped: DomainEventPayload = { id: 'lifecycle', type: 'stopped', detail: 'shutdown' };

  it('goes through shutdown to shut off when the guest powers off', () => {
    expectTrace(running(), DEFAULT_LIFECYCLE_CONFIG, [
      {
        input: { type: 'guest-shutdown', guestInitiated: true },
        to: shutdown,
        flags: NO_POLICY_FLAGS,
        emit: [{ id: 'lifecycle', type: 'shutdown', detail: 'guest' }],
        do: ['kill'],
      },
      { input: { type: 'guest-stopped' }, to: shutdown, flags: NO_POLICY_FLAGS, emit: [], do: [] },
      {
        input: { type: 'guest-shutdown', guestInitiated: true },
        to: shutdown,
        flags: NO_POLICY_FLAGS,
        emit: [],
        do: [],
      },
      {
        input: { type: 'guest-gone', expected: true },
        to: shutoff,
        flags: NO_POLICY_FLAGS,
        emit: [stopped],
        do: [],
      },
    ]);
  });

  it('keeps the guest process while an async job holds the domain and kills it when the job ends', () => {
    const steps = expectTrace(running({ job: 'backup' }), DEFAULT_LIFECYCLE_CONFIG, [
      {
        input: { type: 'host-shutdown' },
        to: RUNNING_BOOTED,
        flags: NO_POLICY_FLAGS,
        emit: [],
        do: ['power-down'],
      },
      {
        input: { type: 'guest-shutdown', guestInitiated: false },
        to: shutdown,
        flags: NO_POLICY_FLAGS,
        emit: [{ id: 'lifecycle', type: 'shutdown', detail: 'host' }],
        do: [],
      },
      { input: { type: 'job-ended' }, to: shutdown, flags: NO_POLICY_FLAGS, emit: [], do: ['kill'] },
      { input: { type: 'guest-gone' }, to: shutoff, flags: NO_POLICY_FLAGS, emit: [stopped], do: [] },
    ]);
    expect(steps).toHaveLength(4);
  });

  it('reports the death of an emulator that never shut down as a crash', () => {
    expectTrace(running(), DEFAULT_LIFECYCLE_CONFIG, [
      {
        input: { type: 'guest-gone' },
        to: { state: 'shutoff', reason: 'crashed' },
        flags: NO_POLICY_FLAGS,
        emit: [{ id: 'lifecycle', type: 'stopped', detail: 'failed' }],
        do: [],
      },
    ]);
  });
});

describe('host requests', () => {
  it('starts, suspends, resumes and destroys a domain with the events libvirt sends', () => {
    const paused: StateWithReason = { state: 'paused', reason: 'user' };
    const unpaused: StateWithReason = { state: 'running', reason: 'unpaused' };
    const destroyed: StateWithReason = { state: 'shutoff', reason: 'destroyed' };
    expectTrace(
      { state: 'shutoff', reason: 'shutdown', flags: NO_POLICY_FLAGS, job: 'none' },
      DEFAULT_LIFECYCLE_CONFIG,
      [
        {
          input: { type: 'host-start' },
          to: RUNNING_BOOTED,
          flags: NO_POLICY_FLAGS,
          emit: [{ id: 'lifecycle', type: 'started', detail: 'booted' }],
          do: ['start'],
        },
        {
          input: { type: 'host-suspend' },
          to: paused,
          flags: NO_POLICY_FLAGS,
          emit: [{ id: 'lifecycle', type: 'suspended', detail: 'paused' }],
          do: ['pause'],
        },
        { input: { type: 'guest-stopped' }, to: paused, flags: NO_POLICY_FLAGS, emit: [], do: [] },
        { input: { type: 'host-suspend' }, to: paused, flags: NO_POLICY_FLAGS, emit: [], do: [] },
        {
          input: { type: 'host-resume' },
          to: unpaused,
          flags: NO_POLICY_FLAGS,
          emit: [{ id: 'lifecycle', type: 'resumed', detail: 'unpaused' }],
          do: ['continue'],
        },
        { input: { type: 'guest-resumed' }, to: unpaused, flags: NO_POLICY_FLAGS, emit: [], do: [] },
        {
          input: { type: 'host-destroy' },
          to: destroyed,
          flags: NO_POLICY_FLAGS,
          emit: [{ id: 'lifecycle', type: 'stopped', detail: 'destroyed' }],
          do: ['kill'],
        },
        {
          input: { type: 'guest-gone', expected: true },
          to: destroyed,
          flags: NO_POLICY_FLAGS,
          emit: [],
          do: [],
        },
      ],
    );
  });

  it('stops a replay at the first request libvirt refuses', () => {
    let thrown: unknown;
    try {
      replay(
        running(),
        [{ type: 'host-suspend' }, { type: 'host-resume' }, { type: 'host-resume' }],
        DEFAULT_LIFECYCLE_CONFIG,
      );
    } catch (error) {
      thrown = error;
    }
    expect(isVirtError(thrown, 'OPERATION_INVALID')).toBe(true);
    expect((thrown as Error).message).toBe('Requested operation is not valid: domain is already running');
  });
});

describe('guest panic', () => {
  const crashed: StateWithReason = { state: 'crashed', reason: 'panicked' };
  const panicked: DomainEventPayload = { id: 'lifecycle', type: 'crashed', detail: 'panicked' };

  it('resets a panicked guest in place when on_crash=restart and reports it running (crashed)', () => {
    const def: LifecycleConfig = { ...DEFAULT_LIFECYCLE_CONFIG, onCrash: 'restart' };
    expectTrace(running(), def, [
      {
        input: { type: 'guest-panicked' },
        to: crashed,
        flags: fake(true, false),
        emit: [panicked],
        do: ['reset', 'continue'],
      },
      { input: { type: 'guest-stopped' }, to: crashed, flags: fake(true, false), emit: [], do: [] },
      {
        input: { type: 'guest-reset', guestInitiated: false },
        to: crashed,
        flags: NO_POLICY_FLAGS,
        emit: [{ id: 'reboot' }],
        do: [],
      },
      {
        input: { type: 'guest-resumed' },
        to: { state: 'running', reason: 'crashed' },
        flags: NO_POLICY_FLAGS,
        emit: [{ id: 'lifecycle', type: 'resumed', detail: 'unpaused' }],
        do: [],
      },
    ]);
  });

  it('dumps and stops a panicked guest when on_crash=coredump-destroy', () => {
    const def: LifecycleConfig = { ...DEFAULT_LIFECYCLE_CONFIG, onCrash: 'coredump-destroy' };
    expectTrace(running(), def, [
      {
        input: { type: 'guest-panicked' },
        to: { state: 'shutoff', reason: 'crashed' },
        flags: NO_POLICY_FLAGS,
        emit: [panicked, { id: 'lifecycle', type: 'stopped', detail: 'crashed' }],
        do: ['dump', 'kill'],
      },
      {
        input: { type: 'guest-gone', expected: true },
        to: { state: 'shutoff', reason: 'crashed' },
        flags: NO_POLICY_FLAGS,
        emit: [],
        do: [],
      },
    ]);
  });

  it('shows a panicked guest crashed and reports it before the dump and the stop run', () => {
    const def: LifecycleConfig = { ...DEFAULT_LIFECYCLE_CONFIG, onCrash: 'coredump-destroy' };
    const decision = decide(running(), { type: 'guest-panicked' }, def);
    expect(decision.interim).toEqual({ next: { ...crashed, flags: NO_POLICY_FLAGS }, emitted: 1 });
    expect(decision.emit.slice(0, decision.interim?.emitted)).toEqual([panicked]);
  });

  it('needs no interim state when the panicked guest is preserved', () => {
    const def: LifecycleConfig = { ...DEFAULT_LIFECYCLE_CONFIG, onCrash: 'preserve' };
    expect(decide(running(), { type: 'guest-panicked' }, def).interim).toBeUndefined();
  });
});

describe('cold restart', () => {
  it('kills and starts the guest again where the hypervisor cannot reset in place', () => {
    const def: LifecycleConfig = { ...DEFAULT_LIFECYCLE_CONFIG, onPoweroff: 'restart' };
    expectTrace(
      running(),
      def,
      [
        {
          input: { type: 'guest-shutdown', guestInitiated: true },
          to: RUNNING_BOOTED,
          flags: NO_POLICY_FLAGS,
          emit: [
            { id: 'lifecycle', type: 'stopped', detail: 'shutdown' },
            { id: 'lifecycle', type: 'started', detail: 'booted' },
          ],
          do: ['restart'],
        },
      ],
      { resetInPlace: false },
    );
  });
});

describe('the running reason after a restart in place', () => {
  const unpaused: StateWithReason = { state: 'running', reason: 'unpaused' };
  const rebootOf = (options: PolicyOptions) =>
    replay(
      running({ ...unpaused }),
      [
        { type: 'host-reboot', mode: 'acpi' },
        { type: 'guest-shutdown', guestInitiated: true },
        { type: 'guest-stopped' },
        { type: 'guest-reset', guestInitiated: false },
        { type: 'guest-resumed' },
      ],
      DEFAULT_LIFECYCLE_CONFIG,
      options,
    ).final;

  it('stays what it was on QEMU, whose RESUME handler finds the guest never stopped', () => {
    expect(rebootOf({})).toMatchObject(unpaused);
  });

  it('is booted where the driver sets it so (libvirt test driver)', () => {
    expect(rebootOf({ restartBoots: true })).toMatchObject(RUNNING_BOOTED);
  });
});
