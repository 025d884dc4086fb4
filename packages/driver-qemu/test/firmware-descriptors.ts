import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FirmwareDescriptor, parseFirmwareDescriptor } from '../src/argv/index.js';

/** Descriptor dirs of the upstream harness, highest priority first. */
const FIRMWARE_DIRS = ['home/user/.config/qemu/firmware', 'etc/qemu/firmware', 'usr/share/qemu/firmware'].map(
  (d) => join('/work/shared/libvirt-testdata/qemu-xml2argv/support/qemufirmwaredata', d),
);

/** The corpus' firmware descriptors: a file shadows same-named ones below, an empty one masks them. */
export function loadFirmwareDescriptors(): FirmwareDescriptor[] {
  const chosen = new Map<string, string>();
  for (const dir of FIRMWARE_DIRS) {
    for (const file of readdirSync(dir))
      if (!chosen.has(file)) chosen.set(file, readFileSync(join(dir, file), 'utf8'));
  }
  return [...chosen.keys()]
    .sort()
    .map((file) => chosen.get(file) ?? '')
    .filter((json) => json.trim() !== '')
    .map(parseFirmwareDescriptor);
}
