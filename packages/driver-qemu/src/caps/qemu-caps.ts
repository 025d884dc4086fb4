/**
 * What one QEMU binary can do. A plain data type so that it can be filled either from libvirt's
 * capabilities cache XML (tests) or, later, by probing the binary over QMP.
 */
export type QemuAccel = 'kvm' | 'tcg';

export interface QemuMachine {
  accel: QemuAccel;
  name: string;
  alias?: string;
  maxCpus: number;
  hotplugCpus: boolean;
  isDefault: boolean;
  /** QOM type name of the machine's default CPU, e.g. `qemu64-x86_64-cpu`. */
  defaultCpuType?: string;
  /** Id of the RAM memory region the machine creates, needed for `-machine memory-backend=`. */
  defaultRamId?: string;
  /** Whether the machine has an `acpi` property (so libvirt must say acpi=on/off). */
  acpi: boolean;
  deprecated: boolean;
}

export interface QemuCpuModel {
  accel: QemuAccel;
  name: string;
  typename?: string;
  usable: boolean;
  deprecated: boolean;
}

export interface QemuCaps {
  emulator?: string;
  arch: string;
  /** QEMU version as libvirt encodes it: major * 1000000 + minor * 1000 + micro. */
  version: number;
  /** libvirt's capability flag names (`blockdev`, `device.json`, …). */
  flags: ReadonlySet<string>;
  machines: QemuMachine[];
  cpuModels: QemuCpuModel[];
}

export function hasCap(caps: QemuCaps, flag: string): boolean {
  return caps.flags.has(flag);
}

/**
 * The machine type named `name` for an accelerator, else the one aliased so. The alias only finds
 * the machine's properties: libvirt keeps the name as written (`pc` stays `pc`).
 */
export function findMachine(caps: QemuCaps, accel: QemuAccel, name: string): QemuMachine | undefined {
  const list = caps.machines.filter((m) => m.accel === accel);
  return list.find((m) => m.name === name) ?? list.find((m) => m.alias === name);
}
