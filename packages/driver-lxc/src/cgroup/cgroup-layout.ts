import { readFile } from 'node:fs/promises';
import { VirtError } from '@virtkit/core';
import { type CgroupMount, parseCgroupMounts } from './mountinfo.js';

/** The v1 controllers the LXC driver uses (libvirt's list, plus pids). */
export const V1_CONTROLLERS = [
  'cpu',
  'cpuacct',
  'cpuset',
  'memory',
  'devices',
  'freezer',
  'blkio',
  'pids',
  'net_cls',
  'perf_event',
] as const;

/** The v2 controllers enabled on the way down to a container's cgroup. */
export const V2_CONTROLLERS = ['memory', 'cpu', 'cpuset', 'pids', 'io'] as const;

/** Where containers' cgroups go: every usable v1 hierarchy, or the one v2 tree. */
export type CgroupLayout =
  | { readonly version: 1; readonly hierarchies: readonly { mountPoint: string; controllers: string[] }[] }
  | { readonly version: 2; readonly mountPoint: string; readonly controllers: readonly string[] };

/**
 * Picks the layout from the cgroup mounts. A v1 hierarchy counts when it carries a controller we
 * use (named ones such as name=systemd carry none); any such hierarchy makes the layout v1, so a
 * hybrid host's cgroup2 tree (empty, or holding only what v1 lacks) is left alone. Otherwise the
 * first cgroup2 mount with controllers (`controllersOf` reads its cgroup.controllers) is used.
 */
export function detectCgroupLayout(
  mounts: readonly CgroupMount[],
  controllersOf: (mountPoint: string) => readonly string[],
): CgroupLayout | undefined {
  const wanted = new Set<string>(V1_CONTROLLERS);
  const seen = new Set<string>();
  const hierarchies: { mountPoint: string; controllers: string[] }[] = [];
  // Whole-hierarchy mounts first, so that a bind of a subtree is only used when nothing better exists.
  const v1 = mounts.filter((m) => m.fsType === 'cgroup');
  const ordered = [...v1.filter((m) => m.root === '/'), ...v1.filter((m) => m.root !== '/')];
  for (const mount of ordered) {
    const controllers = mount.controllers.filter((c) => wanted.has(c));
    if (controllers.length === 0) continue;
    const key = [...mount.controllers].sort().join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    hierarchies.push({ mountPoint: mount.mountPoint, controllers });
  }
  if (hierarchies.length > 0) return { version: 1, hierarchies };
  for (const mount of mounts) {
    if (mount.fsType !== 'cgroup2') continue;
    const controllers = controllersOf(mount.mountPoint);
    if (controllers.length > 0) return { version: 2, mountPoint: mount.mountPoint, controllers };
  }
  return undefined;
}

let hostLayout: Promise<CgroupLayout> | undefined;

/**
 * The layout of this host, from /proc/self/mountinfo, read once per process (a controller's start
 * asks twice); libvirt's error when there is no cgroup at all, asked again on the next call.
 */
export function hostCgroupLayout(): Promise<CgroupLayout> {
  hostLayout ??= readHostCgroupLayout().catch((error: unknown) => {
    hostLayout = undefined;
    throw error;
  });
  return hostLayout;
}

async function readHostCgroupLayout(): Promise<CgroupLayout> {
  const mounts = parseCgroupMounts(await readFile('/proc/self/mountinfo', 'utf8'));
  const controllers = new Map<string, string[]>();
  for (const mount of mounts) {
    if (mount.fsType !== 'cgroup2') continue;
    const text = await readFile(`${mount.mountPoint}/cgroup.controllers`, 'utf8').catch(() => '');
    controllers.set(mount.mountPoint, text.split(/\s+/).filter(Boolean));
  }
  const layout = detectCgroupLayout(mounts, (mp) => controllers.get(mp) ?? []);
  if (layout === undefined)
    throw new VirtError(
      'SYSTEM_ERROR',
      'At least one cgroup controller is required: No such device or address',
      {
        domain: 'CGROUP',
      },
    );
  return layout;
}
