import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEV_LINKS, DEV_NODES } from './container-setup.js';

/**
 * Writes what the container's /dev tmpfs starts with, for the setup shell's one `cp -RP`: an empty
 * file per host node and for the console (their bind mounts' targets), `pts` (devpts' mount point)
 * and libvirt's links. Made as the shell would (0666 files, a 0755 directory, both under the umask
 * the shell inherits), so the copies come out as they did when the shell made them one by one.
 */
export function writeDevSkeleton(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { mode: 0o755 });
  for (const node of [...DEV_NODES, 'console']) writeFileSync(join(dir, node), '', { mode: 0o666 });
  mkdirSync(join(dir, 'pts'), { mode: 0o755 });
  for (const [target, name] of DEV_LINKS) symlinkSync(target, join(dir, name));
}
