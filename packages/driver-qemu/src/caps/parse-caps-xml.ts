import { readXml, VirtError, type XmlElement } from '@virtkit/core';
import type { QemuAccel, QemuCaps, QemuCpuModel, QemuMachine } from './qemu-caps.js';

function children(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === name);
}

function text(el: XmlElement, name: string): string | undefined {
  const child = children(el, name)[0];
  return child?.children.filter((c): c is string => typeof c === 'string').join('');
}

function accelOf(el: XmlElement): QemuAccel {
  return el.attrs.type === 'tcg' ? 'tcg' : 'kvm';
}

const yes = (value: string | undefined): boolean => value === 'yes';

function parseMachine(el: XmlElement): QemuMachine {
  const { name, alias, maxCpus, defaultCPU, defaultRAMid } = el.attrs;
  return {
    accel: accelOf(el),
    name: name ?? '',
    ...(alias !== undefined && { alias }),
    maxCpus: Number(maxCpus ?? 0),
    hotplugCpus: yes(el.attrs.hotplugCpus),
    isDefault: yes(el.attrs.default),
    ...(defaultCPU !== undefined && { defaultCpuType: defaultCPU }),
    ...(defaultRAMid !== undefined && { defaultRamId: defaultRAMid }),
    acpi: yes(el.attrs.acpi),
    deprecated: yes(el.attrs.deprecated),
  };
}

function parseCpuModel(el: XmlElement): QemuCpuModel {
  const { name, typename } = el.attrs;
  return {
    accel: accelOf(el),
    name: name ?? '',
    ...(typename !== undefined && { typename }),
    usable: yes(el.attrs.usable),
    deprecated: yes(el.attrs.deprecated),
  };
}

/** Reads libvirt's QEMU capabilities cache file (`<qemuCaps>`, as in tests/qemucapabilitiesdata). */
export function parseQemuCapsXml(xml: string): QemuCaps {
  const root = readXml(xml, 'qemu capabilities');
  if (root.name !== 'qemuCaps') {
    throw new VirtError('INTERNAL_ERROR', `unexpected root element <${root.name}>, expecting <qemuCaps>`);
  }
  const emulator = text(root, 'emulator');
  return {
    ...(emulator !== undefined && { emulator }),
    arch: text(root, 'arch') ?? '',
    version: Number(text(root, 'version') ?? 0),
    flags: new Set(children(root, 'flag').map((f) => f.attrs.name ?? '')),
    machines: children(root, 'machine').map(parseMachine),
    cpuModels: children(root, 'cpu').map(parseCpuModel),
  };
}
