import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { type DomainDef, errnoCode, parseDomainXml, writeFileAtomic } from '@virtkit/core';
import { writeCgroupFile } from '../cgroup/cgroup-io.js';
import { type ContainerCgroup, createContainerCgroup } from '../cgroup/index.js';
import {
  createVeths,
  deleteVeths,
  moveVethsInto,
  needsOwnNetwork,
  planVeths,
  type VethPlan,
} from '../host-network/index.js';
import { ConsoleRelay } from './console-relay.js';
import { containerEnv } from './container-env.js';
import {
  consoleEntry,
  containerCommand,
  rootFilesystem,
  SETUP_FILES,
  type SetupPlan,
  setupMountTables,
  setupScript,
} from './container-setup.js';
import { writeDevSkeleton } from './dev-skeleton.js';
import { prepareHostTools } from './host-tools.js';
import { readIdMap, writeIdMap } from './id-map.js';
import { MonitorServer } from './monitor-server.js';
import { type ControllerMessage, type ExitMessage, RUN_FILES } from './protocol.js';
import { SetupChannel } from './setup-channel.js';
import { warmCgroupAttach } from './warm-cgroup-attach.js';

/** `script -e` passes on init's end: 128 + 1 is SIGHUP, which reboot(2) inside a pid namespace sends. */
const REBOOT_STATUS = 129;

/**
 * One container's life, from live.xml to the final `exit` message and cleanup. The caller (the
 * controller's main) exits when this resolves.
 */
export class ContainerRun {
  private phase: 'starting' | 'running' = 'starting';
  private initPid: number | undefined;
  private cgroup: ContainerCgroup | undefined;
  private plans: VethPlan[] = [];
  private child: ChildProcess | undefined;
  private channel: SetupChannel | undefined;
  private terminated = false;
  private readonly monitor: MonitorServer;
  private readonly console: ConsoleRelay;

  constructor(private readonly runDir: string) {
    this.monitor = new MonitorServer(join(runDir, RUN_FILES.monitor), () => this.status());
    this.console = new ConsoleRelay(join(runDir, RUN_FILES.console));
  }

  private path(name: string): string {
    return join(this.runDir, name);
  }

  private veths() {
    return this.plans.map((p) => ({ hostName: p.hostName, guestName: p.guestName }));
  }

  private status(): ControllerMessage {
    return {
      event: 'status',
      phase: this.phase,
      initPid: this.initPid,
      cgroup: this.cgroup?.placement,
      veths: this.veths(),
    };
  }

  /**
   * Runs the container to its end; never throws: every failure becomes an `exit` with reason error.
   * `onListening` runs once both sockets accept (a spare's manager then connects).
   */
  async run(onListening?: () => Promise<void>): Promise<ExitMessage> {
    let exit: ExitMessage;
    try {
      await Promise.all([this.monitor.listen(), this.console.listen()]);
      await onListening?.();
      exit = await this.start();
    } catch (error) {
      exit = { event: 'exit', reason: 'error', message: (error as Error).message };
    }
    if (this.terminated) exit = { event: 'exit', reason: 'error', message: 'controller terminated' };
    console.error(`container ended: ${exit.reason}${exit.message ? `: ${exit.message}` : ''}`);
    await this.finish(exit);
    return exit;
  }

  /** SIGTERM to the controller: kill the container, which then ends the run as an error. */
  async terminate(): Promise<void> {
    this.terminated = true;
    this.channel?.close();
    if (this.cgroup) await this.cgroup.killAll().catch((e: Error) => console.error(`killAll: ${e.message}`));
    if (this.initPid !== undefined) signal(this.initPid, 'SIGKILL');
    // Before the cgroup and pid exist, killing `script` hangs up the pty and unshare kills its child.
    if (this.child?.pid !== undefined) signal(this.child.pid, 'SIGKILL');
  }

  /**
   * The host's side of the container: its cgroup with the definition's limits, and its veths. Made
   * while `script`, unshare and the shell start; only the shell's `go` waits for it.
   */
  private async prepareHost(def: DomainDef): Promise<void> {
    this.plans = await planVeths(def);
    this.cgroup = await createContainerCgroup(def.name, process.pid);
    await this.cgroup.applyLimits(def);
    await createVeths(this.plans);
  }

  /** Puts the setup shell in the cgroup, as `echo 0 >cgroup.procs` of its own would. */
  private async join(pid: number): Promise<void> {
    for (const file of (this.cgroup as ContainerCgroup).procsFiles())
      await writeCgroupFile(file, String(pid));
  }

  private async start(): Promise<ExitMessage> {
    warmCgroupAttach();
    const def = parseDomainXml(readFileSync(this.path(RUN_FILES.def), 'utf8'));
    const tools = await prepareHostTools();
    const idMap = readIdMap(def);
    const ownNetwork = needsOwnNetwork(def);
    // Settled, never thrown, here: its error is the handshake's, and cleanup waits for it either way.
    const hostSettled = this.prepareHost(def).then(
      () => undefined,
      (error: Error) => error,
    );
    const plan: SetupPlan = {
      runDir: this.runDir,
      def,
      tools,
      ownNetwork,
      userNamespace: idMap !== undefined,
    };
    // Small files, written at once: each asynchronous write would wait for the thread pool.
    writeFileSync(this.path(SETUP_FILES.script), setupScript(plan), { mode: 0o644 });
    writeFileSync(this.path(SETUP_FILES.err), '', { mode: 0o600 });
    // Readable like the script: inside a user namespace the shell is not the host's root.
    for (const [name, text] of Object.entries(setupMountTables(plan))) {
      writeFileSync(this.path(name), text, { mode: 0o644 });
    }
    writeDevSkeleton(this.path(SETUP_FILES.devSkeleton));
    if (!rootFilesystem(def)) mkdirSync(this.path(SETUP_FILES.devStage), { recursive: true });
    if (this.terminated) {
      await hostSettled;
      throw new Error('controller terminated');
    }

    const { file, args } = containerCommand(plan);
    const child = spawn(file, args, {
      env: containerEnv(def),
      cwd: '/',
      // The console's pty through script (0, 1), the log (2), the setup channel (3, 4).
      stdio: ['pipe', 'pipe', 'inherit', 'pipe', 'pipe'],
    });
    const ended = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>((resolve) => {
      child.once('error', (error) => {
        console.error(`cannot run ${file}: ${error.message}`);
        resolve({ exitCode: null, signal: null });
      });
      child.once('close', (exitCode, signal) => resolve({ exitCode, signal }));
    });
    this.child = child;
    warmCgroupAttach();
    this.channel = new SetupChannel(child.stdio[3] as Readable, child.stdio[4] as Writable);
    if (child.stdout && child.stdin) this.console.attach(child.stdout, child.stdin);
    let execd = false;
    const handshake = (async () => {
      const channel = this.channel as SetupChannel;
      const first = await channel.nextLine();
      if (first === undefined) return;
      const pid = Number(first.match(/^pid (\d+)$/)?.[1]);
      if (!Number.isSafeInteger(pid) || pid <= 0) throw new Error(`unexpected setup report '${first}'`);
      this.initPid = pid;
      appendFileSync(this.path(SETUP_FILES.fstabDev), consoleEntry(plan, consoleOf(pid)));
      const failed = await hostSettled;
      if (failed) throw failed;
      await this.join(pid);
      if (idMap) await writeIdMap(pid, idMap);
      // Sharing the host's network there is nothing to move, nor a lo of its own to bring up.
      if (ownNetwork) await moveVethsInto(this.plans, pid);
      await channel.sendGo();
      const second = await channel.nextLine();
      if (second === undefined) return;
      if (second !== 'exec') throw new Error(`unexpected setup report '${second}'`);
      execd = true;
      this.phase = 'running';
      await this.monitor.send({
        event: 'running',
        initPid: pid,
        cgroup: (this.cgroup as ContainerCgroup).placement,
        veths: this.veths(),
      });
    })();
    // A failed step of the handshake ends the container: the shell waits for `go` forever otherwise.
    const handshakeError = handshake.then(
      () => undefined,
      async (error: Error) => {
        await this.terminate();
        this.terminated = false;
        return error;
      },
    );
    const result = await ended;
    this.channel.close();
    const failed = await handshakeError;
    // Cleanup must know every cgroup and veth made, also when the shell ended before its `go`.
    const hostFailed = await hostSettled;
    this.console.detach();
    if (failed) return { event: 'exit', reason: 'error', message: failed.message };
    if (hostFailed) return { event: 'exit', reason: 'error', message: hostFailed.message };
    if (!execd) {
      const text = await setupErrorText(this.path(SETUP_FILES.err));
      const why = text || `setup ended with ${result.signal ?? `status ${result.exitCode}`}`;
      return { event: 'exit', reason: 'error', message: `guest failed to start: ${why}` };
    }
    return { event: 'exit', reason: result.exitCode === REBOOT_STATUS ? 'reboot' : 'shutdown' };
  }

  /** Reports the end, then removes what this run made; the manager removes the run directory. */
  private async finish(exit: ExitMessage): Promise<void> {
    const delivered = await this.monitor.send(exit);
    // A later manager learns how the container ended from this file.
    if (!delivered) await writeFileAtomic(this.path(RUN_FILES.exit), `${JSON.stringify(exit)}\n`);
    await this.cleanup();
    await this.monitor.close();
  }

  private async cleanup(): Promise<void> {
    const step = async (what: string, action: () => Promise<unknown>) => {
      try {
        await action();
      } catch (error) {
        console.error(`cleanup: ${what}: ${(error as Error).message}`);
      }
    };
    await this.console.close();
    this.channel?.close();
    const cgroup = this.cgroup;
    if (cgroup) {
      await step('cgroup kill', () => cgroup.killAll());
      await step('cgroup remove', () => cgroup.remove());
    }
    if (this.plans.length > 0) await step('veths', () => deleteVeths(this.plans.map((p) => p.hostName)));
    for (const name of [SETUP_FILES.script, SETUP_FILES.err, SETUP_FILES.fstabSys, SETUP_FILES.fstabDev]) {
      await step(name, () => rm(this.path(name), { force: true }));
    }
    await step('dev skeleton', () =>
      rm(this.path(SETUP_FILES.devSkeleton), { recursive: true, force: true }),
    );
    // rmdir, never a recursive rm: the staging dir is only ever an empty mount point on the host.
    await step('dev stage', () => rmdir(this.path(SETUP_FILES.devStage)).catch(ignoreMissing));
  }
}

/**
 * The container's console: `script`'s pty (the host's /dev/pts/N), read as the stdin of unshare, the
 * shell's parent. Not the shell's own: while it reads `go` its descriptor 0 is the channel.
 */
function consoleOf(shellPid: number): string {
  const stat = readFileSync(`/proc/${shellPid}/stat`, 'utf8');
  // After the parenthesised command name (which may hold anything): state, then the parent's pid.
  const parent = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
  const pty = readlinkSync(`/proc/${parent}/fd/0`);
  if (!pty.startsWith('/dev/')) throw new Error(`the container's console is '${pty}', not a terminal`);
  return pty;
}

function ignoreMissing(error: unknown): void {
  if (errnoCode(error) !== 'ENOENT') throw error;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/** The setup shell's last complaint: the line that says why the container could not start. */
async function setupErrorText(path: string): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    // mount(8) follows its error with a hint that says nothing about this failure.
    .filter((l) => l !== '' && !l.startsWith('dmesg(1)'));
  return lines.at(-1) ?? '';
}
