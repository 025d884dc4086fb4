import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { release } from 'node:os';
import { parseDomainXml } from '@virtkit/core';
import { execa, type ResultPromise } from 'execa';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  type CgroupLayout,
  type ContainerCgroup,
  createContainerCgroup,
  detectCgroupLayout,
  parseCgroupMounts,
} from '../src/cgroup/index.js';

/**
 * The v2 code path for real on a hybrid host: the v1 hierarchies own every controller we use, but
 * the cgroup2 tree still has v2's core files (cgroup.procs, cgroup.freeze/events, cgroup.kill).
 */
const UNIFIED = '/sys/fs/cgroup/unified';
const mounts = parseCgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'));
const unifiedMounted = mounts.some((m) => m.fsType === 'cgroup2' && m.mountPoint === UNIFIED);
/** cgroup.kill (only in non-root cgroups, so not probed here) came with Linux 5.14. */
const [major = 0, minor = 0] = release().split('.').map(Number);
const hasCgroupKill = major > 5 || (major === 5 && minor >= 14);
const canRun = unifiedMounted && hasCgroupKill && process.getuid?.() === 0;
/** The tree's own controllers: none, or what the v1 mounts left over (hugetlb here). */
const unifiedControllers = (): string[] =>
  readFileSync(`${UNIFIED}/cgroup.controllers`, 'utf8').split(/\s+/).filter(Boolean);
/**
 * The host's own detection with the v1 hierarchies out of sight; a cgroup2 tree without any
 * controller is never picked, so then the same layout is stated directly.
 */
function v2Layout(): CgroupLayout {
  const v2Only = mounts.filter((m) => m.fsType === 'cgroup2');
  return (
    detectCgroupLayout(v2Only, unifiedControllers) ?? { version: 2, mountPoint: UNIFIED, controllers: [] }
  );
}
const PARTITION = `${UNIFIED}/machine`;

const domain = (inner = '') =>
  parseDomainXml(
    `<domain type='lxc'><name>t</name><memory unit='MiB'>32</memory><vcpu>1</vcpu><os><type>exe</type><init>/bin/sh</init></os>${inner}<devices/></domain>`,
  );

/** utime + stime of a process, in clock ticks (proc(5) fields 14 and 15, after the `(comm)`). */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!canRun)('cgroup v2 code path on the hybrid host’s unified tree (real, as root)', () => {
  const partitionExisted = existsSync(PARTITION);
  const children: ResultPromise[] = [];
  let cgroup: ContainerCgroup | undefined;

  async function create(): Promise<ContainerCgroup> {
    cgroup = await createContainerCgroup(`vkh10-${randomBytes(3).toString('hex')}`, process.pid, v2Layout());
    return cgroup;
  }

  /** A busy loop that joins the cgroup first (the shell execs busybox: same pid). */
  function spin(cg: ContainerCgroup): ResultPromise {
    const join = cg.procsFiles().map((f) => `echo 0 > ${f}`);
    const child = execa('/bin/sh', ['-c', `${join.join('; ')}; exec busybox sh -c 'while :; do :; done'`], {
      reject: false,
      stdin: 'ignore',
    });
    children.push(child);
    return child;
  }

  afterEach(async () => {
    vi.restoreAllMocks();
    for (const child of children.splice(0)) {
      child.kill('SIGKILL');
      await child;
    }
    if (cgroup) {
      await cgroup.killAll().catch(() => {});
      await cgroup.remove();
      cgroup = undefined;
    }
  });

  afterAll(() => {
    // The partition stays, as libvirt's machine.slice does, unless this file made it.
    if (!partitionExisted && existsSync(PARTITION)) rmdirSync(PARTITION);
  });

  it('is a tree detection passes over on this hybrid host, yet a v2 layout of its own', () => {
    expect(detectCgroupLayout(mounts, unifiedControllers)?.version).toBe(1);
    expect(v2Layout()).toEqual({ version: 2, mountPoint: UNIFIED, controllers: unifiedControllers() });
  });

  it('creates machine/<leaf>, a process joins, freeze stops it, thaw resumes it, killAll and remove leave nothing', async () => {
    const cg = await create();
    const [leaf] = cg.placement.dirs;
    expect(cg.placement).toEqual({
      version: 2,
      dirs: [
        expect.stringMatching(new RegExp(`^${PARTITION}/vkh10-[0-9a-f]{6}-${process.pid}\\.virtkit-lxc$`)),
      ],
    });
    expect(cg.procsFiles()).toEqual([`${leaf}/cgroup.procs`]);

    const child = spin(cg);
    const pid = child.pid as number;
    await vi.waitFor(async () => expect(await cg.pids()).toEqual([pid]));
    expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toMatch(
      new RegExp(`^0::${leaf?.slice(UNIFIED.length)}$`, 'm'),
    );
    // cpu.stat is core in v2: the loop's time shows even without the cpu controller.
    await vi.waitFor(async () => expect(await cg.cpuTimeNs()).toBeGreaterThan(50_000_000n));

    await cg.freeze();
    expect(await cg.frozen()).toBe(true);
    expect(readFileSync(`${leaf}/cgroup.events`, 'utf8')).toMatch(/^frozen 1$/m);
    const frozenAt = cpuTicks(pid);
    await sleep(500);
    expect(cpuTicks(pid)).toBe(frozenAt);

    await cg.thaw();
    expect(await cg.frozen()).toBe(false);
    expect(readFileSync(`${leaf}/cgroup.events`, 'utf8')).toMatch(/^frozen 0$/m);
    await vi.waitFor(() => expect(cpuTicks(pid)).toBeGreaterThan(frozenAt + 10), { timeout: 3000 });

    // Frozen again: cgroup.kill reaches frozen tasks, so no thaw and no kill(2) per pid is needed.
    await cg.freeze();
    const kill = vi.spyOn(process, 'kill');
    await cg.killAll();
    expect(kill).not.toHaveBeenCalled();
    expect(await cg.pids()).toEqual([]);
    expect((await child).signal).toBe('SIGKILL');

    await cg.remove();
    expect(existsSync(leaf as string)).toBe(false);
    cgroup = undefined;
  });

  it('refuses limits whose controllers the tree lacks, as libvirt does, writing nothing', async () => {
    const cg = await create();
    const [leaf] = cg.placement.dirs;
    const before = readdirSync(leaf as string).sort();
    await expect(
      cg.applyLimits(
        domain('<cputune><shares>100</shares></cputune><blkiotune><weight>200</weight></blkiotune>'),
      ),
    ).rejects.toMatchObject({
      code: 'INTERNAL_ERROR',
      domain: 'CGROUP',
      detail: "v2 controller 'memory' is not available",
    });
    expect(readdirSync(leaf as string).sort()).toEqual(before);
    expect(await cg.memoryUsageKiB()).toBeUndefined();
  });
});
