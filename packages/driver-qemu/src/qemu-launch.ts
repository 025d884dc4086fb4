import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DomainDef } from '@virtkit/core';
import { buildQemuArgv, DEFAULT_HOST_CONTEXT } from './argv/index.js';
import { shortDomainName } from './argv/short-name.js';
import type { QemuCaps } from './caps/index.js';
import type { QemuDriverPaths } from './driver-paths.js';
import { prepareHostNetwork, releaseHostNetwork } from './host-network/index.js';
import { killProcess, launchDetached, waitForMonitorSocket } from './process/index.js';
import { connectQmp, type QmpClient, type QmpCloseInfo, type QmpEvent } from './qmp/index.js';

/** One run of a domain's QEMU: what the manager holds while it lives. */
export interface QemuRun {
  readonly pid: number;
  readonly qmp: QmpClient;
  readonly monitorPath: string;
  /** Private per-run directories, removed when the run ends. */
  readonly dirs: readonly string[];
}

export interface LaunchRequest {
  def: DomainDef;
  id: number;
  caps: QemuCaps;
  paths: QemuDriverPaths;
  onEvent: (event: QmpEvent) => void;
  onClose: (info: QmpCloseInfo) => void;
}

/**
 * Starts QEMU paused (-S) for `def` and connects to its monitor, as qemuProcessLaunch does;
 * the caller starts the vCPUs. Leaves no process or directory behind when it fails.
 */
export async function launchQemu(request: LaunchRequest): Promise<QemuRun> {
  const { def, id, caps, paths } = request;
  const { runDir, domainDir, monitorPath, dirs } = runLayout(paths, id, def.name);
  const logPath = join(paths.logDir, `${def.name}.log`);
  for (const dir of [...dirs, paths.logDir]) await mkdir(dir, { recursive: true, mode: 0o750 });
  // The key QEMU decrypts secrets with (-object secret,id=masterKey0): fresh per run, as
  // qemuDomainMasterKeyCreate makes it, readable by QEMU alone.
  await writeFile(join(domainDir, 'master-key.aes'), randomBytes(32), { mode: 0o600 });
  let pid: number | undefined;
  try {
    const network = await prepareHostNetwork(def, runDir);
    const command = buildQemuArgv(network.def, caps, {
      ...DEFAULT_HOST_CONTEXT,
      id,
      libDir: paths.libDir,
      monitorPath,
      isHostCdrom: () => false,
      tapBackend: network.tapBackend,
    });
    const [binary = '', ...args] = command.argv;
    const launched = await launchDetached({
      binary,
      args,
      logPath,
      pidfilePath: join(runDir, 'qemu.pid'),
      env: Object.fromEntries(command.env),
    });
    pid = launched.pid;
    await waitForMonitorSocket(monitorPath, { ...launched, logPath });
    const qmp = await connectQmp(monitorPath, {
      vmName: def.name,
      retryMs: 1000,
      onEvent: request.onEvent,
      onClose: request.onClose,
    });
    // qemuProcessSetupLifecycleActions: on_reboot=destroy makes QEMU turn a guest reset into a
    // shutdown (kept paused by -no-shutdown), before the vCPUs ever run.
    if (def.onReboot === 'destroy') {
      await qmp.executeUnchecked('set-action', { reboot: 'shutdown' }).catch(async (error: unknown) => {
        await qmp.close();
        throw error;
      });
    }
    return { pid, qmp, monitorPath, dirs };
  } catch (error) {
    if (pid !== undefined) await killProcess(pid, { termTimeoutMs: 2000 }).catch(() => {});
    await removeRunDirs(dirs);
    throw error;
  }
}

/** Where run `id` of domain `name` keeps its files: a reattach finds them by the same rule. */
export function runLayout(paths: QemuDriverPaths, id: number, name: string) {
  const runName = `domain-${shortDomainName(id, name)}`;
  const runDir = join(paths.stateDir, runName);
  const domainDir = join(paths.libDir, runName);
  return { runDir, domainDir, monitorPath: join(runDir, 'monitor.sock'), dirs: [runDir, domainDir] };
}

export interface ReattachRequest {
  name: string;
  id: number;
  pid: number;
  monitorPath: string;
  paths: QemuDriverPaths;
  onEvent: (event: QmpEvent) => void;
  onClose: (info: QmpCloseInfo) => void;
}

/**
 * Takes over the run a previous manager left (qemuProcessReconnect): connects to its monitor,
 * which QEMU keeps listening on for the next client.
 */
export async function reattachQemu(request: ReattachRequest): Promise<QemuRun> {
  const { name, id, pid, monitorPath } = request;
  const qmp = await connectQmp(monitorPath, {
    vmName: name,
    onEvent: request.onEvent,
    onClose: request.onClose,
  });
  return { pid, qmp, monitorPath, dirs: runLayout(request.paths, id, name).dirs };
}

/** Ends a run's host state: the taps recorded in its run directory, then its directories. */
export async function removeRunDirs(dirs: readonly string[]): Promise<void> {
  // The run directory comes first, as runLayout lists them.
  const [runDir] = dirs;
  if (runDir !== undefined) await releaseHostNetwork(runDir);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
}
