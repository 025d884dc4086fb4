import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hostCgroupLayout } from '../cgroup/index.js';

/** A cgroup.procs file of the cgroup this process is in: writing our pid there moves nothing. */
async function ownProcsFile(): Promise<string | undefined> {
  const layout = await hostCgroupLayout();
  // /proc/self/cgroup: `id:controllers:path`, `0::path` for the unified tree.
  const lines = (await readFile('/proc/self/cgroup', 'utf8')).split('\n').map((line) => line.split(':'));
  const pathOf = (matches: (controllers: string[]) => boolean) =>
    lines
      .find((fields) => fields.length >= 3 && matches((fields[1] ?? '').split(',')))
      ?.slice(2)
      .join(':');
  if (layout.version === 2) {
    const path = pathOf((controllers) => controllers.join('') === '');
    return path === undefined ? undefined : join(layout.mountPoint, path, 'cgroup.procs');
  }
  for (const { mountPoint, controllers } of layout.hierarchies) {
    const path = pathOf((own) => controllers.some((c) => own.includes(c)));
    if (path !== undefined) return join(mountPoint, path, 'cgroup.procs');
  }
  return undefined;
}

let procsFile: Promise<string | undefined> | undefined;
let inFlight = false;

/**
 * The first join of a cgroup after a quiet spell waits for an RCU grace period (the kernel switches
 * cgroup_threadgroup_rwsem's readers to its slow path): 10–40 ms on a busy 2-core host, nearly all
 * of what the setup shell's join cost. Joins within about a grace period of another are quick. So
 * the manager begins a start with a join that moves nothing (this process into its own cgroup), and
 * the controller repeats it on the way (a gap longer than a grace period makes the next join slow
 * again): the waits run beside the start, and the shell's real join follows cheaply. Best effort.
 */
export function warmCgroupAttach(): void {
  if (inFlight) return;
  inFlight = true;
  procsFile ??= ownProcsFile().catch(() => undefined);
  void procsFile
    .then((file) => (file === undefined ? undefined : writeFile(file, String(process.pid))))
    .catch(() => {})
    .finally(() => {
      inFlight = false;
    });
}
