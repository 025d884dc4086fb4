import type { DeviceDef, DomainDef } from '@virtkit/core';

/** Whether the machine is an i440fx PC (`pc`, `pc-i440fx-*`, the old `pc-X.Y`). */
function isI440fx(machine: string): boolean {
  return machine === 'pc' || machine.startsWith('pc-i440fx') || /^pc-\d/.test(machine);
}

export function isQ35(machine: string): boolean {
  return machine === 'q35' || machine.startsWith('pc-q35');
}

function generic(name: string, attrs: Record<string, string>): DeviceDef {
  return { kind: 'generic', element: { name, attrs, children: [] }, info: {} };
}

/**
 * Devices libvirt adds when the XML leaves them out (qemuDomainDefAddDefaultDevices): PCs always
 * have a USB controller and a virtio balloon unless told `model='none'`, and Q35's ICH9 always
 * has its TCO watchdog, which reboots the guest. Graphics without a video card get a Cirrus VGA,
 * the first model this QEMU offers in libvirt's order of preference.
 */
export function withImplicitDevices(def: DomainDef, machine: string): DomainDef {
  const q35 = isQ35(machine);
  if (!q35 && !isI440fx(machine)) return def;
  const has = (test: (d: DeviceDef) => boolean): boolean => def.devices.some(test);
  const added: DeviceDef[] = [];
  if (
    q35 &&
    !has((d) => d.kind === 'generic' && d.element.name === 'watchdog' && d.element.attrs.model === 'itco')
  ) {
    added.push(generic('watchdog', { model: 'itco', action: 'reset' }));
  }
  if (!has((d) => d.kind === 'controller' && d.type === 'usb')) {
    added.push({
      kind: 'controller',
      type: 'usb',
      index: 0,
      model: q35 ? 'qemu-xhci' : 'piix3-uhci',
      info: {},
    });
  }
  if (has((d) => d.kind === 'graphics') && !has((d) => d.kind === 'video')) {
    added.push({ kind: 'video', model: { type: 'cirrus' }, info: {} });
  }
  if (!has((d) => d.kind === 'generic' && d.element.name === 'memballoon')) {
    added.push(generic('memballoon', { model: 'virtio' }));
  }
  return added.length === 0 ? def : { ...def, devices: [...def.devices, ...added] };
}
