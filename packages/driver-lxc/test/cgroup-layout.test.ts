import { describe, expect, it } from 'vitest';
import { detectCgroupLayout, parseCgroupMounts } from '../src/cgroup/index.js';

// Fixtures: the mountinfo lines of the three layouts (this machine's hybrid one, a systemd v1 host
// with co-mounted controllers, and a pure v2 host).
const HYBRID = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;

const V1 = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
25 22 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
26 25 0:23 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:10 - cgroup cgroup rw,xattr,release_agent=/usr/lib/systemd/systemd-cgroups-agent,name=systemd
29 25 0:26 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,cpu,cpuacct
30 25 0:27 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,memory
31 25 0:28 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:13 - cgroup cgroup rw,net_cls,net_prio
32 25 0:29 / /sys/fs/cgroup/hugetlb rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,hugetlb
90 22 0:27 /user.slice /mnt/memory\\040bind rw,relatime - cgroup cgroup rw,memory
`;

const V2 = `22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
26 24 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
`;

describe('cgroup layout detection from mountinfo', () => {
  it('reads v1 controllers and names from the super options, and unescapes mount points', () => {
    const mounts = parseCgroupMounts(V1);
    expect(mounts.map((m) => m.mountPoint)).toEqual([
      '/sys/fs/cgroup/systemd',
      '/sys/fs/cgroup/cpu,cpuacct',
      '/sys/fs/cgroup/memory',
      '/sys/fs/cgroup/net_cls,net_prio',
      '/sys/fs/cgroup/hugetlb',
      '/mnt/memory bind',
    ]);
    expect(mounts[0]).toMatchObject({ fsType: 'cgroup', controllers: [], name: 'systemd' });
    expect(mounts[1]?.controllers).toEqual(['cpu', 'cpuacct']);
    expect(mounts[5]?.root).toBe('/user.slice');
  });

  it('uses the v1 hierarchies of a hybrid host, skipping name=systemd and the cgroup2 tree', () => {
    const layout = detectCgroupLayout(parseCgroupMounts(HYBRID), () => ['hugetlb']);
    expect(layout?.version).toBe(1);
    if (layout?.version !== 1) return;
    expect(layout.hierarchies.map((h) => h.mountPoint)).toEqual(
      ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids'].map(
        (c) => `/sys/fs/cgroup/${c}`,
      ),
    );
  });

  it('uses each v1 hierarchy once, co-mounted controllers together, ignoring ones we do not use', () => {
    const layout = detectCgroupLayout(parseCgroupMounts(V1), () => []);
    expect(layout).toEqual({
      version: 1,
      hierarchies: [
        { mountPoint: '/sys/fs/cgroup/cpu,cpuacct', controllers: ['cpu', 'cpuacct'] },
        { mountPoint: '/sys/fs/cgroup/memory', controllers: ['memory'] },
        { mountPoint: '/sys/fs/cgroup/net_cls,net_prio', controllers: ['net_cls'] },
      ],
    });
  });

  it('uses the unified tree of a pure v2 host with its controllers', () => {
    const layout = detectCgroupLayout(parseCgroupMounts(V2), (mp) =>
      mp === '/sys/fs/cgroup' ? ['cpuset', 'cpu', 'io', 'memory', 'pids'] : [],
    );
    expect(layout).toEqual({
      version: 2,
      mountPoint: '/sys/fs/cgroup',
      controllers: ['cpuset', 'cpu', 'io', 'memory', 'pids'],
    });
  });

  it('finds nothing usable when only named hierarchies and controller-less cgroup2 trees exist', () => {
    const text = `${HYBRID.split('\n').slice(9).join('\n')}`;
    expect(detectCgroupLayout(parseCgroupMounts(text), () => [])).toBeUndefined();
  });
});
