import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FirmwareDescriptor, parseFirmwareDescriptor } from '../argv/firmware-select.js';

/** Where QEMU's firmware descriptors live; a later directory's file overrides one of the same name. */
export const FIRMWARE_DIRS = ['/usr/share/qemu/firmware', '/etc/qemu/firmware'];

/**
 * The descriptors in libvirt's order: by file name across the directories, the highest-priority
 * directory's file winning. An empty file masks a file of the same name, as in QEMU's spec.
 */
export async function loadFirmwareDescriptors(
  dirs: readonly string[] = FIRMWARE_DIRS,
): Promise<FirmwareDescriptor[]> {
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    for (const name of await readdir(dir).catch(() => [])) {
      if (name.endsWith('.json')) byName.set(name, join(dir, name));
    }
  }
  const names = [...byName.keys()].sort();
  const texts = await Promise.all(
    names.map((name) => readFile(byName.get(name) ?? '', 'utf8').catch(() => '')),
  );
  return texts.filter((text) => text.trim() !== '').map(parseFirmwareDescriptor);
}
