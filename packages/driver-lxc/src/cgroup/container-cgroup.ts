import { readdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DomainDef, errnoCode, signalProcess, VirtError } from '@virtkit/core';
import type { CgroupPlacement } from '../controller/protocol.js';
import { exists, readCgroupFile, sleep, writeCgroupFile } from './cgroup-io.js';
import { cgroupTuneOf } from './cgroup-tune.js';
import { DEVICE_ACL, type LimitWrite, limitWrites } from './limit-writes.js';

/** A file only the given v1 controller's hierarchy has: how a directory's controller is told. */
const V1_MARKERS: Record<string, string> = {
  memory: 'memory.limit_in_bytes',
  cpu: 'cpu.shares',
  cpuacct: 'cpuacct.usage',
  cpuset: 'cpuset.cpus',
  devices: 'devices.list',
  freezer: 'freezer.state',
  blkio: 'blkio.reset_stats',
  pids: 'pids.max',
};

/** v2's name for a v1 controller (v2 folds cpuacct into cpu and renames blkio). */
const v2Name = (controller: string): string =>
  controller === 'blkio' ? 'io' : controller === 'cpuacct' ? 'cpu' : controller;

const POLL_MS = 10;
const FREEZE_TIMEOUT_MS = 10_000;

/** The pids in one cgroup.procs; a cgroup that is gone has none. */
async function procsOf(dir: string): Promise<number[]> {
  const text = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch((error: unknown) => {
    if (errnoCode(error) === 'ENOENT' || errnoCode(error) === 'ENODEV') return '';
    throw error;
  });
  return text.split('\n').filter(Boolean).map(Number);
}

/** `dir` and every cgroup below it, deepest first (the order they can be removed in). */
async function treeOf(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const below: string[] = [];
  for (const entry of entries) if (entry.isDirectory()) below.push(...(await treeOf(join(dir, entry.name))));
  return [...below, dir];
}

/** One container's cgroup, by its placement (saved in the status file for a later manager). */
export class ContainerCgroup {
  /** v1: which placement directory holds each controller, found once by its files. */
  private readonly controllerDirs = new Map<string, string | undefined>();

  private constructor(readonly placement: CgroupPlacement) {}

  static at(placement: CgroupPlacement): ContainerCgroup {
    return new ContainerCgroup(placement);
  }

  /** The cgroup.procs files a process writes `0` to, to join. */
  procsFiles(): string[] {
    return this.placement.dirs.map((dir) => join(dir, 'cgroup.procs'));
  }

  /** The directory holding `controller`'s files (named as in v1), if the placement has that controller. */
  private async dirOf(controller: string): Promise<string | undefined> {
    if (!this.controllerDirs.has(controller))
      this.controllerDirs.set(
        controller,
        this.placement.version === 1 ? await this.v1DirOf(controller) : await this.v2DirOf(controller),
      );
    return this.controllerDirs.get(controller);
  }

  private async v1DirOf(controller: string): Promise<string | undefined> {
    const marker = V1_MARKERS[controller] ?? `${controller}.`;
    for (const dir of this.placement.dirs) if (await exists(join(dir, marker))) return dir;
    return undefined;
  }

  /**
   * The leaf, when its cgroup.controllers (what the parent enabled for it) lists the controller: a
   * controller the tree lacks has no files there. The freezer is core in v2 (cgroup.freeze).
   */
  private async v2DirOf(controller: string): Promise<string | undefined> {
    const dir = this.placement.dirs[0];
    if (dir === undefined || controller === 'freezer') return dir;
    const available = await readFile(join(dir, 'cgroup.controllers'), 'utf8').catch(() => '');
    return available.split(/\s+/).includes(v2Name(controller)) ? dir : undefined;
  }

  private async applyWrite(write: LimitWrite): Promise<void> {
    const dir = await this.dirOf(write.controller);
    const first = write.files[0];
    if (first === undefined) return;
    if (dir === undefined && this.placement.version === 2)
      throw new VirtError('INTERNAL_ERROR', `v2 controller '${v2Name(write.controller)}' is not available`, {
        domain: 'CGROUP',
      });
    if (dir === undefined)
      throw new VirtError('OPERATION_INVALID', `cgroup ${write.controller} controller is not mounted`, {
        domain: 'CGROUP',
      });
    for (const { file, value } of write.files) {
      if (await exists(join(dir, file))) return writeCgroupFile(join(dir, file), value);
    }
    if (write.missing) throw write.missing;
    // The kernel has no such file (no swap accounting, …): libvirt's write fails with ENOENT.
    throw new VirtError(
      'SYSTEM_ERROR',
      `Unable to write to '${join(dir, first.file)}': No such file or directory`,
      {
        domain: 'CGROUP',
      },
    );
  }

  /**
   * <memory>, <memtune>, <cputune> shares/period/quota, <vcpu cpuset>/<numatune>, <blkiotune> weight,
   * and on v1 libvirt LXC's device ACL. Only what the definition sets is written.
   */
  async applyLimits(def: DomainDef): Promise<void> {
    for (const write of limitWrites(cgroupTuneOf(def), this.placement.version)) await this.applyWrite(write);
    if (this.placement.version === 1) {
      const devices = await this.dirOf('devices');
      if (devices !== undefined) {
        await writeCgroupFile(join(devices, 'devices.deny'), 'a');
        for (const rule of DEVICE_ACL) await writeCgroupFile(join(devices, 'devices.allow'), rule);
      }
    }
  }

  /** The file that freezes (v1 freezer.state, v2 cgroup.freeze); libvirt's error without a freezer. */
  private async freezerDir(): Promise<string> {
    const dir = await this.dirOf('freezer');
    if (
      dir === undefined ||
      !(await exists(join(dir, this.placement.version === 1 ? 'freezer.state' : 'cgroup.freeze')))
    )
      throw new VirtError(
        'OPERATION_INVALID',
        'Unable to freeze domain: freezer cgroup controller is not mounted',
        {
          domain: 'LXC',
        },
      );
    return dir;
  }

  /** Freezes every process and waits until the freezer says frozen. */
  async freeze(): Promise<void> {
    const dir = await this.freezerDir();
    if (this.placement.version === 1) await writeCgroupFile(join(dir, 'freezer.state'), 'FROZEN');
    else await writeCgroupFile(join(dir, 'cgroup.freeze'), '1');
    const deadline = Date.now() + FREEZE_TIMEOUT_MS;
    while (!(await this.frozen())) {
      if (Date.now() > deadline) {
        // Half-frozen tasks cannot run: let them all go again, as libvirt's lxcFreezeContainer does.
        await this.thaw().catch(() => {});
        throw new VirtError('OPERATION_FAILED', 'Suspend operation failed', { domain: 'LXC' });
      }
      await sleep(POLL_MS);
    }
  }

  async thaw(): Promise<void> {
    const dir = await this.freezerDir();
    if (this.placement.version === 1) await writeCgroupFile(join(dir, 'freezer.state'), 'THAWED');
    else await writeCgroupFile(join(dir, 'cgroup.freeze'), '0');
    const deadline = Date.now() + FREEZE_TIMEOUT_MS;
    while ((await this.frozen()) && Date.now() < deadline) await sleep(POLL_MS);
  }

  /** Whether the freezer says frozen (v1 FROZEN, not FREEZING; v2 cgroup.events `frozen 1`). */
  async frozen(): Promise<boolean> {
    const dir = await this.dirOf('freezer');
    if (dir === undefined) return false;
    if (this.placement.version === 1) {
      const state = await readFile(join(dir, 'freezer.state'), 'utf8').catch(() => '');
      return state.trim() === 'FROZEN';
    }
    const events = await readFile(join(dir, 'cgroup.events'), 'utf8').catch(() => '');
    return /^frozen 1$/m.test(events);
  }

  /** Every process in the cgroup or below it (v1: in any hierarchy), ascending, each once. */
  async pids(): Promise<number[]> {
    const pids = new Set<number>();
    for (const dir of this.placement.dirs)
      for (const sub of await treeOf(dir)) for (const pid of await procsOf(sub)) pids.add(pid);
    return [...pids].sort((a, b) => a - b);
  }

  /** SIGKILLs every process (thawing first), waits until none is left. */
  async killAll(options: { timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + (options.timeoutMs ?? 10_000);
    const leaf = this.placement.dirs[0];
    const cgroupKill =
      this.placement.version === 2 && leaf !== undefined && (await exists(join(leaf, 'cgroup.kill')));
    // A v1 frozen task keeps a SIGKILL pending until thawed; v2's cgroup.kill reaches frozen ones too.
    if (!cgroupKill && (await this.frozen())) await this.thaw();
    for (;;) {
      const pids = await this.pids();
      if (pids.length === 0) return;
      if (Date.now() > deadline)
        throw new VirtError('INTERNAL_ERROR', 'Some processes refused to die', { domain: 'LXC' });
      if (cgroupKill && leaf !== undefined) await writeCgroupFile(join(leaf, 'cgroup.kill'), '1');
      else for (const pid of pids) signalProcess(pid, 'SIGKILL');
      await sleep(POLL_MS);
    }
  }

  /** Removes the directories (after killAll); missing ones are fine. */
  async remove(): Promise<void> {
    for (const dir of this.placement.dirs) {
      for (const sub of await treeOf(dir)) {
        // A process that was just killed may still be leaving (a v1 hierarchy can hold on to it until
        // it is reaped): EBUSY for a moment, up to a few seconds on a loaded host.
        for (let attempt = 0; ; attempt++) {
          try {
            await rmdir(sub);
            break;
          } catch (error) {
            const code = errnoCode(error);
            if (code === 'ENOENT') break;
            if (code !== 'EBUSY' || attempt >= 500)
              throw new VirtError(
                'SYSTEM_ERROR',
                `Unable to remove cgroup '${sub}': ${(error as Error).message}`,
                {
                  domain: 'CGROUP',
                  cause: error,
                },
              );
            await sleep(POLL_MS);
          }
        }
      }
    }
  }

  /** memory.usage_in_bytes (v1) / memory.current (v2), in KiB; undefined without a memory controller. */
  async memoryUsageKiB(): Promise<number | undefined> {
    const dir = await this.dirOf('memory');
    if (dir === undefined) return undefined;
    const file = join(dir, this.placement.version === 1 ? 'memory.usage_in_bytes' : 'memory.current');
    if (!(await exists(file))) return undefined;
    return Math.floor(Number((await readCgroupFile(file)).trim()) / 1024);
  }

  /** CPU time of every process that ran in the cgroup: cpuacct.usage (v1) / cpu.stat usage_usec (v2). */
  async cpuTimeNs(): Promise<bigint> {
    if (this.placement.version === 1) {
      const dir = await this.dirOf('cpuacct');
      if (dir === undefined) return 0n;
      return BigInt((await readCgroupFile(join(dir, 'cpuacct.usage'))).trim());
    }
    const dir = this.placement.dirs[0];
    if (dir === undefined) return 0n;
    const usec = /^usage_usec (\d+)$/m.exec(await readCgroupFile(join(dir, 'cpu.stat')))?.[1];
    return usec === undefined ? 0n : BigInt(usec) * 1000n;
  }
}
