import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type DomainDef, formatDomainXml, killProcess, VirtError, waitForExit } from '@virtkit/core';
import { ContainerCgroup } from '../cgroup/index.js';
import {
  type CgroupPlacement,
  type ControllerMessage,
  type ExitMessage,
  RUN_FILES,
  type VethEnd,
} from '../controller/protocol.js';
import { warmCgroupAttach } from '../controller/warm-cgroup-attach.js';
import { deleteVeths } from '../host-network/index.js';
import { MonitorClient } from './monitor-client.js';
import type { HandedController, SpareControllers } from './spare-controllers.js';

/** How a run reports to its domain once init runs. */
export interface RunHandlers {
  /** The container ended: the controller's exit message, or undefined when it went without one. */
  onExit(exit: ExitMessage | undefined): void;
}

/** One run of a container: the controller the manager is connected to, and what it reported. */
export interface ContainerRun {
  /** The controller's pid: the domain's id, as libvirt's vm->pid. */
  readonly pid: number;
  readonly runDir: string;
  readonly monitorPath: string;
  readonly monitor: MonitorClient;
  initPid: number | undefined;
  cgroup: CgroupPlacement | undefined;
  veths: readonly VethEnd[];
}

const START_TIMEOUT_MS = 30_000;

function lxcError(code: 'INTERNAL_ERROR' | 'OPERATION_FAILED', detail: string): VirtError {
  return new VirtError(code, detail, { domain: 'LXC' });
}

/** libvirt's start failure: "guest failed to start: …" with what the container's setup said. */
function failedToStart(detail: string | undefined): VirtError {
  const text = (detail ?? '').trim();
  if (text.startsWith('guest failed to start')) return lxcError('INTERNAL_ERROR', text);
  return lxcError('INTERNAL_ERROR', `guest failed to start: ${text === '' ? 'unknown error' : text}`);
}

/** A run as it is put together: its monitor comes once connected. */
type RunState = Omit<ContainerRun, 'monitor'> & { monitor?: MonitorClient };

function runState(pid: number, runDir: string): RunState {
  const monitorPath = join(runDir, RUN_FILES.monitor);
  return { pid, runDir, monitorPath, initPid: undefined, cgroup: undefined, veths: [] };
}

/** Follows a run's messages: the status fields, and its one end. */
function track(run: RunState, message: ControllerMessage): void {
  if (message.event === 'running' || message.event === 'status') {
    if (message.initPid !== undefined) run.initPid = message.initPid;
    if (message.cgroup !== undefined) run.cgroup = message.cgroup;
    if (message.veths !== undefined) run.veths = message.veths;
  }
}

async function readLogSince(logPath: string, offset: number): Promise<string> {
  const text = await readFile(logPath, 'utf8').catch(() => '');
  return Buffer.from(text).subarray(offset).toString('utf8').trim();
}

/** The exit message a controller left for a later manager, if any. */
export async function readExitFile(runDir: string): Promise<ExitMessage | undefined> {
  try {
    const exit = JSON.parse(await readFile(join(runDir, RUN_FILES.exit), 'utf8')) as ExitMessage;
    return exit.event === 'exit' ? exit : undefined;
  } catch {
    return undefined;
  }
}

export interface LaunchRequest {
  /** The live definition; written to live.xml for the controller. */
  def: DomainDef;
  runDir: string;
  logPath: string;
  handlers: RunHandlers;
  /** Where the run's controller comes from. */
  spares: SpareControllers;
}

/**
 * Starts a container (virLXCProcessStart): writes the run directory, hands it to a controller,
 * connects to its monitor once it listens and waits until init runs. Rejects with libvirt's "guest
 * failed to start" and leaves no process, cgroup, veth or file behind when the container does not
 * come up.
 */
export async function launchContainer(request: LaunchRequest): Promise<ContainerRun> {
  const { def, runDir, logPath, spares } = request;
  warmCgroupAttach();
  await rm(runDir, { recursive: true, force: true });
  await mkdir(runDir, { recursive: true, mode: 0o700 });
  await writeFile(join(runDir, RUN_FILES.def), formatDomainXml(def), { mode: 0o600 });
  try {
    return await launchWith(request, await spares.hand(runDir, logPath, def.name, START_TIMEOUT_MS));
  } finally {
    spares.refill();
  }
}

async function launchWith(request: LaunchRequest, handed: HandedController): Promise<ContainerRun> {
  const { runDir, logPath } = request;
  const { pid, logOffset } = handed;
  let run: ContainerRun | undefined;
  try {
    if (!handed.ready) {
      const exit = await readExitFile(runDir);
      throw failedToStart(exit?.message ?? (await readLogSince(logPath, logOffset)));
    }
    run = await new Promise<ContainerRun>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(lxcError('OPERATION_FAILED', 'timed out waiting for the container to start')),
        START_TIMEOUT_MS,
      );
      let started = false;
      let exited = false;
      const state = runState(pid, runDir);
      const finish = (error: VirtError | undefined) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(state as ContainerRun);
      };
      MonitorClient.connect(state.monitorPath, {
        onMessage: (message) => {
          track(state, message);
          if (message.event === 'exit') {
            exited = true;
            if (started) request.handlers.onExit(message);
            else finish(failedToStart(message.message));
          } else if (!started && (message.event === 'running' || message.phase === 'running')) {
            started = true;
            finish(undefined);
          }
        },
        onClose: () => {
          if (exited) return;
          if (started) request.handlers.onExit(undefined);
          else void readLogSince(logPath, logOffset).then((log) => finish(failedToStart(log)));
        },
      }).then(
        (monitor) => {
          state.monitor = monitor;
        },
        (error: unknown) => finish(failedToStart(error instanceof Error ? error.message : String(error))),
      );
    });
    return run;
  } catch (error) {
    await discardRun({ pid, runDir, cgroup: run?.cgroup, veths: run?.veths ?? [] });
    throw error;
  }
}

export interface ReattachRequest {
  pid: number;
  runDir: string;
  handlers: RunHandlers;
}

/**
 * Takes over a controller a previous manager left (virLXCProcessReconnectDomain): connects to its
 * monitor and reads the `status` it sends first. Rejects when the controller does not answer.
 */
export async function reattachContainer(request: ReattachRequest): Promise<ContainerRun> {
  const state = runState(request.pid, request.runDir);
  let exited = false;
  let answered: (() => void) | undefined;
  let failed: ((error: Error) => void) | undefined;
  const firstStatus = new Promise<void>((resolve, reject) => {
    answered = resolve;
    failed = reject;
  });
  const monitor = await MonitorClient.connect(state.monitorPath, {
    onMessage: (message) => {
      track(state, message);
      if (message.event === 'exit') {
        exited = true;
        failed?.(new Error('the container ended'));
        request.handlers.onExit(message);
      } else answered?.();
    },
    onClose: () => {
      failed?.(new Error('the controller closed its monitor'));
      if (!exited) request.handlers.onExit(undefined);
    },
  });
  state.monitor = monitor;
  const timeout = sleep(5000).then(() => {
    throw new Error('the controller did not answer');
  });
  try {
    await Promise.race([firstStatus, timeout]);
  } catch (error) {
    // An exit already reached the handlers: the run is over, not unanswered.
    if (!exited) {
      await monitor.close();
      throw error;
    }
  }
  return state as ContainerRun;
}

export interface RunRemains {
  pid: number;
  runDir: string;
  cgroup: CgroupPlacement | undefined;
  veths: readonly VethEnd[];
}

/**
 * Makes sure nothing of a run is left (virLXCProcessCleanup): every process of its cgroup killed,
 * the controller gone (it ends on its own once init is gone; SIGTERM, then SIGKILL if it lingers),
 * the cgroup removed, host veth ends deleted, the run directory removed.
 */
export async function discardRun(remains: RunRemains, options: { waitMs?: number } = {}): Promise<void> {
  const cgroup = remains.cgroup ? ContainerCgroup.at(remains.cgroup) : undefined;
  await cgroup?.killAll().catch(() => {});
  if (!(await waitForExit(remains.pid, options.waitMs ?? 5000))) {
    await killProcess(remains.pid, { termTimeoutMs: 5000, killTimeoutMs: 5000 }).catch(() => {});
    await cgroup?.killAll().catch(() => {});
  }
  await cgroup?.remove().catch(() => {});
  await deleteVeths(remains.veths.map((veth) => veth.hostName)).catch(() => {});
  await rm(remains.runDir, { recursive: true, force: true });
}
