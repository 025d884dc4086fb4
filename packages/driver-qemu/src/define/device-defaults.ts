import type { ControllerDef, DeviceDef, VideoDef, XmlElement } from '@virtkit/core';
import type { QemuCaps } from '../caps/index.js';
import { defaultUsbModel } from './default-devices.js';
import { fillDiskDefaults } from './disk-defaults.js';

/** Video RAM defaults per model, KiB (virDomainVideoDefaultRAM and the QXL defaults). */
const VIDEO_DEFAULTS: Record<string, { vram?: number; extra?: Record<string, string> }> = {
  cirrus: { vram: 16384 },
  vga: { vram: 16384 },
  bochs: { vram: 16384 },
  qxl: { vram: 65536, extra: { ram: '65536', vgamem: '16384' } },
  virtio: {},
};

function fillVideo(video: VideoDef): void {
  const model = video.model;
  const defaults = model?.type ? VIDEO_DEFAULTS[model.type] : undefined;
  if (!model || !defaults) return;
  model.vram ??= defaults.vram;
  model.heads ??= 1;
  if (defaults.extra) {
    const attrs = { ...defaults.extra, ...model.rest?.attrs };
    model.rest = { attrs, children: model.rest?.children ?? [] };
  }
}

function setChild(ctrl: ControllerDef, child: XmlElement): void {
  const rest = ctrl.rest ?? { attrs: {}, children: [] };
  const existing = rest.children.find((c) => c.name === child.name);
  if (existing) existing.attrs = { ...child.attrs, ...existing.attrs };
  else rest.children.push(child);
  ctrl.rest = rest;
}

/**
 * A PCIe root port names its QEMU device, and its chassis and port follow its index and its own
 * slot/function on the root complex (qemuDomainPCIControllerSetDefaultModelName and the
 * address-assignment fix-ups).
 */
function fillRootPort(ctrl: ControllerDef): void {
  setChild(ctrl, { name: 'model', attrs: { name: 'pcie-root-port' }, children: [] });
  const addr = ctrl.info.address?.type === 'pci' ? ctrl.info.address.attrs : undefined;
  const port = addr ? Number(addr.slot) * 8 + Number(addr.function) : 0;
  setChild(ctrl, {
    name: 'target',
    attrs: { chassis: String(ctrl.index), port: `0x${port.toString(16)}` },
    children: [],
  });
}

/** A mediated device is never managed: libvirt cannot create it on start (virDomainHostdevDefPostParse). */
function fillHostdev(el: XmlElement): void {
  if (el.attrs.type !== 'mdev' || el.attrs.managed !== undefined) return;
  const { mode, type, ...others } = el.attrs;
  el.attrs = { ...(mode !== undefined && { mode }), type, managed: 'no', ...others };
}

/** Models and sizes libvirt fills in for devices that leave them out, once addresses are known. */
export function fillDeviceDefaults(devices: DeviceDef[], caps: QemuCaps, machine: string): void {
  for (const dev of devices) {
    if (dev.kind === 'video') fillVideo(dev);
    if (dev.kind === 'disk') fillDiskDefaults(dev);
    // qemuDomainDefaultNetModel: a PC's NIC is an RTL8139 unless the XML says otherwise; vDPA is virtio by nature.
    if (dev.kind === 'interface' && dev.type !== 'hostdev')
      dev.model ??= dev.type === 'vdpa' ? 'virtio' : 'rtl8139';
    if (dev.kind === 'generic' && dev.element.name === 'hostdev') fillHostdev(dev.element);
    if (dev.kind === 'generic' && dev.element.name === 'vsock') dev.element.attrs.model ??= 'virtio';
    if (dev.kind !== 'controller') continue;
    if (dev.type === 'usb') dev.model ??= defaultUsbModel(machine, caps);
    if (dev.model === 'pcie-root-port') fillRootPort(dev);
  }
}
