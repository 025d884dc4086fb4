import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parseDomainXml } from '@virtkit/core';
import { execa, type ResultPromise } from 'execa';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ContainerCgroup, createContainerCgroup, DEVICE_ACL } from '../src/cgroup/index.js';

const domain = (inner = '', vcpu = '<vcpu>1</vcpu>') =>
  parseDomainXml(
    `<domain type='lxc'><name>t</name><memory unit='MiB'>32</memory>${vcpu}<os><type>exe</type><init>/bin/sh</init></os>${inner}<devices/></domain>`,
  );

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('container cgroups on this host (real, as root)', () => {
  let cgroup: ContainerCgroup | undefined;
  const children: ResultPromise[] = [];

  async function create(): Promise<ContainerCgroup> {
    cgroup = await createContainerCgroup(`vkh1-${randomBytes(3).toString('hex')}`, process.pid);
    return cgroup;
  }

  /** Runs `command` inside the cgroup: the shell joins every hierarchy, then execs it. */
  function runIn(cg: ContainerCgroup, command: string): ResultPromise {
    const join = cg.procsFiles().map((f) => `echo 0 > ${f}`);
    const child = execa('/bin/sh', ['-c', `${join.join('; ')}; exec ${command}`], {
      reject: false,
      stdin: 'ignore',
    });
    children.push(child);
    return child;
  }

  const read = (dir: string | undefined, file: string) => readFileSync(`${dir}/${file}`, 'utf8').trim();
  const dirWith = (cg: ContainerCgroup, file: string) =>
    cg.placement.dirs.find((d) => existsSync(`${d}/${file}`));

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL');
    if (cgroup) {
      await cgroup.killAll().catch(() => {});
      await cgroup.remove();
      cgroup = undefined;
    }
  });

  it('creates machine/<name>-<pid>.virtkit-lxc at the root of each hierarchy, joinable', async () => {
    const cg = await create();
    expect(cg.placement.dirs.length).toBeGreaterThan(0);
    const leaf = new RegExp(
      `^/sys/fs/cgroup/([^/]+/)?machine/vkh1-[0-9a-f]{6}-${process.pid}\\.virtkit-lxc$`,
    );
    // At the hierarchy's root, not below this process's own cgroup (memory:/process_api/… here).
    for (const dir of cg.placement.dirs) expect(dir).toMatch(leaf);
    const child = runIn(cg, 'busybox sleep 30');
    await vi.waitFor(async () => expect(await cg.pids()).toHaveLength(1));
    expect(await cg.pids()).toEqual([child.pid]);
  });

  it('lets the memory limit kill a process that allocates past it, and not one below it', async () => {
    const cg = await create();
    await cg.applyLimits(domain());
    const memory = dirWith(cg, cg.placement.version === 1 ? 'memory.limit_in_bytes' : 'memory.max');
    expect(read(memory, cg.placement.version === 1 ? 'memory.limit_in_bytes' : 'memory.max')).toBe(
      String(32 << 20),
    );
    // dd reads into a bs-sized buffer: every page of it becomes resident.
    const small = await runIn(cg, 'busybox dd if=/dev/zero of=/dev/null bs=8M count=2');
    expect(small.exitCode).toBe(0);
    const big = await runIn(cg, 'busybox dd if=/dev/zero of=/dev/null bs=64M count=1');
    expect(big.signal).toBe('SIGKILL');
    expect(big.exitCode).toBeUndefined();
  });

  it('freezes a busy process (its CPU time stands still) and thaws it (the time grows again)', async () => {
    const cg = await create();
    runIn(cg, "busybox sh -c 'while :; do :; done'");
    await vi.waitFor(async () => expect(await cg.cpuTimeNs()).toBeGreaterThan(50_000_000n));
    await cg.freeze();
    expect(await cg.frozen()).toBe(true);
    const atFreeze = await cg.cpuTimeNs();
    await sleep(300);
    expect(await cg.cpuTimeNs()).toBe(atFreeze);
    await cg.thaw();
    expect(await cg.frozen()).toBe(false);
    await sleep(300);
    expect(await cg.cpuTimeNs()).toBeGreaterThan(atFreeze + 100_000_000n);
  });

  it('kills every process (frozen ones too, children included) and removes every directory', async () => {
    const cg = await create();
    const tree = runIn(cg, "busybox sh -c 'busybox sleep 1000 & busybox sleep 1000 & wait'");
    await vi.waitFor(async () => expect(await cg.pids()).toHaveLength(3));
    await cg.freeze();
    await cg.killAll({ timeoutMs: 5000 });
    expect(await cg.pids()).toEqual([]);
    expect((await tree).signal).toBe('SIGKILL');
    await cg.remove();
    for (const dir of cg.placement.dirs) expect(existsSync(dir)).toBe(false);
    await cg.remove(); // a second time: already gone is fine
    cgroup = undefined;
  });

  it('reports the memory its processes use', async () => {
    const cg = await create();
    runIn(cg, "busybox sh -c 'busybox dd if=/dev/zero of=/dev/null bs=16M count=1; exec busybox sleep 30'");
    await vi.waitFor(async () => expect(await cg.pids()).toHaveLength(1));
    expect(await cg.memoryUsageKiB()).toBeGreaterThan(0);
  });

  it("gives up on a process that will not die with libvirt's error (v1: frozen below us)", async (ctx) => {
    const cg = await create();
    const freezer = dirWith(cg, 'freezer.state');
    if (cg.placement.version !== 1 || freezer === undefined) return ctx.skip();
    // A child cgroup frozen on its own stays frozen when ours thaws: its SIGKILL stays pending.
    const sub = `${freezer}/stuck`;
    mkdirSync(sub);
    const child = execa('/bin/sh', ['-c', `echo 0 > ${sub}/cgroup.procs; exec busybox sleep 1000`], {
      reject: false,
      stdin: 'ignore',
    });
    children.push(child);
    await vi.waitFor(async () => expect(await cg.pids()).toHaveLength(1));
    writeFileSync(`${sub}/freezer.state`, 'FROZEN');
    try {
      await expect(cg.killAll({ timeoutMs: 300 })).rejects.toMatchObject({
        code: 'INTERNAL_ERROR',
        domain: 'LXC',
        message: 'internal error: Some processes refused to die',
      });
    } finally {
      writeFileSync(`${sub}/freezer.state`, 'THAWED');
    }
    await cg.killAll();
    expect((await child).signal).toBe('SIGKILL');
  });

  it('reads back shares, CFS bandwidth, cpuset, memtune and (v1) the device ACL', async () => {
    const cg = await create();
    const inner = `<memtune><hard_limit unit='MiB'>64</hard_limit><soft_limit unit='MiB'>48</soft_limit></memtune>
      <cputune><shares>512</shares><period>100000</period><quota>50000</quota></cputune>
      <numatune><memory mode='strict' nodeset='0'/></numatune>`;
    await cg.applyLimits(domain(inner, "<vcpu cpuset='1'>1</vcpu>"));
    expect(read(dirWith(cg, 'cpuset.cpus'), 'cpuset.cpus')).toBe('1');
    expect(read(dirWith(cg, 'cpuset.mems'), 'cpuset.mems')).toBe('0');
    if (cg.placement.version === 1) {
      expect(read(dirWith(cg, 'cpu.shares'), 'cpu.shares')).toBe('512');
      expect(read(dirWith(cg, 'cpu.shares'), 'cpu.cfs_period_us')).toBe('100000');
      expect(read(dirWith(cg, 'cpu.shares'), 'cpu.cfs_quota_us')).toBe('50000');
      const memory = dirWith(cg, 'memory.limit_in_bytes');
      expect(read(memory, 'memory.limit_in_bytes')).toBe(String(64 << 20));
      expect(read(memory, 'memory.soft_limit_in_bytes')).toBe(String(48 << 20));
      const devices = dirWith(cg, 'devices.list');
      if (devices) expect(read(devices, 'devices.list').split('\n').sort()).toEqual([...DEVICE_ACL].sort());
    } else {
      expect(read(cg.placement.dirs[0], 'cpu.weight')).toBe('512');
      expect(read(cg.placement.dirs[0], 'cpu.max')).toBe('50000 100000');
      expect(read(cg.placement.dirs[0], 'memory.max')).toBe(String(64 << 20));
      expect(read(cg.placement.dirs[0], 'memory.high')).toBe(String(48 << 20));
    }
  });
});
