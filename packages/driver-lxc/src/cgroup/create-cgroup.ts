import { mkdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, errnoText, VirtError } from '@virtkit/core';
import type { CgroupPlacement } from '../controller/protocol.js';
import { writeCgroupFile } from './cgroup-io.js';
import { type CgroupLayout, hostCgroupLayout, V2_CONTROLLERS } from './cgroup-layout.js';
import { ContainerCgroup } from './container-cgroup.js';

/** The partition every container's cgroup goes under, as libvirt's machine (.slice). */
const PARTITION = 'machine';

/** The leaf's name: unique per manager process, marked as ours. */
export function containerCgroupName(name: string, ownerPid: number): string {
  return `${name}-${ownerPid}.virtkit-lxc`;
}

/** mkdir that is fine with an existing directory; says whether it made it. */
async function makeDir(dir: string, version: 1 | 2, controller: string): Promise<boolean> {
  try {
    await mkdir(dir);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'EEXIST') return false;
    const what =
      version === 1
        ? `Failed to create v1 controller ${controller} for group`
        : `Failed to create v2 cgroup '${dir}'`;
    throw new VirtError('SYSTEM_ERROR', `${what}: ${errnoText(error)}`, { domain: 'CGROUP', cause: error });
  }
}

/**
 * v1 cpuset starts a new cgroup with no cpus and no mems, and nothing can join it until they are set
 * (ENOSPC): each level takes its parent's values.
 */
async function inheritCpuset(dir: string): Promise<void> {
  for (const file of ['cpuset.cpus', 'cpuset.mems']) {
    const own = await readFile(join(dir, file), 'utf8');
    if (own.trim() !== '') continue;
    const parent = await readFile(join(dir, '..', file), 'utf8');
    await writeCgroupFile(join(dir, file), parent.trim());
  }
}

/**
 * v2 lets a cgroup's children use a controller only when the cgroup enables it in
 * cgroup.subtree_control; each is enabled on its own so that one the kernel refuses (a cpu
 * controller with realtime tasks about) does not keep the others away.
 */
async function enableControllers(dir: string): Promise<void> {
  const available = (await readFile(join(dir, 'cgroup.controllers'), 'utf8')).split(/\s+/);
  const enabled = (await readFile(join(dir, 'cgroup.subtree_control'), 'utf8')).split(/\s+/);
  for (const controller of V2_CONTROLLERS) {
    if (!available.includes(controller) || enabled.includes(controller)) continue;
    await writeCgroupFile(join(dir, 'cgroup.subtree_control'), `+${controller}`).catch(() => {});
  }
}

async function createIn(layout: CgroupLayout, leaf: string, made: string[]): Promise<CgroupPlacement> {
  if (layout.version === 2) {
    const partition = join(layout.mountPoint, PARTITION);
    await enableControllers(layout.mountPoint);
    await makeDir(partition, 2, '');
    await enableControllers(partition);
    const dir = join(partition, leaf);
    if (await makeDir(dir, 2, '')) made.push(dir);
    return { version: 2, dirs: [dir] };
  }
  const dirs: string[] = [];
  for (const { mountPoint, controllers } of layout.hierarchies) {
    const partition = join(mountPoint, PARTITION);
    const dir = join(partition, leaf);
    const controller = controllers.join(',');
    await makeDir(partition, 1, controller);
    if (controllers.includes('cpuset')) await inheritCpuset(partition);
    if (await makeDir(dir, 1, controller)) made.push(dir);
    if (controllers.includes('cpuset')) await inheritCpuset(dir);
    dirs.push(dir);
  }
  return { version: 1, dirs };
}

/**
 * Creates the container's cgroup: `machine/<name>-<ownerPid>.virtkit-lxc` under the root of every
 * usable hierarchy (v1: each mounted controller; v2: the unified tree, controllers enabled on the way
 * down). The root, not our own process's cgroup: a sandbox may have put the manager somewhere odd.
 */
export async function createContainerCgroup(
  name: string,
  ownerPid: number,
  layout?: CgroupLayout,
): Promise<ContainerCgroup> {
  const made: string[] = [];
  try {
    return ContainerCgroup.at(
      await createIn(layout ?? (await hostCgroupLayout()), containerCgroupName(name, ownerPid), made),
    );
  } catch (error) {
    for (const dir of made) await rmdir(dir).catch(() => {});
    throw error;
  }
}
