import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { QmpClient } from './qmp/index.js';

const pad = (value: number) => String(value).padStart(2, '0');

/**
 * Where an on_crash=coredump-* dump of run `id` goes: `<dir>/<id>-<name>-<YYYY-MM-DD-HH:MM:SS>`,
 * local time, as libvirt's doCoreDumpToAutoDumpPath names it.
 */
export function autoDumpPath(dir: string, id: number, name: string, now = new Date()): string {
  const date = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  const time = `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;
  return join(dir, `${id}-${name}-${date}-${time}`);
}

/** Writes the guest's memory as an ELF core to `path` and waits until QEMU has finished it. */
export async function dumpGuestMemory(qmp: QmpClient, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  await qmp.executeUnchecked('dump-guest-memory', { paging: false, protocol: `file:${path}`, format: 'elf' });
}
