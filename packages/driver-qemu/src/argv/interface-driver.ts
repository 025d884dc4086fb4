import { childElement, type InterfaceDef, type XmlElement } from '@virtkit/core';
import { driverAttrs } from './virtio-options.js';

/** Interface types whose backend is a host tap device (libvirt's qemuBuildInterfaceConnect). */
export const TAP_TYPES: ReadonlySet<string> = new Set(['ethernet', 'bridge', 'network', 'direct']);

/** The first child element `name` of an interface. */
export function interfaceChild(net: InterfaceDef, name: string): XmlElement | undefined {
  return childElement(net.rest, name);
}

/** `<driver queues=N>`: 0 when absent, as libvirt stores it. */
export function interfaceQueues(net: InterfaceDef): number {
  return Number(driverAttrs(net).queues ?? 0);
}

const VIRTIO_MODELS = new Set(['virtio', 'virtio-transitional', 'virtio-non-transitional']);

export function isVirtioNic(net: InterfaceDef): boolean {
  return VIRTIO_MODELS.has(nicModel(net));
}

/** The NIC model libvirt settles on for an x86 guest that names none. */
export function nicModel(net: InterfaceDef): string {
  if (net.model) return net.model;
  return net.type === 'vdpa' || net.type === 'vhostuser' ? 'virtio' : 'rtl8139';
}

/**
 * Whether QEMU gets vhost-net fds: virtio NICs on a tap, unless `<driver name='qemu'>` asks for
 * QEMU's own userspace backend (qemuInterfaceOpenVhostNet).
 */
export function usesVhostNet(net: InterfaceDef): boolean {
  return TAP_TYPES.has(net.type) && isVirtioNic(net) && driverAttrs(net).name !== 'qemu';
}
