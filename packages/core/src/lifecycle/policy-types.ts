import type { ErrorDomain } from '../errors/index.js';
import type { DomainEventPayload } from '../events/index.js';
import type { AsyncJobKind } from '../jobs/index.js';
import type { StateWithReason } from '../state/index.js';

/** What the hypervisor reports about the guest, in hypervisor-neutral words. */
export type GuestEvent =
  /**
   * The guest powered off, or finished a power-down we asked for (QEMU's SHUTDOWN).
   * `guestInitiated` is absent when the hypervisor does not say who asked.
   */
  | { type: 'guest-shutdown'; guestInitiated?: boolean }
  /** The vCPUs stopped (QEMU's STOP). */
  | { type: 'guest-stopped' }
  /** The vCPUs run again (QEMU's RESUME). */
  | { type: 'guest-resumed' }
  /** The virtual hardware was reset (QEMU's RESET): by the guest rebooting, or by us. */
  | { type: 'guest-reset'; guestInitiated?: boolean }
  /** The guest kernel panicked (QEMU's GUEST_PANICKED). */
  | { type: 'guest-panicked' }
  /**
   * The hypervisor process or container is gone. libvirt decides by state: after a
   * shutdown it is a normal stop, otherwise the emulator crashed. `expected` lets a
   * hypervisor without a shutdown notification (a container whose init exited
   * cleanly) report an orderly exit; QEMU drivers leave it out. `reboot` says the guest
   * asked for a reboot as it went (a container's init ended by reboot(2)).
   */
  | { type: 'guest-gone'; expected?: boolean; reboot?: boolean };

/**
 * How a power-down or reboot reaches the guest: ACPI power button or guest agent (virtual
 * machines), the init control FIFO or a signal to init (containers).
 */
export type PowerRequestMode = 'acpi' | 'agent' | 'initctl' | 'signal';

/** What a client asked for (virDomainShutdown, virDomainReboot, …) or the manager noticed. */
export type HostRequest =
  | { type: 'host-start'; paused?: boolean }
  | { type: 'host-shutdown'; mode?: PowerRequestMode }
  | { type: 'host-reboot'; mode?: PowerRequestMode }
  | { type: 'host-destroy' }
  | { type: 'host-suspend' }
  | { type: 'host-resume' }
  /** The async job that held the domain ended. */
  | { type: 'job-ended' };

export type PolicyInput = GuestEvent | HostRequest;

/**
 * What the driver must do, in order. `power-down` and `guest-reboot` go through the
 * channel the request named (`guest-reboot` comes with every mode but ACPI, which reboots
 * by fake reboot); `restart` is cold (kill what is left, then start again), `reset` +
 * `continue` is QEMU's warm one.
 */
export type PolicyAction =
  | 'start'
  | 'reset'
  | 'continue'
  | 'pause'
  | 'kill'
  | 'power-down'
  | 'guest-reboot'
  | 'restart'
  | 'dump';

/** What libvirt keeps beside state and reason (qemuDomainObjPrivate) for these rules. */
export interface PolicyFlags {
  /** A reboot we asked for is being carried out as power-off, reset and continue. */
  fakeReboot: boolean;
  /** The hypervisor stopped the vCPUs on a guest shutdown and waits for our reset. */
  pausedShutdown: boolean;
}

/** Which job holds the domain: none, a synchronous modify job, or an async job. */
export type PolicyJob = 'none' | 'modify' | AsyncJobKind;

export type PolicyNext = StateWithReason & { flags: PolicyFlags };

export type PolicyState = PolicyNext & { job: PolicyJob };

export interface PolicyDecision {
  next: PolicyNext;
  /** Events to emit, in order, after `next` has been saved. */
  emit: DomainEventPayload[];
  do: PolicyAction[];
  /**
   * What the domain shows while `do` runs, when that differs from before: libvirt marks a
   * panicked guest crashed and reports it before dumping or stopping it. A driver whose actions
   * take time saves `interim.next` and emits the first `interim.emitted` events of `emit` first.
   */
  interim?: { next: PolicyNext; emitted: number };
}

export interface PolicyOptions {
  /**
   * Whether the hypervisor can restart a guest in place (QEMU with -no-shutdown:
   * system_reset then cont). Without it a restart is a cold one, reported as
   * libvirt's libxl driver does: stopped, then started(booted). Default true.
   */
  resetInPlace?: boolean;
  /**
   * Whether a shutdown request needs a running guest (QEMU: qemuDomainShutdownFlags) or any
   * active one (libvirt's test, LXC and libxl drivers only check that it is active). Default true.
   */
  shutdownNeedsRunning?: boolean;
  /**
   * The hypervisor starts a guest with its vCPUs stopped and then continues them (QEMU's -S,
   * then cont): libvirt then reports resumed(unpaused) before started(booted). Default false.
   */
  startsPaused?: boolean;
  /**
   * A restart in place reports `running (booted)`, as libvirt's test driver sets it (testDomainReboot).
   * QEMU's keeps the running reason the guest had: its RESUME handler sees a guest that never
   * stopped. Default false.
   */
  restartBoots?: boolean;
  /** Error domain for the errors host requests raise (the driver's VIR_FROM_*). Default NONE. */
  errorDomain?: ErrorDomain;
}
