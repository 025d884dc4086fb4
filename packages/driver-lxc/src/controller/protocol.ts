/**
 * What a container's controller (controller-main.ts, one detached process per running container,
 * like libvirt's libvirt_lxc) and the manager that started it say to each other. The controller
 * owns the run directory below; the manager writes `live.xml` before starting it.
 */

import type { HostTools } from './host-tools.js';

/** Where a controller's cgroup lives: one directory per cgroup v1 controller, or the one v2 directory. */
export interface CgroupPlacement {
  readonly version: 1 | 2;
  /** Absolute directories under /sys/fs/cgroup; v1 lists one per mounted controller hierarchy. */
  readonly dirs: readonly string[];
}

/** A veth pair the controller made for an `<interface>`: the host end stays, the peer moves in. */
export interface VethEnd {
  readonly hostName: string;
  readonly guestName: string;
}

/**
 * Messages from controller to manager on `monitor.sock`, one JSON object per line.
 * On every connection the controller first sends `status`, then the events as they happen.
 */
export type ControllerMessage =
  /** The run as it is now: `starting` until init has been exec'd, then `running`. */
  | {
      readonly event: 'status';
      readonly phase: 'starting' | 'running';
      readonly initPid?: number;
      readonly cgroup?: CgroupPlacement;
      readonly veths?: readonly VethEnd[];
    }
  /** init runs: its pid as the host sees it. */
  | {
      readonly event: 'running';
      readonly initPid: number;
      readonly cgroup: CgroupPlacement;
      readonly veths: readonly VethEnd[];
    }
  /**
   * The container is over (libvirt's virLXCMonitorExitStatus): `reboot` when init was ended by
   * reboot(2) (SIGHUP), `shutdown` for any other end of init, `error` when the controller could
   * not start it or failed itself (`message` says why, as libvirt's "guest failed to start").
   * The controller then removes its cgroup and sockets and exits.
   */
  | { readonly event: 'exit'; readonly reason: 'shutdown' | 'reboot' | 'error'; readonly message?: string };

/** The controller's last message: how the container ended. */
export type ExitMessage = Extract<ControllerMessage, { event: 'exit' }>;

/**
 * A console client's first line on `console.sock`; the controller answers one line
 * (`ConsoleReply`) and, when it accepts, the socket carries the console's bytes both ways.
 * One client at a time: `force` takes the console from the one that holds it.
 */
export interface ConsoleHello {
  readonly force?: boolean;
}

export type ConsoleReply =
  | { readonly ok: true }
  | { readonly ok: false; readonly error: 'busy' | 'not-running' };

/** The files of a run directory. */
export const RUN_FILES = {
  /** The live domain XML the manager wrote for this run (read once at start). */
  def: 'live.xml',
  monitor: 'monitor.sock',
  console: 'console.sock',
  /** The final `exit` message, written when no manager was connected to receive it. */
  exit: 'exit.json',
} as const;

/**
 * A spare controller (`controller-entry.cjs --spare <runParent>`) is started ahead by a manager and
 * waits on its IPC channel: the manager hands it one run directory, whose live.xml it has written;
 * the spare answers `ready` once monitor.sock and console.sock listen, then leaves the channel.
 * A spare whose channel closes before an assignment exits, so spares never outlive their manager.
 */
export interface SpareAssignment {
  readonly runDir: string;
  /** The container's log: the controller's stdout and stderr from now on. */
  readonly logPath: string;
  /** The host programs, found once by the manager: each controller looking them up (ldd) cost a burst of starts dearly. */
  readonly tools: HostTools;
}

export interface SpareReply {
  readonly ready: true;
}
