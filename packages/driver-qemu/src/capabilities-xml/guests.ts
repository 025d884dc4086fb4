import type { XmlElement } from '@virtkit/core';
import type { QemuCaps, QemuMachine } from '../caps/index.js';
import { el } from './element.js';

const WORDSIZE: Readonly<Record<string, number>> = {
  i686: 32,
  x86_64: 64,
  aarch64: 64,
  armv7l: 32,
  ppc64: 64,
  ppc64le: 64,
  s390x: 64,
  riscv64: 64,
};

/** The default machine first, then QEMU's order; an aliased machine is followed by its alias. */
export function machineEntries(machines: readonly QemuMachine[]): XmlElement[] {
  const ordered = [...machines.filter((m) => m.isDefault), ...machines.filter((m) => !m.isDefault)];
  return ordered.flatMap((m) => {
    const attrs = { maxCpus: m.maxCpus, deprecated: m.deprecated ? 'yes' : undefined };
    return [
      el('machine', attrs, m.name),
      ...(m.alias === undefined ? [] : [el('machine', { canonical: m.name, ...attrs }, m.alias)]),
    ];
  });
}

/** Guest features libvirt lists for x86 (virQEMUCapsInitGuestFromBinary). */
function x86Features(arch: string): XmlElement {
  return el(
    'features',
    {},
    arch === 'i686' && el('pae'),
    arch === 'i686' && el('nonpae'),
    el('acpi', { default: 'on', toggle: 'yes' }),
    el('apic', { default: 'on', toggle: 'no' }),
    el('cpuselection'),
    el('deviceboot'),
    el('disksnapshot', { default: 'on', toggle: 'no' }),
  );
}

/** One `<guest>` for what an emulator runs: its arch, machines and domain types. */
export function guestXml(caps: QemuCaps): XmlElement {
  const tcg = caps.machines.filter((m) => m.accel === 'tcg');
  const kvm = caps.machines.some((m) => m.accel === 'kvm');
  return el(
    'guest',
    {},
    el('os_type', {}, 'hvm'),
    el(
      'arch',
      { name: caps.arch },
      el('wordsize', {}, String(WORDSIZE[caps.arch] ?? 64)),
      el('emulator', {}, caps.emulator ?? ''),
      ...machineEntries(tcg),
      el('domain', { type: 'qemu' }),
      kvm && el('domain', { type: 'kvm' }),
    ),
    x86Features(caps.arch),
  );
}
