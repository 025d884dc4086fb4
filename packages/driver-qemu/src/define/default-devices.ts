import type { DeviceDef, DomainDef, InputDef } from '@virtkit/core';
import { hasCap, type QemuCaps } from '../caps/index.js';
import { controllers, generic, newController } from './device-list.js';
import { isI440fx, isQ35 } from './machine.js';

/** The USB controller model a machine gets when the XML names none (qemuDomainDefaultUSBControllerModel). */
export function defaultUsbModel(machine: string, caps: QemuCaps): string {
  if (isQ35(machine) && hasCap(caps, 'qemu-xhci')) return 'qemu-xhci';
  return 'piix3-uhci';
}

/**
 * The audio backend a domain without `<audio>` gets (qemuDomainDefAddDefaultAudioBackend): the
 * one of its SPICE or SDL display, else none, so QEMU never opens the host's sound system.
 */
function defaultAudioType(def: DomainDef): string {
  const graphics = def.devices.find((d) => d.kind === 'graphics' && (d.type === 'spice' || d.type === 'sdl'));
  return graphics?.kind === 'graphics' ? graphics.type : 'none';
}

/**
 * Devices a PC machine has whether the XML lists them or not (qemuDomainDefAddDefaultDevices and
 * the implicit inputs and audio): its root bus, a USB controller, Q35's SATA controller and TCO
 * watchdog, the PS/2 mouse and keyboard of the i8042, a balloon and an audio backend. Returns
 * what has to be added; the root bus model is filled in place.
 */
export function defaultDevices(def: DomainDef, caps: QemuCaps, machine: string): DeviceDef[] {
  const q35 = isQ35(machine);
  if (!q35 && !isI440fx(machine)) return [];
  const devices = [...def.devices];
  const add = (dev: DeviceDef): void => {
    devices.push(dev);
    added.push(dev);
  };
  const added: DeviceDef[] = [];
  const hasGeneric = (name: string, attrs: Record<string, string> = {}): boolean =>
    devices.some(
      (d) =>
        d.kind === 'generic' &&
        d.element.name === name &&
        Object.entries(attrs).every(([k, v]) => d.element.attrs[k] === v),
    );
  if (controllers(devices, 'usb').length === 0) add(newController('usb', 0, defaultUsbModel(machine, caps)));
  if (q35 && !controllers(devices, 'sata').some((c) => c.index === 0)) add(newController('sata', 0));
  const rootModel = q35 ? 'pcie-root' : 'pci-root';
  const root = controllers(devices, 'pci').find((c) => c.index === 0);
  if (!root) add(newController('pci', 0, rootModel));
  else root.model ??= rootModel;
  if (q35 && !hasGeneric('watchdog', { model: 'itco' }))
    add(generic('watchdog', { model: 'itco', action: 'reset' }));
  if (!hasGeneric('memballoon')) add(generic('memballoon', { model: 'virtio' }));
  for (const type of ['mouse', 'keyboard']) {
    if (!devices.some((d) => d.kind === 'input' && d.type === type && d.bus === 'ps2')) {
      add({ kind: 'input', type, bus: 'ps2', info: {} } satisfies InputDef);
    }
  }
  if (!hasGeneric('audio')) add(generic('audio', { id: '1', type: defaultAudioType(def) }));
  if (devices.some((d) => d.kind === 'graphics') && !devices.some((d) => d.kind === 'video')) {
    add({ kind: 'video', model: { type: 'cirrus', primary: true }, info: {} });
  }
  return added;
}
