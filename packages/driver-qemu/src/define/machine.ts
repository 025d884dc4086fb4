import type { DomainDef } from '@virtkit/core';
import { findMachine, type QemuAccel, type QemuCaps } from '../caps/index.js';

/** The accelerator whose caps describe a domain: KVM for `kvm` domains, TCG for everything else. */
export function accelOf(def: DomainDef): QemuAccel {
  return def.type === 'kvm' ? 'kvm' : 'tcg';
}

/** The machine type a domain runs: its own, else the emulator's default one. */
export function machineOf(def: DomainDef, caps: QemuCaps): string {
  return def.os.machine ?? caps.machines.find((m) => m.accel === accelOf(def) && m.isDefault)?.name ?? 'pc';
}

/**
 * The machine as libvirt stores it: the default machine when none is given and, on define
 * (VIR_DOMAIN_DEF_PARSE_ABI_UPDATE), an alias such as `pc` replaced by the versioned machine it
 * stands for, so the guest keeps its ABI when QEMU is upgraded.
 */
export function canonicalMachine(def: DomainDef, caps: QemuCaps, abiUpdate: boolean): string {
  const machine = machineOf(def, caps);
  if (!abiUpdate) return machine;
  const found = findMachine(caps, accelOf(def), machine);
  return found?.name ?? machine;
}

/** Whether the machine is an i440fx PC (`pc`, `pc-i440fx-*`, the old `pc-X.Y`). */
export function isI440fx(machine: string): boolean {
  return machine === 'pc' || machine.startsWith('pc-i440fx') || /^pc-\d/.test(machine);
}

export function isQ35(machine: string): boolean {
  return machine === 'q35' || machine.startsWith('pc-q35');
}
