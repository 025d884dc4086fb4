import type { DeviceDef, XmlElement } from '@virtkit/core';

/** The `<driver>` element's attributes of any device kind. */
export function driverAttrs(dev: DeviceDef): Record<string, string> {
  if (dev.kind === 'disk') return { ...dev.driver?.rest?.attrs };
  const children = dev.kind === 'generic' ? dev.element.children : (dev.rest?.children ?? []);
  const driver = children.find((c): c is XmlElement => typeof c !== 'string' && c.name === 'driver');
  return driver?.attrs ?? {};
}

/** `<driver>` switches every virtio device shares, and their QEMU property names, in QEMU's order. */
const VIRTIO_SWITCHES: [string, string][] = [
  ['iommu', 'iommu_platform'],
  ['ats', 'ats'],
  ['packed', 'packed'],
  ['page_per_vq', 'page-per-vq'],
];

/** Transport properties of a virtio device (virtio-pci), placed right after its driver name. */
export function virtioOptionProps(dev: DeviceDef): Record<string, boolean> {
  const attrs = driverAttrs(dev);
  const out: Record<string, boolean> = {};
  for (const [xml, qemu] of VIRTIO_SWITCHES) {
    const value = attrs[xml];
    if (value !== undefined) out[qemu] = value === 'on';
  }
  return out;
}
