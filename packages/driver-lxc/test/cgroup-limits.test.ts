import { parseDomainXml } from '@virtkit/core';
import { describe, expect, it } from 'vitest';
import { cgroupTuneOf, limitWrites } from '../src/cgroup/index.js';

const domain = (inner: string, vcpu = '<vcpu>1</vcpu>') =>
  parseDomainXml(
    `<domain type='lxc'><name>t</name><memory unit='MiB'>32</memory>${vcpu}<os><type>exe</type><init>/bin/sh</init></os>${inner}<devices/></domain>`,
  );

const files = (inner: string, version: 1 | 2, vcpu?: string) =>
  limitWrites(cgroupTuneOf(domain(inner, vcpu)), version).map((w) =>
    w.files.map((f) => `${f.file}=${f.value}`).join('|'),
  );

describe('cgroup settings from the definition', () => {
  it('caps memory at <memory> alone when nothing else is tuned', () => {
    expect(files('', 1)).toEqual(['memory.limit_in_bytes=33554432']);
    expect(files('', 2)).toEqual(['memory.max=33554432']);
  });

  it('maps memtune, cputune, cpuset, numatune and blkiotune onto v1 files in libvirt order', () => {
    const inner = `<memtune><hard_limit unit='MiB'>64</hard_limit><soft_limit unit='MiB'>48</soft_limit><swap_hard_limit unit='MiB'>96</swap_hard_limit></memtune>
      <cputune><shares>512</shares><period>100000</period><quota>50000</quota></cputune>
      <numatune><memory mode='strict' nodeset='0'/></numatune><blkiotune><weight>300</weight></blkiotune>`;
    expect(files(inner, 1, "<vcpu cpuset='0-1,^0'>1</vcpu>")).toEqual([
      'memory.limit_in_bytes=33554432',
      'memory.limit_in_bytes=67108864',
      'memory.soft_limit_in_bytes=50331648',
      'memory.memsw.limit_in_bytes=100663296',
      'cpu.shares=512',
      'cpu.cfs_period_us=100000',
      'cpu.cfs_quota_us=50000',
      'cpuset.cpus=1',
      'cpuset.mems=0',
      'blkio.bfq.weight=300|blkio.weight=300',
    ]);
  });

  it('maps the same onto v2 files: memory.high for soft, cpu.weight unconverted, one cpu.max', () => {
    const inner = `<memtune><soft_limit unit='MiB'>48</soft_limit><swap_hard_limit unit='KiB'>1024</swap_hard_limit></memtune>
      <cputune><shares>512</shares><period>20000</period><quota>-1</quota></cputune><blkiotune><weight>300</weight></blkiotune>`;
    expect(files(inner, 2)).toEqual([
      'memory.max=33554432',
      'memory.high=50331648',
      'memory.swap.max=1048576',
      'cpu.weight=512',
      'cpu.max=max 20000',
      'io.bfq.weight=300|io.weight=default 300',
    ]);
  });

  it('writes an unlimited hard limit as -1 (v1) or max (v2)', () => {
    // (core's parser refuses libvirt's 9007199254740991 KiB today, so the tune is given directly.)
    const tune = { memoryKiB: 32768, hardLimitKiB: 2 ** 53 - 1 };
    const written = (version: 1 | 2) => limitWrites(tune, version).map((w) => w.files[0]?.value);
    expect(written(1)).toEqual(['33554432', '-1']);
    expect(written(2)).toEqual(['33554432', 'max']);
  });

  it('leaves cpuset.mems alone for non-strict numatune and cpus alone for auto placement', () => {
    const inner = `<numatune><memory mode='preferred' nodeset='0'/></numatune>`;
    expect(files(inner, 1, "<vcpu placement='auto'>1</vcpu>")).toEqual(['memory.limit_in_bytes=33554432']);
  });

  it("refuses shares v2 cannot hold and out-of-range CFS values with vircgroup's errors", () => {
    expect(() => files('<cputune><shares>20000</shares></cputune>', 2)).toThrow(
      "shares '20000' must be in range [1, 10000]",
    );
    expect(() => files('<cputune><shares>20000</shares></cputune>', 1)).not.toThrow();
  });
});
