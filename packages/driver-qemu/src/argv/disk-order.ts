import type { DiskDef, DomainDef } from '@virtkit/core';

/** `hda`→0, `vdb`→1, `sdaa`→26: the index encoded in a disk target name (virDiskNameToIndex). */
export function targetIndex(dev: string): number {
  let index = 0;
  for (const ch of dev.replace(/^(hd|sd|vd|xvd|fd|ubd|mmcblk)/, ''))
    index = index * 26 + (ch.charCodeAt(0) - 96);
  return index - 1;
}

/**
 * libvirt keeps disks grouped by bus and sorted by target within a bus (virDomainDiskInsert):
 * a disk goes before the first same-bus disk with a higher target, else after the last same-bus
 * disk, else at the end. Node names and PCI slots follow this order, not the document's.
 */
function insertionOrder(disks: DiskDef[]): DiskDef[] {
  const out: DiskDef[] = [];
  for (const disk of disks) {
    let at = -1;
    for (let i = out.length - 1; i >= 0; i--) {
      const other = out[i] as DiskDef;
      if (other.target.bus !== disk.target.bus) continue;
      if (targetIndex(other.target.dev) > targetIndex(disk.target.dev)) at = i;
      else if (at === -1) at = i + 1;
    }
    out.splice(at === -1 ? out.length : at, 0, disk);
  }
  return out;
}

/** The definition with its disks in libvirt's order, each in one of the original disk positions. */
export function withSortedDisks(def: DomainDef): DomainDef {
  const sorted = insertionOrder(def.devices.filter((d): d is DiskDef => d.kind === 'disk'));
  let next = 0;
  return { ...def, devices: def.devices.map((d) => (d.kind === 'disk' ? (sorted[next++] as DiskDef) : d)) };
}
